"""The scheduled chase: reminders before and on a deadline, then the area's escalation ladder,
for recommendations and evidence requests. Each message goes once (its dedupe key names the
recommendation, the deadline and the person or body), however many times the job runs. A joint
committee's recommendation is one row however many areas it concerns, so it is chased once, on
its lead area's ladder; its HWB-agenda stage tells the board chairs of every area it concerns."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.urls import reverse

from agencies.models import Body, Function, FunctionHolding, Membership, Role
from agencies.notifications import notify_body, notify_user

from ..models import ChaseLadder, EvidenceRequest, Recommendation
from .services import message, recommendation_link

logger = logging.getLogger(__name__)


def _chase_stages(rec: Recommendation, ladder: ChaseLadder, today: datetime.date) -> list[tuple[str, list, str]]:
    """The reminders and escalations due for one recommendation today: (stage, targets, subject)."""
    late = (today - rec.due_on).days
    stages = []
    if -ladder.remind_days_before <= late < 0:
        subject = f"Reminder: response to {rec.reference} due {rec.due_on:%-d %B}"
        stages.append(("due-soon", [rec.addressed_to], subject))
    elif late == 0:
        stages.append(("due-today", [rec.addressed_to], f"Reminder: response to {rec.reference} is due today"))
    issuer = rec.report.issuing_body
    if late >= ladder.officer_after_days:
        stages.append(("overdue", [rec.addressed_to], f"Overdue: no response to {rec.reference}"))
        stages.append(
            (
                "officer",
                Membership.people(issuer, [Role.OFFICER]),
                f"Chase: {rec.addressed_to.name} has not responded to {rec.reference}",
            )
        )
    if late >= ladder.chair_after_days:
        stages.append(
            ("chair", Membership.people(issuer, [Role.CHAIR]), f"Escalation: {rec.reference} is {late} days overdue")
        )
    if late >= ladder.hwb_agenda_after_days:
        subject = f"For the HWB agenda: {rec.reference} is {late} days overdue"
        stages.append(("hwb-agenda", _board_chairs(rec, today), subject))
    return stages


def _board_chairs(rec: Recommendation, today: datetime.date) -> list:
    """The chairs of the boards (HWB function today) of every area the recommendation concerns,
    each once."""
    area_ids = [area.pk for area in rec.report.area_list()]
    boards = FunctionHolding.objects.current(today).filter(function__code=Function.HWB, locality_id__in=area_ids)
    seats = Membership.objects.filter(body__in=boards.values("body_id"), body__is_active=True, role=Role.CHAIR)
    return list({m.user_id: m.user for m in seats.select_related("user").order_by("pk")}.values())


def recommendations_chase(*, today: datetime.date) -> int:
    """Reminders before and on the deadline, then the area's escalation ladder, each once."""
    added = 0
    open_items = (
        Recommendation.objects.filter(state=Recommendation.State.AWAITING, clock_stopped_on__isnull=True)
        .select_related("locality", "report__issuing_body", "report__locality", "addressed_to")
        .prefetch_related("report__areas")
        .order_by("pk")
    )
    ladders: dict[int, ChaseLadder] = {}
    for rec in open_items:
        try:
            ladder = ladders.setdefault(rec.locality_id, ChaseLadder.for_area(rec.locality))
            if (today - rec.due_on).days < -ladder.remind_days_before:
                continue
            for stage, targets, subject in _chase_stages(rec, ladder, today):
                added += _chase_stage(rec, stage=stage, targets=targets, subject=subject)
        except Exception:
            logger.exception("Chasing recommendation %s failed; moving on", rec.pk)
    return added


def _chase_stage(rec: Recommendation, *, stage: str, targets: list, subject: str) -> int:
    """One stage's messages, each once per deadline: the body by email with a fresh answer link
    (no link is left behind when its email was already sent), people in the app and by email."""
    added = 0
    page = reverse("reports:recommendation", args=[rec.locality.slug, rec.pk])
    body = message("chase", r=rec, stage=stage)
    deadline = f"recommendation-{rec.pk}:due-{rec.due_on.isoformat()}"
    with transaction.atomic():
        for target in targets:
            if isinstance(target, Body):
                added += notify_body(
                    body=target,
                    kind=f"recommendation-{stage}",
                    key=f"{deadline}:body-{target.pk}",
                    email_key=f"{deadline}:body-{target.pk}",
                    subject=subject,
                    text=body,
                    locality=rec.locality,
                    related=("recommendation", rec.pk),
                    answer_link=recommendation_link(rec),
                )
            else:
                added += notify_user(
                    kind=f"recommendation-{stage}",
                    key=f"{deadline}:user-{target.pk}",
                    subject=subject,
                    body=body,
                    user=target,
                    urgent=True,
                    link=page,
                    locality=rec.locality,
                    related=("recommendation", rec.pk),
                )
    return added


def evidence_chase(*, today: datetime.date) -> int:
    """A reminder on the due day and one when overdue, each once."""
    added = 0
    for item in EvidenceRequest.objects.filter(state=EvidenceRequest.State.SENT, due_on__lte=today).select_related(
        "review__locality", "review__lead_body", "to_body"
    ):
        stage = "due-today" if item.due_on == today else "overdue"
        added += notify_body(
            body=item.to_body,
            kind=f"evidence-{stage}",
            key=f"evidence-{item.pk}",
            subject=f"{'Due today' if stage == 'due-today' else 'Overdue'}: evidence for ‘{item.review.topic}’",
            text=message("evidence_chase", item=item),
            locality=item.review.locality,
            related=("review", item.review_id),
        )
    return added
