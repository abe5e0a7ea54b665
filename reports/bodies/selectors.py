"""What a body owes and has answered, across every area it serves, labelled by area.

Three kinds of item are addressed to a body: alerts to acknowledge (concerns.AlertRecipient),
recommendations to answer (Recommendation.addressed_to) and requests to help gather evidence
(EvidenceRequest.to_body). Each list is one query whatever the number of areas or items, and
each is bounded (LIMIT) so a page never reads a body's whole past.

Who may read this is decided by the view (a seat at the body); nothing here scopes by area,
because everything addressed to the body is the body's own to see.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from agencies.models import Body, BodyArea
from concerns.models import AlertRecipient

from ..models import EvidenceRequest, Recommendation
from ..on_time import ALERT_ACKNOWLEDGEMENT, EVIDENCE_ANSWER, RECOMMENDATION_RESPONSE, OnTimeRule
from . import timing

LIMIT = 200  # open items of each kind shown; a body owing more is told how many more
ANSWERED_SHOWN = 30  # the most recent answers shown, all kinds together


@dataclasses.dataclass(frozen=True)
class Item:
    """One thing addressed to the body, as the page shows it."""

    kind: str  # "alert", "recommendation" or "evidence"
    kind_label: str
    reference: str
    title: str
    area_name: str
    from_body: str
    sent_on: datetime.date
    due_on: datetime.date
    due_explanation: str
    detail_url: str
    answer_url: str  # the page to answer in the app ("" when there is none)
    timing: str  # days left or overdue; for answered items, on time or days late
    overdue: bool = False
    answered_at: datetime.date | None = None
    answered_by: str = ""
    answer_summary: str = ""  # what was sent
    answer_text: str = ""


# ---------------------------------------------------------------- open items


def _alert(r: AlertRecipient, today: datetime.date) -> Item:
    alert, area = r.alert, r.alert.locality
    return Item(
        kind="alert",
        kind_label="Alert to acknowledge",
        reference=alert.reference,
        title=alert.summary,
        area_name=area.name,
        from_body=alert.raised_by_body.name,
        sent_on=alert.sent_on,
        due_on=r.due_on,
        due_explanation=r.due_explanation,
        detail_url=reverse("concerns:alert-detail", args=[area.slug, alert.pk]),
        answer_url=reverse("concerns:alert-respond-in-app", args=[area.slug, alert.pk, r.pk]),
        timing=timing.due_words(r.due_on, today),
        overdue=r.is_overdue(today),
    )


def _recommendation(rec: Recommendation, today: datetime.date) -> Item:
    area, (sent_on, due_on) = rec.locality, rec.sent_dates()
    stopped = rec.clock_stopped_on
    return Item(
        kind="recommendation",
        kind_label="Recommendation to answer",
        reference=rec.reference,
        title=rec.text,
        area_name=area.name,
        from_body=rec.report.issuing_body.name,
        sent_on=sent_on,
        due_on=due_on,
        due_explanation=rec.due_explanation,
        detail_url=reverse("reports:recommendation", args=[area.slug, rec.pk]),
        answer_url=reverse("reports:recommendation-respond-in-app", args=[area.slug, rec.pk]),
        timing=f"Clock stopped on {stopped:%-d %B %Y}" if stopped else timing.due_words(due_on, today),
        overdue=rec.is_overdue(today),
    )


def _evidence(item: EvidenceRequest, today: datetime.date) -> Item:
    review, area = item.review, item.review.locality
    return Item(
        kind="evidence",
        kind_label="Request for evidence",
        reference=f"E-{item.pk:05d}",
        title=f"Help with ‘{review.topic}’: {item.request}",
        area_name=area.name,
        from_body=review.lead_body.name,
        sent_on=item.sent_on,
        due_on=item.due_on,
        due_explanation=item.due_explanation,
        detail_url=reverse("reports:review", args=[area.slug, review.pk]),
        answer_url=reverse("reports:evidence-answer-in-app", args=[area.slug, item.pk]),
        timing=timing.due_words(item.due_on, today),
        overdue=item.is_overdue(today),
    )


def _alerts(body: Body) -> QuerySet[AlertRecipient]:
    return AlertRecipient.objects.filter(body=body).select_related("alert__locality", "alert__raised_by_body")


def _recommendations(body: Body) -> QuerySet[Recommendation]:
    return Recommendation.objects.sent().filter(addressed_to=body).select_related("locality", "report__issuing_body")


def _evidence_requests(body: Body) -> QuerySet[EvidenceRequest]:
    return EvidenceRequest.objects.filter(to_body=body).select_related("review__locality", "review__lead_body")


def open_items(body: Body, today: datetime.date) -> list[Item]:
    """Everything the body still owes, soonest due first (three queries)."""
    rows = [
        *(
            _alert(r, today)
            for r in _alerts(body).filter(state=AlertRecipient.State.SENT).order_by("due_on", "pk")[:LIMIT]
        ),
        *(
            _recommendation(r, today)
            for r in _recommendations(body).filter(state=Recommendation.State.AWAITING).order_by("due_on", "pk")[:LIMIT]
        ),
        *(
            _evidence(r, today)
            for r in _evidence_requests(body).filter(state=EvidenceRequest.State.SENT).order_by("due_on", "pk")[:LIMIT]
        ),
    ]
    return sorted(rows, key=lambda item: (item.due_on, item.kind, item.reference))


# ---------------------------------------------------------------- answered items


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def _answered_alert(r: AlertRecipient, today: datetime.date) -> Item:
    answered_on = _local_day(r.acknowledged_at)
    responded = r.state == AlertRecipient.State.RESPONDED
    return dataclasses.replace(
        _alert(r, today),
        kind_label="Alert",
        # Acknowledged only: what the body will do is still to say, on the same page.
        answer_url="" if responded else _alert(r, today).answer_url,
        timing=timing.answered_words(r.due_on, answered_on) if answered_on else "",
        overdue=False,
        answered_at=_local_day(r.responded_at or r.acknowledged_at),
        answered_by=r.answered_by_name,
        answer_summary="Responded" if responded else "Acknowledged (what you will do is still to send)",
        answer_text=r.response,
    )


def _answered_recommendation(rec: Recommendation, today: datetime.date) -> Item:
    response = rec.response
    return dataclasses.replace(
        _recommendation(rec, today),
        kind_label="Recommendation",
        answer_url="",
        timing=timing.answered_words(rec.sent_dates()[1], response.responded_on),
        overdue=False,
        answered_at=response.responded_on,
        answered_by=response.answered_by_name,
        answer_summary=response.get_decision_display(),
        answer_text=response.action_plan or response.reasons,
    )


def _answered_evidence(item: EvidenceRequest, today: datetime.date) -> Item:
    answered_on = _local_day(item.answered_at)
    return dataclasses.replace(
        _evidence(item, today),
        kind_label="Request for evidence",
        answer_url="",
        timing=timing.answered_words(item.due_on, answered_on) if answered_on else "",
        overdue=False,
        answered_at=answered_on,
        answered_by=item.answered_by_name,
        answer_summary="Answered",
        answer_text=item.answer,
    )


def answered_items(body: Body, today: datetime.date) -> list[Item]:
    """The body's most recent answers with what was sent and when, newest first (three queries)."""
    alerts = _alerts(body).filter(acknowledged_at__isnull=False).order_by("-acknowledged_at", "-pk")[:ANSWERED_SHOWN]
    recommendations = (
        _recommendations(body)
        .filter(response__isnull=False)
        .select_related("response")
        .order_by("-response__responded_on", "-pk")[:ANSWERED_SHOWN]
    )
    evidence = (
        _evidence_requests(body)
        .filter(state=EvidenceRequest.State.ANSWERED)
        .order_by("-answered_at", "-pk")[:ANSWERED_SHOWN]
    )
    rows = [
        *(_answered_alert(r, today) for r in alerts),
        *(_answered_recommendation(r, today) for r in recommendations),
        *(_answered_evidence(r, today) for r in evidence),
    ]
    rows.sort(key=lambda item: (item.answered_at or datetime.date.min, item.reference), reverse=True)
    return rows[:ANSWERED_SHOWN]


