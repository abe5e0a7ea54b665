"""Telling the people behind the concerns what their experience led to (concerns.people_updates):
the moments in reviews, reports, recommendations and the board's priorities that count. Each is
told once per concern and moment (the outbox's dedupe key), however often it is called."""

from __future__ import annotations

from concerns import people_updates
from concerns.models import Concern

from .models import PriorityAction, Recommendation, Report, Review


def _review_concerns(review_id: int | None) -> list[int]:
    if review_id is None:
        return []
    return list(Concern.all_objects.filter(reviews__pk=review_id).values_list("pk", flat=True))


def review_cites(review: Review) -> int:
    """The concerns in a review."""
    return people_updates.tell(
        concern_ids=_review_concerns(review.pk),
        event="review",
        key=f"review-{review.pk}",
        body_name=review.lead_body.name,
    )


def report_published(report: Report) -> int:
    """The concerns in the review a published report came from."""
    return people_updates.tell(
        concern_ids=_review_concerns(report.review_id),
        event="report-published",
        key=f"report-published-{report.pk}",
        body_name=report.issuing_body.name,
    )


def recommendation_answered(recommendation: Recommendation) -> int:
    """The concerns behind a recommendation (through its report's review, or a board priority
    that follows it) once its body responds."""
    ids = set(_review_concerns(recommendation.report.review_id))
    ids |= set(Concern.all_objects.filter(priorities__recommendations=recommendation).values_list("pk", flat=True))
    return people_updates.tell(
        concern_ids=sorted(ids),
        event="recommendation-response",
        key=f"recommendation-response-{recommendation.pk}",
        body_name=recommendation.addressed_to.name,
    )


def priority_action_done(action: PriorityAction) -> int:
    """The concerns in a board priority's thread once one of its actions is done."""
    return people_updates.tell(
        concern_ids=action.priority.concerns.values_list("pk", flat=True),
        event="priority-action-done",
        key=f"priority-action-done-{action.pk}",
        body_name=action.owner_body.name,
    )
