"""The trend job: find statistically unusual rises for a theme or a service.

For each theme and each service in an area it takes the counted concerns per month over the
last 24 complete months, computes XmR limits (concerns.spc) and records a TrendSignal when the
latest complete month shows special cause on the high side. A signal is recorded once per
subject and month (a unique constraint), so running the job twice adds nothing.

Changes Healthwatch officers record on a theme's or a service's chart (concerns.series_notes)
split the series into periods with their own limits, so a level that rose with a known change
(a new booking system, a new service) is judged against the limits since then, and stops
showing as a rise once it is the new normal.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction

from agencies.models import Locality

from . import series_notes, spc
from .models import TrendSignal
from .selectors import last_complete_month, month_starts, service_month_counts, theme_month_counts

logger = logging.getLogger(__name__)

WINDOW_MONTHS = 24
MIN_MONTHS_WITH_DATA = 6  # fewer months than this is too little history to call a rise
MIN_COUNT = 3  # a "rise" to one or two concerns is noise, whatever the statistics say


def _rises(series: dict, months: list[datetime.date], kind: str, changes: dict[str, list[int]]):
    for key, by_month in series.items():
        counts = [by_month.get(m, 0) for m in months]
        first = next((i for i, c in enumerate(counts) if c), None)
        if first is None or len(counts) - first < MIN_MONTHS_WITH_DATA:
            continue
        counts = counts[first:]
        # The series starts at its first month with a concern: move the changes with it.
        starts = [i - first for i in changes.get(series_notes.series_key(kind, key), []) if i > first]
        result = spc.xmr(counts, changes=starts)
        if result.latest_direction > 0 and counts[-1] >= MIN_COUNT:
            yield key, counts[-1], result


def trend_signals_detect(*, locality: Locality, today: datetime.date) -> int:
    """Record this area's rises for the latest complete month; returns how many are new."""
    months = month_starts(last_complete_month(today), WINDOW_MONTHS)
    month = months[-1]
    found = []
    changes = series_notes.changes_by_series(locality, ("theme", "service"), months)
    for kind, series, field in (
        (TrendSignal.Kind.THEME, theme_month_counts(locality, months), "theme_id"),
        (TrendSignal.Kind.SERVICE, service_month_counts(locality, months), "service_id"),
    ):
        for key, count, result in _rises(series, months, kind, changes):
            found.append(
                TrendSignal(
                    locality=locality,
                    kind=kind,
                    month=month,
                    count=count,
                    mean=result.mean,
                    upper=result.upper,
                    rules="; ".join(result.reasons[-1]),
                    **{field: key},
                )
            )
    existing = TrendSignal.all_objects.filter(locality=locality, month=month)
    with transaction.atomic():
        before = existing.count()
        TrendSignal.all_objects.bulk_create(found, ignore_conflicts=True)
        new = existing.count() - before
    logger.info("Trend job for %s: %d rises in %s, %d new", locality.slug, len(found), month, new)
    return new
