"""Where independent challenge is lost (the rule: agencies.independence), for recommendations
and, with concerns.independence, for the board's dashboard.

A recommendation loses its independent challenge when the body that made it (its report's
issuing body) held local Healthwatch on the day it was sent (today, for a draft), or a handover
gave it the report with a part of local Healthwatch, and is also
the body it is addressed to: the body answers a recommendation about its own services.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, F, OuterRef, QuerySet, Value, Window
from django.db.models.functions import Coalesce

from agencies.independence import FLAG, handed_to, holds_challenge
from agencies.models import Locality
from concerns.independence import self_raised
from concerns.models import Alert

from .models import Recommendation

__all__ = ["FLAG", "self_addressed", "is_self_addressed", "LostChallenge", "lost_challenge"]

SHOWN = 20


def self_addressed(recommendations: QuerySet[Recommendation], today: datetime.date) -> QuerySet[Recommendation]:
    """Only the recommendations made and answered by the same body. Pure SQL."""
    on = Coalesce(OuterRef("sent_on"), Value(today))
    held = holds_challenge("addressed_to_id", on) | handed_to("report", "report_id", "addressed_to_id")
    return recommendations.filter(report__issuing_body_id=F("addressed_to_id")).filter(held)


def is_self_addressed(rec: Recommendation, today: datetime.date) -> bool:
    """One query."""
    return self_addressed(Recommendation.objects.filter(pk=rec.pk), today).exists()


@dataclasses.dataclass
class LostChallenge:
    """The area's alerts and recommendations raised and received by the same body: how many, and
    the newest `SHOWN` of each."""

    alert_count: int
    alerts: list[Alert]
    recommendation_count: int
    recommendations: list[Recommendation]

    @property
    def total(self) -> int:
        return self.alert_count + self.recommendation_count


def _newest(rows: QuerySet) -> tuple[int, list]:
    """How many rows there are, and the newest `SHOWN` of them, in one query (each row carries
    the total)."""
    shown = list(rows.annotate(total=Window(Count("pk"))).order_by("-sent_on", "-id")[:SHOWN])
    return (shown[0].total if shown else 0), shown


def lost_challenge(locality: Locality, today: datetime.date) -> LostChallenge:
    """Sent alerts and recommendations in the area, whatever their state. Two queries."""
    alerts = self_raised(Alert.all_objects.filter(locality=locality)).select_related("raised_by_body")
    recs = self_addressed(
        Recommendation.objects.filter(locality=locality, sent_on__isnull=False), today
    ).select_related("addressed_to", "report")
    alert_count, shown_alerts = _newest(alerts)
    recommendation_count, shown_recs = _newest(recs)
    return LostChallenge(alert_count, shown_alerts, recommendation_count, shown_recs)
