"""The records that cite one experience, as links for staff: "Cited in" on its page.

This app knows the alerts that cite an experience; the apps above it (reports: reviews,
recommendations, the board's priorities) register a source when they start (their
AppConfig.ready), so this module never imports them. Each source returns only the records the
person may read, in the area being looked at, and makes a fixed number of queries however many
records cite the experience.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.urls import reverse

from agencies.models import Locality

from .models import Alert, Concern


@dataclasses.dataclass(frozen=True)
class Citation:
    kind: str  # "Alert", "Review", "Recommendation", "Board priority"
    name: str  # a reference or title
    url: str


Source = Callable[..., list[Citation]]

_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of citations (once, however often an app starts)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def citing(*, user, locality: Locality, concern: Concern) -> list[Citation]:
    """Every record citing the experience that the user may read: alerts first, then each
    registered source's, in the order the sources were registered."""
    found = alert_citations(user=user, locality=locality, concern=concern)
    for source in _SOURCES:
        found.extend(source(user=user, locality=locality, concern=concern))
    return found


def alert_citations(*, user, locality: Locality, concern: Concern) -> list[Citation]:
    """The alerts citing it that the user may read (one query)."""
    alerts = Alert.all_objects.for_user(user).filter(locality=locality, concerns=concern).order_by("-sent_on", "-id")
    return [
        Citation("Alert", alert.reference, reverse("concerns:alert-detail", args=[locality.slug, alert.pk]))
        for alert in alerts
    ]
