"""A recommendation's lifecycle, by its report's officers: record one already sent, record the
committee's agreement, send the agreed ones (all of a report's, or one), edit or delete a draft,
withdraw or correct a sent one. Each action has its own URL; refusals are clear messages and
change nothing (lifecycle.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.http import area_view, posted

from .. import access
from ..models import Recommendation, Report
from . import accuracy, lifecycle, selectors, services
from .forms import AccuracyCheckForm, AgreeForm, CorrectForm, RecommendationForm, WithdrawForm
from .pages import form_page, submit_form
from .review_views import report_page
from .views import _recommendation_to_change

REPORT_REFUSAL = "Only officers of the body that wrote the report can change its recommendations."


def _report_to_change(request, locality, pk: int) -> Report:
    item = selectors.report_for(request.user, locality, pk)
    if item.issuing_body not in access.review_bodies(request.user, locality):
        raise PermissionDenied(REPORT_REFUSAL)
    return item


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@area_view
@require_http_methods(["GET", "POST"])
def record_sent(request, locality, pk: int):
    """Record one already sent on paper, with its real date sent: straight to sent."""
    item = _report_to_change(request, locality, pk)
    form = RecommendationForm(
        posted(request),
        locality=locality,
        areas=item.area_list(),
        record_sent=True,
        initial={"sent_on": timezone.localdate()},
    )
    rec = submit_form(request, form, lambda data: services.recommendation_issue(report=item, **data))
    if rec:
        messages.success(
            request,
            f"{rec.reference} recorded as sent to {rec.addressed_to.name}: response due {rec.due_on:%-d %B %Y}.",
        )
        return redirect("reports:report", locality.slug, item.pk)
    return form_page(request, locality, form, f"Record a recommendation already sent – {item.title}")


@area_view
@require_POST
def agree(request, locality, pk: int):
    item = _report_to_change(request, locality, pk)
    form = AgreeForm(request.POST)
    agreed = submit_form(request, form, lambda data: lifecycle.recommendations_agree(report=item, **data))
    if agreed:
        messages.success(
            request, f"Agreement recorded for {len(agreed)} recommendation{'s' if len(agreed) != 1 else ''}."
        )
        return redirect("reports:report", locality.slug, item.pk)
    return report_page(request, locality, item, agree_form=form)


@area_view
@require_POST
def send_agreed(request, locality, pk: int):
    item = _report_to_change(request, locality, pk)
    try:
        sent = lifecycle.recommendations_send(report=item)
    except ValidationError as error:
        _refused(request, error)
    else:
        if sent:
            names = ", ".join(rec.reference for rec in sent)
            messages.success(request, f"Sent {names}. Each body has its email with the link to answer.")
        else:
            messages.info(request, "They were already sent: nothing more was sent.")
    return redirect("reports:report", locality.slug, item.pk)


def _rec_for_report_officers(request, locality, pk: int) -> Recommendation:
    return _recommendation_to_change(request, locality, pk)


@area_view
@require_http_methods(["GET", "POST"])
def edit(request, locality, pk: int):
    rec = _rec_for_report_officers(request, locality, pk)
    if rec.is_sent():
        messages.error(request, f"{rec.reference} has been sent: correct or withdraw it, with a reason, instead.")
        return redirect("reports:recommendation", locality.slug, rec.pk)
    initial = {"text": rec.text, "addressed_to": rec.addressed_to_id, "duty": rec.duty_id}
    initial["agreed_on"] = rec.deadline_agreed_on
    form = RecommendationForm(
        posted(request), locality=locality, areas=rec.report.area_list(), editing=True, initial=initial
    )
    done = submit_form(request, form, lambda data: lifecycle.recommendation_edit(recommendation=rec, **data))
    if done:
        messages.success(request, f"{rec.reference} saved. It is a draft: nothing is sent.")
        return redirect("reports:report", locality.slug, rec.report_id)
    return form_page(request, locality, form, f"Edit draft {rec.reference}")


@area_view
@require_POST
def delete(request, locality, pk: int):
    rec = _rec_for_report_officers(request, locality, pk)
    try:
        lifecycle.recommendation_delete(recommendation=rec)
    except ValidationError as error:
        _refused(request, error)
        return redirect("reports:recommendation", locality.slug, rec.pk)
    messages.success(request, f"Draft {rec.reference} deleted.")
    return redirect("reports:report", locality.slug, rec.report_id)


@area_view
@require_POST
def send_one(request, locality, pk: int):
    rec = _rec_for_report_officers(request, locality, pk)
    try:
        lifecycle.recommendation_send(recommendation=rec)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{rec.reference} sent to {rec.addressed_to.name}.")
    return redirect("reports:report", locality.slug, rec.report_id)


@area_view
@require_http_methods(["GET", "POST"])
def withdraw(request, locality, pk: int):
    rec = _rec_for_report_officers(request, locality, pk)
    form = WithdrawForm(posted(request))
    done = submit_form(request, form, lambda data: lifecycle.recommendation_withdraw(recommendation=rec, **data))
    if done:
        messages.success(request, f"{rec.reference} withdrawn. {rec.addressed_to.name} is told; no response is owed.")
        return redirect("reports:recommendation", locality.slug, rec.pk)
    return form_page(request, locality, form, f"Withdraw {rec.reference}")


@area_view
@require_http_methods(["GET", "POST"])
def correct(request, locality, pk: int):
    rec = _rec_for_report_officers(request, locality, pk)
    form = CorrectForm(posted(request), initial={"text": rec.text})
    done = submit_form(request, form, lambda data: lifecycle.recommendation_correct(recommendation=rec, **data))
    if done:
        messages.success(request, f"{rec.reference} corrected. {rec.addressed_to.name} is told; the old text is kept.")
        return redirect("reports:recommendation", locality.slug, rec.pk)
    return form_page(request, locality, form, f"Correct {rec.reference}")


@area_view
@require_http_methods(["GET", "POST"])
def accuracy_check(request, locality, pk: int):
    """Send the draft report to the provider, in confidence, for a factual-accuracy check."""
    item = _report_to_change(request, locality, pk)
    form = AccuracyCheckForm(posted(request), areas=item.area_list())
    done = submit_form(request, form, lambda data: accuracy.accuracy_check_send(report=item, **data))
    if done:
        messages.success(
            request,
            f"Sent in confidence to {item.accuracy_check_body.name}: "
            f"comments by {item.accuracy_check_due_on:%-d %B %Y}.",
        )
        return redirect("reports:report", locality.slug, item.pk)
    return form_page(request, locality, form, f"Factual-accuracy check – {item.title}")


@area_view
@require_POST
def accuracy_check_done(request, locality, pk: int):
    item = _report_to_change(request, locality, pk)
    try:
        accuracy.accuracy_check_done(report=item)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "The accuracy check is done. Send the final report's recommendations when agreed.")
    return redirect("reports:report", locality.slug, item.pk)
