"""What a body still owes in an area: the work that stops an area leaving its footprint.

The work lives in the apps above this one (alerts in concerns, recommendations and evidence
requests in reports), and imports point down, so each app registers a finder when it starts
(its AppConfig.ready). A finder takes a body and an area and returns one line per kind of open
work, in words, or nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Q

from .models import Body, FunctionHolding, Locality

Finder = Callable[[Body, Locality, datetime.date], list[str]]

_FINDERS: list[Finder] = []


def register(finder: Finder) -> Finder:
    """Add a finder (once, however often an app starts)."""
    if finder not in _FINDERS:
        _FINDERS.append(finder)
    return finder


def counted(number: int, one: str, many: str) -> list[str]:
    """A line such as "2 alerts it has not acknowledged", or nothing for none."""
    return [f"{number} {one if number == 1 else many}"] if number else []


@register
def holdings_still_current(body: Body, locality: Locality, ends_on: datetime.date) -> list[str]:
    """Functions the body holds in the area after the day it would stop serving it."""
    names = (
        FunctionHolding.objects.filter(body=body, locality=locality)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on))
        .values_list("function__name", flat=True)
        .order_by("function__order")
    )
    return [f"it holds the function {name} there (end the holding first)" for name in names]


def open_work(body: Body, locality: Locality, ends_on: datetime.date) -> list[str]:
    """Every line of open work the body has in the area, from every registered finder."""
    found: list[str] = []
    for finder in _FINDERS:
        found.extend(finder(body, locality, ends_on))
    return found
