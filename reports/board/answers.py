"""How bodies answer the area's oversight, for the dashboard: alerts acknowledged and
recommendations responded to, on time or not, body by body. A query or two per section,
whatever the size of the area's history."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, Subquery

from agencies.models import Locality
from concerns.models import Alert, AlertRecipient

from ..models import ImplementationUpdate, Recommendation, Response

if TYPE_CHECKING:
    from .dashboard import Period


def acknowledged_on_time() -> Q:
    """An alert recipient that acknowledged by the end of its due day (the local day)."""
    return Q(acknowledged_at__isnull=False, acknowledged_at__date__lte=F("due_on"))


# ---------------------------------------------------------------- alerts


@dataclasses.dataclass
class AlertBodyRow:
    body: str
    received: int
    on_time: int
    waiting: int
    overdue: int


@dataclasses.dataclass
class AlertSection:
    raised: int
    sent_to: int
    acknowledged_on_time: int
    overdue: int
    by_body: list[AlertBodyRow]

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.acknowledged_on_time / self.sent_to) if self.sent_to else None


def alert_section(locality: Locality, period: Period) -> AlertSection:
    today = period.today
    raised = Alert.all_objects.filter(locality=locality, sent_on__gte=period.start).count()
    rows = (
        AlertRecipient.objects.filter(alert__locality=locality)
        .filter(Q(alert__sent_on__gte=period.start) | Q(state=AlertRecipient.State.SENT))
        .values("body__name")
        .annotate(
            received=Count("id", filter=Q(alert__sent_on__gte=period.start)),
            on_time=Count("id", filter=acknowledged_on_time() & Q(alert__sent_on__gte=period.start)),
            waiting=Count("id", filter=Q(state=AlertRecipient.State.SENT)),
            overdue=Count("id", filter=Q(state=AlertRecipient.State.SENT, due_on__lt=today)),
        )
        .order_by("body__name")
    )
    by_body = [AlertBodyRow(r["body__name"], r["received"], r["on_time"], r["waiting"], r["overdue"]) for r in rows]
    return AlertSection(
        raised=raised,
        sent_to=sum(r.received for r in by_body),
        acknowledged_on_time=sum(r.on_time for r in by_body),
        overdue=sum(r.overdue for r in by_body),
        by_body=by_body,
    )


# ---------------------------------------------------------------- recommendations

OVERDUE_SHOWN = 10


@dataclasses.dataclass
class RecommendationBodyRow:
    body: str
    responses: int
    on_time: int
    awaiting: int
    overdue: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.responses) if self.responses else None


@dataclasses.dataclass
class RecommendationSection:
    awaiting: int
    overdue: int
    overdue_rows: list[Recommendation]
    by_body: list[RecommendationBodyRow]
    implementation: list[tuple[str, int]]
    made_in_period: int


def recommendation_section(locality: Locality, period: Period) -> RecommendationSection:
    today = period.today
    recs = Recommendation.objects.filter(locality=locality)
    overdue_q = Recommendation.overdue_condition(today)
    body_rows = (
        recs.filter(Q(response__responded_on__gte=period.start) | Q(state=Recommendation.State.AWAITING))
        .values("addressed_to__name")
        .annotate(
            responses=Count("id", filter=Q(response__responded_on__gte=period.start)),
            on_time=Count(
                "id", filter=Q(response__responded_on__gte=period.start, response__responded_on__lte=F("due_on"))
            ),
            awaiting=Count("id", filter=Q(state=Recommendation.State.AWAITING)),
            overdue=Count("id", filter=overdue_q),
        )
        .order_by("addressed_to__name")
    )
    by_body = [
        RecommendationBodyRow(r["addressed_to__name"], r["responses"], r["on_time"], r["awaiting"], r["overdue"])
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
        overdue_rows=overdue_rows,
        by_body=by_body,
        implementation=implementation,
        made_in_period=recs.filter(sent_on__gte=period.start).count(),
    )
