"""The monthly counts the dashboards read (concerns.models.MonthlyCount).

Writes to concerns call `mark_changed` in the same transaction; a beat job (and the first
dashboard view after a change, when no worker runs) calls `refresh` for each changed area,
which rebuilds that area's counts from the concerns in one transaction with a handful of
grouped queries. Readers never touch the concerns table, so a dashboard costs the same for an
area with 100 concerns or 150,000, in a country with 10 million.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies import figures

from .models import COUNTED_STATUSES, Concern, ConcernTheme, MonthlyCount, Sentiment, SummaryState

logger = logging.getLogger(__name__)
Dimension = MonthlyCount.Dimension

# dimension -> (field grouped by, extra filter)
_CONCERN_GROUPS = {
    Dimension.TOTAL: (None, Q()),
    Dimension.SERVICE: ("service_id", Q(service__isnull=False)),
    Dimension.SERVICE_TYPE: ("service_type", Q()),
    Dimension.CHANNEL: ("channel", Q()),
    Dimension.SOURCE: ("source_body_id", Q(source_body__isnull=False)),
    Dimension.SAFEGUARDING: (None, Q(safeguarding=True)),
    Dimension.PUBLIC: (None, Q(from_public=True)),
    Dimension.SERVICE_NEGATIVE: ("service_id", Q(service__isnull=False, sentiment=Sentiment.NEGATIVE)),
}


def mark_changed(locality_id: int) -> None:
    """Note that an area's concerns changed (call inside the writing transaction)."""
    updated = SummaryState.objects.filter(locality_id=locality_id).update(
        changes=F("changes") + 1, changed_at=timezone.now()
    )
    if not updated:
        SummaryState.objects.get_or_create(locality_id=locality_id)


def _asked_key(locality_id: int) -> str:
    return f"summary-rebuild-asked:{locality_id}"


def ask_for_rebuild(locality_id: int, send) -> bool:
    """Ask (through `send`, which queues the rebuild job) for one rebuild of a changed area;
    further asks wait until that rebuild finishes, or a minute if its message was lost."""
    if cache.add(_asked_key(locality_id), 1, timeout=60):
        send(locality_id)
        return True
    return False


def ensure_current(locality_id: int) -> SummaryState | None:
    """Ask for the area's counts to be rebuilt if its concerns changed since the last rebuild
    (at once when no worker runs, as in the quick start; otherwise in the background).
    Returns the state after asking, which says how current the counts are."""
    from quality_system.jobs import enqueue

    from .tasks import refresh_summaries

    state = state_for(locality_id)
    if (state is None or state.is_stale) and ask_for_rebuild(locality_id, lambda pk: enqueue(refresh_summaries, pk)):
        state = state_for(locality_id)
    return state


def stale_areas() -> list[int]:
    return list(SummaryState.objects.filter(changes__gt=F("counted_changes")).values_list("locality_id", flat=True))


def state_for(locality_id: int) -> SummaryState | None:
    return SummaryState.objects.filter(locality_id=locality_id).first()


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


LOCK_NAMESPACE = 7_301  # pg advisory lock class for monthly-count rebuilds


def _try_lock(locality_id: int) -> bool:
    """One rebuild per area at a time (PostgreSQL; SQLite runs one writer anyway)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, locality_id])
        return cursor.fetchone()[0]


def _rows(locality_id: int) -> list[MonthlyCount]:
    counted = Concern.all_objects.filter(locality_id=locality_id, status__in=COUNTED_STATUSES)
    rows: list[MonthlyCount] = []
    for dimension, (field, condition) in _CONCERN_GROUPS.items():
        fields = ["month"] + ([field] if field else [])
        grouped = (
            counted.filter(condition)
            .annotate(month=TruncMonth("received_on"))
            .values(*fields)
            .annotate(n=Count("id"))
            .order_by()
        )
        rows += [
            MonthlyCount(
                locality_id=locality_id,
                dimension=dimension,
                key=str(row[field]) if field else "",
                month=_month(row["month"]),
                count=row["n"],
            )
            for row in grouped
        ]
    tags = ConcernTheme.objects.filter(locality_id=locality_id, concern__status__in=COUNTED_STATUSES)
    for dimension, tagged in (
        (Dimension.THEME, tags),
        (Dimension.THEME_NEGATIVE, tags.filter(concern__sentiment=Sentiment.NEGATIVE)),
    ):
        grouped = (
            tagged.annotate(month=TruncMonth("received_on"))
            .values("theme_id", "month")
            .annotate(n=Count("id"))
            .order_by()
        )
        rows += [
            MonthlyCount(
                locality_id=locality_id,
                dimension=dimension,
                key=str(row["theme_id"]),
                month=_month(row["month"]),
                count=row["n"],
            )
            for row in grouped
        ]
    return rows


def refresh(locality_id: int) -> int:
    """Rebuild one area's monthly counts, all or nothing. Returns how many rows it wrote, or
    -1 when another rebuild of the same area is running (that one will count everything)."""
    state, _ = SummaryState.objects.get_or_create(locality_id=locality_id)
    with transaction.atomic():
        if not _try_lock(locality_id):
            return -1
        started_from = SummaryState.objects.filter(pk=locality_id).values_list("changes", flat=True).get()
        rows = _rows(locality_id)
        MonthlyCount.objects.filter(locality_id=locality_id).delete()
        MonthlyCount.objects.bulk_create(rows, batch_size=2000)
        SummaryState.objects.filter(locality_id=locality_id).update(
            counted_changes=started_from, refreshed_at=timezone.now()
        )
    logger.info("Monthly counts for area %s rebuilt: %d rows", locality_id, len(rows))
    cache.delete(_asked_key(locality_id))
    figures.changed(locality_id)
    return len(rows)


def refresh_stale() -> int:
    """Rebuild every area whose concerns changed since its last rebuild."""
    done = 0
    for locality_id in stale_areas():
        refresh(locality_id)
        done += 1
    return done


def series(
    locality_id: int, dimension: str, months: list[datetime.date], keys: list[str] | None = None
) -> dict[str, list[int]]:
    """Counts per key for each month given (zero where none), from the summary table."""
    qs = MonthlyCount.objects.filter(
        locality_id=locality_id, dimension=dimension, month__gte=months[0], month__lte=months[-1]
    )
    if keys is not None:
        qs = qs.filter(key__in=keys)
    found: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for key, month, count in qs.values_list("key", "month", "count"):
        found[key][month] = count
    return {key: [by_month.get(m, 0) for m in months] for key, by_month in found.items()}
