"""Which part of a divided function (agencies.parts) a review or a recommendation belongs to:
by the service types of the services it concerns.

A review: the experiences it draws on and its alerts (concerns.parts.alert_service_types).
A recommendation: the service it is addressed to when that is a service, else its report's
review. For a list: fetch through `reviews_for_parts` / `recommendations_for_parts`, get the
area's rules once with `agencies.parts.rules_for`, then call `review_part` /
`recommendation_part` per record (no further query).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from agencies.part_models import FunctionPart
from agencies.parts import part_for
from concerns.models import Concern
from concerns.parts import alert_prefetches, alert_service_types


def _review_prefetches(prefix: str = "") -> list:
    return [
        Prefetch(f"{prefix}concerns", queryset=Concern.all_objects.only("pk", "service_type"), to_attr="part_concerns"),
        f"{prefix}alerts",
        *alert_prefetches(f"{prefix}alerts__"),
    ]


def reviews_for_parts(reviews: QuerySet) -> QuerySet:
    return reviews.prefetch_related(*_review_prefetches())


def review_service_types(review) -> set[str]:
    concerns = getattr(review, "part_concerns", None)
    if concerns is None:
        concerns = list(review.concerns.all())
    types = {c.service_type for c in concerns if c.service_type}
    for alert in review.alerts.all():
        types |= alert_service_types(alert)
    return types


def review_part(review, rules: dict[str, FunctionPart]) -> FunctionPart | None:
    return part_for(rules, review_service_types(review))


def recommendations_for_parts(recommendations: QuerySet) -> QuerySet:
    return recommendations.select_related("addressed_to", "report__review").prefetch_related(
        *_review_prefetches("report__review__")
    )


def recommendation_service_types(recommendation) -> set[str]:
    if recommendation.addressed_to.service_type:
        return {recommendation.addressed_to.service_type}
    review = recommendation.report.review
    return review_service_types(review) if review is not None else set()


def recommendation_part(recommendation, rules: dict[str, FunctionPart]) -> FunctionPart | None:
    return part_for(rules, recommendation_service_types(recommendation))
