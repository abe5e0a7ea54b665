"""Figures for charts read from the monthly counts (concerns.summaries), never from the concerns
themselves. The share of a theme's or a service's experiences that were negative is the figure
to watch when the number of experiences heard varies (a busy outreach month brings in more of
every kind): a rise in the share is a change in experience, a rise in the count may not be.
Used by the board's priorities and the theme and service pages."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from .summary_models import MonthlyCount

Dimension = MonthlyCount.Dimension

# For a share: the dimension counting all the counted experiences, and the one counting the
# negative among them, keyed alike (a theme's id, a service's id).
SHARE_DIMENSIONS = {
    "theme": (Dimension.THEME, Dimension.THEME_NEGATIVE),
    "service": (Dimension.SERVICE, Dimension.SERVICE_NEGATIVE),
}


def shares_negative(
    locality_id: int, months: Sequence[datetime.date], dimension: str, keys: Sequence[str]
) -> dict[str, list[tuple[int, int]]]:
    """For each key ("theme" or "service" `dimension`), each month's (negative, total): the
    counted experiences that were negative and all counted experiences. One query."""
    total_dim, negative_dim = SHARE_DIMENSIONS[dimension]
    found: dict[str, dict[datetime.date, list[int]]] = {key: {} for key in keys}
    if not months or not keys:
        return {key: [] for key in keys}
    rows = MonthlyCount.objects.filter(
        locality_id=locality_id,
        dimension__in=[total_dim, negative_dim],
        key__in=list(keys),
        month__gte=months[0],
        month__lte=months[-1],
    ).values_list("dimension", "key", "month", "count")
    for dim, key, month, count in rows:
        pair = found[key].setdefault(month, [0, 0])
        pair[0 if dim == negative_dim else 1] = count
    return {key: [tuple(by_month.get(m, (0, 0))) for m in months] for key, by_month in found.items()}


def share_negative(
    locality_id: int, months: Sequence[datetime.date], dimension: str, key: str
) -> list[tuple[int, int]]:
    """Each month's (negative, total) for one theme or service."""
    return shares_negative(locality_id, months, dimension, [key])[key]


def percentages(
    months: Sequence[datetime.date], counts: Sequence[tuple[int, int]]
) -> tuple[list[datetime.date], list[float], list[tuple[int, int]]]:
    """The months with any experiences, the share negative in each as a percentage, and the
    counts behind it. A month with none is left out (a gap, not 0%)."""
    kept = [(m, c) for m, c in zip(months, counts, strict=True) if c[1] > 0]
    return [m for m, _ in kept], [100 * c[0] / c[1] for _, c in kept], [c for _, c in kept]
