"""A report's confidential factual-accuracy check: before it is final, a Healthwatch report
(or any report) goes to the provider with a date agreed for its comments. Its recommendations
are not sent, and no response clock starts, until the check is recorded as done."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Body
from agencies.notifications import notify_body

from ..models import Report
from .rules import serves_any
from .services import message


def accuracy_check_send(*, report: Report, provider: Body | None, due_on: datetime.date) -> Report:
    """Send the draft report to the provider, in confidence, for comments by `due_on`."""
    today = timezone.localdate()
    errors = {}
    if provider is None or not serves_any(report.area_list(), provider):
        errors["provider"] = "Choose a body serving an area this report concerns"
    if due_on <= today:
        errors["due_on"] = "The date agreed for comments must be after today"
    if errors or provider is None:
        raise ValidationError(errors)
    if report.published_on or report.in_accuracy_check():
        raise ValidationError(
            "This report is already published." if report.published_on else "The check is already under way."
        )
    with transaction.atomic():
        report.accuracy_check_body, report.accuracy_check_sent_on = provider, today
        report.accuracy_check_due_on, report.accuracy_check_done_on = due_on, None
        report.save()
        notify_body(
            body=provider,
            kind="accuracy-check",
            key=f"report-{report.pk}:accuracy-check-{today:%Y%m%d}",
            subject=f"In confidence: factual-accuracy check of ‘{report.title}’, comments by {due_on:%-d %B %Y}",
            text=message("accuracy_check", report=report),
            locality=report.locality,
            related=("report", report.pk),
            tell_members=True,
            member_link=reverse("reports:report", args=[report.locality.slug, report.pk]),
            members_urgent=False,
        )
    return report


def accuracy_check_done(*, report: Report) -> Report:
    if not report.in_accuracy_check():
        raise ValidationError("There is no factual-accuracy check under way.")
    report.accuracy_check_done_on = timezone.localdate()
    report.save(update_fields=["accuracy_check_done_on"])
    return report


def refuse_while_checked(report: Report) -> None:
    """The response clock starts only when the final report is sent."""
    if report.in_accuracy_check() and report.accuracy_check_body is not None:
        raise ValidationError(
            f"The report is with {report.accuracy_check_body.name} for a factual-accuracy check "
            f"(comments due {report.accuracy_check_due_on:%-d %B %Y}). Record the check as done, "
            "then send the final report's recommendations."
        )
