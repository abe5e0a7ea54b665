"""How bodies answer the area's oversight, for the dashboard: alerts acknowledged and
recommendations responded to, on time or not, body by body. A query or two per section,
whatever the size of the area's history."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Q, Subquery

from agencies.models import Locality
from concerns.models import Alert, AlertRecipient

from ..models import ImplementationUpdate, Recommendation, Response
from ..on_time import ALERT_ACKNOWLEDGEMENT, RECOMMENDATION_RESPONSE, OnTime

if TYPE_CHECKING:
    from .dashboard import Period


# ---------------------------------------------------------------- alerts


@dataclasses.dataclass
class AlertBodyRow:
    body: str
    received: int
    on_time: OnTime
    waiting: int
    overdue: int


@dataclasses.dataclass
class AlertSection:
    raised: int
    sent_to: int
    on_time: OnTime  # acknowledged on time, of those acknowledged or due in the period
    overdue: int
    by_body: list[AlertBodyRow]


def alert_section(locality: Locality, period: Period) -> AlertSection:
    today = period.today
    raised = Alert.all_objects.filter(locality=locality, sent_on__gte=period.start).count()
    in_period = ALERT_ACKNOWLEDGEMENT.in_period(period.start)
    rows = (
        AlertRecipient.objects.filter(alert__locality=locality)
        .filter(Q(alert__sent_on__gte=period.start) | Q(state=AlertRecipient.State.SENT) | in_period)
        .values("body__name")
        .annotate(
            received=Count("id", filter=Q(alert__sent_on__gte=period.start)),
            waiting=Count("id", filter=Q(state=AlertRecipient.State.SENT)),
            overdue=Count("id", filter=ALERT_ACKNOWLEDGEMENT.overdue(today)),
            **ALERT_ACKNOWLEDGEMENT.counts(today, within=in_period),
        )
        .order_by("body__name")
    )
    by_body = [AlertBodyRow(r["body__name"], r["received"], OnTime.read(r), r["waiting"], r["overdue"]) for r in rows]
    return AlertSection(
        raised=raised,
        sent_to=sum(r.received for r in by_body),
        on_time=sum((r.on_time for r in by_body), OnTime()),
        overdue=sum(r.overdue for r in by_body),
        by_body=by_body,
    )


# ---------------------------------------------------------------- recommendations

OVERDUE_SHOWN = 10


@dataclasses.dataclass
class RecommendationBodyRow:
    body: str
    responses: int
    on_time: OnTime
    awaiting: int
    overdue: int


@dataclasses.dataclass
class RecommendationSection:
    awaiting: int
    overdue: int
    on_time: OnTime  # responded on time, of those answered or due in the period
    overdue_rows: list[Recommendation]
    by_body: list[RecommendationBodyRow]
    implementation: list[tuple[str, int]]
    made_in_period: int


def recommendation_section(locality: Locality, period: Period) -> RecommendationSection:
    today = period.today
    recs = Recommendation.objects.counted().filter(locality=locality)
    overdue_q = RECOMMENDATION_RESPONSE.overdue(today)
    in_period = RECOMMENDATION_RESPONSE.in_period(period.start)
    body_rows = (
        recs.filter(in_period | Q(state=Recommendation.State.AWAITING))
        .values("addressed_to__name")
        .annotate(
            responses=Count("id", filter=Q(response__responded_on__gte=period.start)),
            awaiting=Count("id", filter=Q(state=Recommendation.State.AWAITING)),
            overdue=Count("id", filter=overdue_q),
            **RECOMMENDATION_RESPONSE.counts(today, within=in_period),
        )
        .order_by("addressed_to__name")
    )
    by_body = [
        RecommendationBodyRow(r["addressed_to__name"], r["responses"], OnTime.read(r), r["awaiting"], r["overdue"])
        for r in body_rows
    ]
    latest_status = ImplementationUpdate.objects.filter(recommendation=OuterRef("pk")).order_by("-created_at", "-id")
    implementation_rows = (
        recs.filter(response__decision__in=[Response.Decision.ACCEPTED, Response.Decision.PARTIALLY])
        .annotate(latest=Subquery(latest_status.values("status")[:1]))
        .values("latest")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = dict(ImplementationUpdate.Status.choices)
    counts = {row["latest"]: row["n"] for row in implementation_rows}
    implementation = [(labels[s], counts.get(s, 0)) for s in ImplementationUpdate.Status.values]
    implementation.append(("No progress reported yet", counts.get(None, 0)))
    overdue_rows = list(recs.filter(overdue_q).select_related("addressed_to").order_by("due_on", "id")[:OVERDUE_SHOWN])
    for rec in overdue_rows:
        rec.days_overdue = (today - rec.due_on).days
    return RecommendationSection(
        awaiting=sum(r.awaiting for r in by_body),
        overdue=sum(r.overdue for r in by_body),
        on_time=sum((r.on_time for r in by_body), OnTime()),
        overdue_rows=overdue_rows,
        by_body=by_body,
        implementation=implementation,
        made_in_period=recs.filter(sent_on__gte=period.start).count(),
    )
