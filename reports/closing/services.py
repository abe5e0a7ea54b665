"""Saving the staff's words in the outgoing body's last report, and publishing it."""

from __future__ import annotations

import datetime

from django.db import transaction

from agencies.handover_models import HandoverPlan
from agencies.models import Body, User

from ..closing_models import ClosingReport

NOTES = ("introduction", "people_note", "alerts_note", "recommendations_note", "handed_on_note")


def closing_report_for(plan: HandoverPlan, body: Body) -> ClosingReport:
    """The stored words, or an unsaved blank report (nothing is written by reading)."""
    found = ClosingReport.objects.filter(plan=plan, body=body).first()
    return found or ClosingReport(plan=plan, body=body)


@transaction.atomic
def closing_report_save(
    *, plan: HandoverPlan, body: Body, data: dict, user: User, today: datetime.date
) -> ClosingReport:
    found = ClosingReport.objects.select_for_update().filter(plan=plan, body=body).first()
    report = found or ClosingReport(plan=plan, body=body)
    for field in NOTES:
        setattr(report, field, data.get(field, ""))
    if data.get("publish") and report.published_on is None:
        report.published_on = today
    report.updated_by = user
    report.save()
    return report
