"""Recording, withdrawing and reading changes and notes on a chart series (`SeriesNote`).

Who may record on which series is decided by the room that draws the chart (concerns for
themes, services and the area's volume; reports for priorities); this module keeps the rules
every series shares: a month in the past or this month, a reason, one live change per month,
nothing deleted.

`marks_for` is what a chart reads: the indexes where a new period starts and the notes by
index, for the months it draws.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Locality, User

from .charts import Marks
from .series_models import SeriesNote

VOLUME = "volume"


def series_key(kind: str, pk: int | None = None) -> str:
    """ "theme:12", "service:34", "priority:5", or "volume"."""
    return kind if pk is None else f"{kind}:{pk}"


def live(locality: Locality, series: str):
    return SeriesNote.objects.filter(locality=locality, series=series, withdrawn_at__isnull=True)


def marks_for(locality: Locality, series: str, months: Sequence[datetime.date]) -> Marks:
    """The live changes and notes on `series` for the months drawn (one query). A change in
    the first month drawn starts no new period (the chart starts there anyway) but its reason
    is still shown."""
    return marks_for_many(locality, {series: months})[series]


def marks_for_many(locality: Locality, months_by_series: Mapping[str, Sequence[datetime.date]]) -> dict[str, Marks]:
    """`marks_for` for several series at once, each with its own months (one query, or none
    when no series has months): what a dashboard of many charts reads."""
    wanted = {series: list(months) for series, months in months_by_series.items() if months}
    found = {series: Marks() for series in months_by_series}
    if not wanted:
        return found
    first = min(months[0] for months in wanted.values())
    last = max(months[-1] for months in wanted.values())
    rows: dict[str, list[SeriesNote]] = defaultdict(list)
    for row in SeriesNote.objects.filter(
        locality=locality, series__in=list(wanted), withdrawn_at__isnull=True, month__gte=first, month__lte=last
    ).order_by("month", "recorded_at"):
        rows[row.series].append(row)
    for series, months in wanted.items():
        found[series] = _marks(rows.get(series, []), months)
    return found


def _marks(rows: list[SeriesNote], months: Sequence[datetime.date]) -> Marks:
    index = {m: i for i, m in enumerate(months)}
    notes: dict[int, list[str]] = defaultdict(list)
    changes: dict[int, str] = {}
    for row in rows:
        i = index.get(row.month)
        if i is None:
            continue
        if row.kind == SeriesNote.Kind.CHANGE:
            changes[i] = row.reason
        else:
            notes[i].append(row.reason)
    return Marks(changes=tuple(sorted(i for i in changes if i > 0)), notes=dict(notes), change_reasons=changes)


def record(*, user: User, locality: Locality, series: str, kind: str, month: datetime.date, reason: str) -> SeriesNote:
    """Record a change or a note; a clear ValidationError (naming the field) when it can't be."""
    reason = (reason or "").strip()
    month = month.replace(day=1)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Enter the reason, for example ‘new online booking live in two practices’"
    if month > timezone.localdate().replace(day=1):
        errors["month"] = "The month must be this month or in the past"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return SeriesNote.objects.create(
                locality=locality, series=series, kind=kind, month=month, reason=reason, recorded_by=user
            )
    except IntegrityError:
        raise ValidationError(
            {"month": f"A change is already recorded for {month:%B %Y}: withdraw it first to record another"}
        ) from None


def withdraw(*, user: User, note: SeriesNote, reason: str) -> SeriesNote:
    """Withdraw a change or note recorded in error (kept, with who, when and why)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why it is being withdrawn"})
    with transaction.atomic():
        note = SeriesNote.objects.select_for_update().get(pk=note.pk)
        if note.is_withdrawn:
            raise ValidationError("This has already been withdrawn")
        note.withdrawn_by, note.withdrawn_at, note.withdrawn_reason = user, timezone.now(), reason
        note.save(update_fields=["withdrawn_by", "withdrawn_at", "withdrawn_reason"])
    return note
