"""The reports' records citing one experience (concerns.citations): the reviews that include
it, their recommendations, and the board's priorities citing it, directly or through an alert.
Only records the person may read in the area looked at; three queries however many there are.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from agencies.models import Locality
from concerns.citations import Citation
from concerns.models import Concern

from .models import Priority, Recommendation, Review


def citing(concern: Concern, prefix: str = "") -> Q:
    """Records that cite the experience directly or through an alert (`prefix` reaches them
    from a related model). The trail and the staff citations share it."""
    return Q(**{f"{prefix}concerns": concern}) | Q(**{f"{prefix}alerts__concerns": concern})


def review_citations(*, user, locality: Locality, concern: Concern) -> list[Citation]:
    reviews = Review.objects.for_user(user).in_area(locality).filter(citing(concern)).distinct().order_by("-created_at")
    return [
        Citation("Review", review.topic, reverse("reports:review", args=[locality.slug, review.pk]))
        for review in reviews
    ]


def recommendation_citations(*, user, locality: Locality, concern: Concern) -> list[Citation]:
    """Recommendations made in reports of the reviews citing it."""
    recs = (
        Recommendation.objects.for_user(user)
        .in_area(locality)
        .filter(citing(concern, "report__review__"))
        .distinct()
        .order_by("reference")
    )
    return [
        Citation("Recommendation", rec.reference, reverse("reports:recommendation", args=[locality.slug, rec.pk]))
        for rec in recs
    ]


def priority_citations(*, user, locality: Locality, concern: Concern) -> list[Citation]:
    priorities = (
        Priority.objects.for_user(user).filter(locality=locality).filter(citing(concern)).distinct().order_by("title")
    )
    return [
        Citation("Board priority", p.title, reverse("reports:priority", args=[locality.slug, p.pk])) for p in priorities
    ]