# ---------------------------------------------------------------- figures


@dataclasses.dataclass
class Figures:
    """One area's (or the whole footprint's) answers, in the four piles of agencies.on_time."""

    area_name: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    not_yet_due: int = 0

    def add(self, other: Figures) -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.overdue += other.overdue
        self.not_yet_due += other.not_yet_due

    @property
    def rate(self) -> str:
        return timing.rate(self.on_time, self.late, self.overdue)

    @property
    def open(self) -> int:
        return self.overdue + self.not_yet_due


def _piles(rule: OnTimeRule, today: datetime.date) -> dict:
    """The four counts as conditional aggregates (one grouped query per kind), by the one
    on-time rule every figure follows (reports.on_time)."""
    return {
        "on_time": Count("pk", filter=rule.answered() & rule.on_time()),
        "late": Count("pk", filter=rule.answered() & rule.late()),
        "overdue": Count("pk", filter=rule.overdue(today)),
        "not_yet_due": Count("pk", filter=rule.not_yet_due(today)),
    }


def _grouped(queryset: QuerySet, area_id: str, area_name: str, piles: dict) -> QuerySet:
    return queryset.order_by().values_list(area_id, area_name).annotate(**piles).values_list(area_id, area_name, *piles)


def figures(body: Body, today: datetime.date) -> tuple[Figures, list[Figures]]:
    """The body's answers across its footprint and area by area (four queries: its areas, and
    one grouped count per kind). An area it no longer serves appears while items there do."""
    alert_piles = _piles(ALERT_ACKNOWLEDGEMENT, today)
    recommendation_piles = _piles(RECOMMENDATION_RESPONSE, today)
    evidence_piles = _piles(EVIDENCE_ANSWER, today)
    rows = [
        *_grouped(AlertRecipient.objects.filter(body=body), "alert__locality_id", "alert__locality__name", alert_piles),
        *_grouped(
            Recommendation.objects.counted().filter(addressed_to=body),
            "locality_id",
            "locality__name",
            recommendation_piles,
        ),
        *_grouped(
            EvidenceRequest.objects.filter(to_body=body),
            "review__locality_id",
            "review__locality__name",
            evidence_piles,
        ),
    ]
    by_area = {
        area_id: Figures(name)
        for area_id, name in BodyArea.objects.current(today)
        .filter(body=body)
        .order_by("locality__name")
        .values_list("locality_id", "locality__name")
    }
    for area_id, name, on_time, late, overdue, not_yet_due in rows:
        by_area.setdefault(area_id, Figures(name)).add(Figures(name, on_time, late, overdue, not_yet_due))
    total = Figures("All areas")
    for area in by_area.values():
        total.add(area)
    return total, sorted(by_area.values(), key=lambda f: f.area_name)


def open_counts(body_ids: list[int]) -> dict[int, int]:
    """How many items each body still owes (three grouped queries), for the navigation."""
    counts = dict.fromkeys(body_ids, 0)
    for queryset, field, waiting in (
        (AlertRecipient.objects, "body_id", Q(state=AlertRecipient.State.SENT)),
        (Recommendation.objects, "addressed_to_id", Q(state=Recommendation.State.AWAITING)),
        (EvidenceRequest.objects, "to_body_id", Q(state=EvidenceRequest.State.SENT)),
    ):
        rows = (
            queryset.filter(waiting, **{f"{field}__in": body_ids})
            .order_by()
            .values_list(field)
            .annotate(n=Count("pk"))
            .values_list(field, "n")
        )
        for body_id, n in rows:
            counts[body_id] += n
    return counts
