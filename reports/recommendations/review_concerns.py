"""Adding experiences to a review (from a selection in the concerns list)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from concerns.models import Concern

from ..models import Review


def review_concerns_add(*, review: Review, concerns: list[Concern]) -> int:
    """Link the experiences to the review (those already linked stay once). Returns how many
    are new to it."""
    areas = set(review.areas.values_list("pk", flat=True)) | {review.locality_id}
    if any(c.locality_id not in areas for c in concerns):
        raise ValidationError({"concerns": "Add experiences from the areas the review concerns only"})
    if review.state == Review.State.CLOSED:
        raise ValidationError({"review": "This review is closed. Choose an open review."})
    with transaction.atomic():
        before = review.concerns.count()
        review.concerns.add(*concerns)
        return review.concerns.count() - before
