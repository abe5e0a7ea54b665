"""Recording, withdrawing and reading changes and notes on a chart series (`SeriesNote`).

Who may record on which series is decided by the room that draws the chart (concerns for
themes, services and the area's volume; reports for priorities); this module keeps the rules
every series shares: a month in the past or this month, a reason, one live change per month,
nothing deleted.

`marks_for` is what a chart reads: the indexes where a new period starts and the notes by
index, for the months it draws. On the concerns' own series (themes, services, the area's
volume) it also notes Healthwatch's outreach automatically: counts rise when Healthwatch runs a
stall, not only when a service gets worse, so each event code's day is named on its month.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from agencies.models import Locality, User

from .charts import Marks
from .series_models import SeriesNote

VOLUME = "volume"
# The series the concerns pages draw (and whose counts rise with outreach).
CONCERN_SERIES = ("theme", "service", VOLUME)
OUTREACH = "Outreach: "  # how an automatic note starts (shown as added automatically, never withdrawable)


def series_key(kind: str, pk: int | None = None) -> str:
    """ "theme:12", "service:34", "priority:5", or "volume"."""
    return kind if pk is None else f"{kind}:{pk}"


def live(locality: Locality, series: str):
    return SeriesNote.objects.filter(locality=locality, series=series, withdrawn_at__isnull=True)


def is_automatic(text: str) -> bool:
    """A note the system added (outreach), not one a person recorded."""
    return text.startswith(OUTREACH)


def outreach_notes(locality: Locality, months: Sequence[datetime.date]) -> dict[datetime.date, list[str]]:
    """The area's outreach events (live event codes) by month, each as an automatic note
    with how many counted experiences came through its code (one query)."""
    from .models import COUNTED_STATUSES
    from .outreach_models import EventCode

    end = (months[-1].replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    codes = (
        EventCode.objects.filter(
            locality=locality, withdrawn_at__isnull=True, valid_on__gte=months[0], valid_on__lt=end
        )
        .annotate(used=Count("concerns", filter=Q(concerns__status__in=COUNTED_STATUSES)))
        .order_by("valid_on", "pk")
    )
    found: dict[datetime.date, list[str]] = defaultdict(list)
    for code in codes.values("valid_on", "event", "used"):
        used = code["used"]
        through = f" ({used} experience{'s' if used != 1 else ''} through it)" if used else ""
        what = code["event"] or "an event"
        found[code["valid_on"].replace(day=1)].append(f"{OUTREACH}{what} on {code['valid_on']:%-d %B}{through}")
    return found


def marks_for(locality: Locality, series: str, months: Sequence[datetime.date]) -> Marks:
    """The live changes and notes on `series` for the months drawn (one query; two on the
    concerns' own series, which also get the outreach notes). A change in the first month
    drawn starts no new period (the chart starts there anyway) but its reason is still shown."""
    marks = marks_for_many(locality, {series: months})[series]
    if not months or series.split(":")[0] not in CONCERN_SERIES:
        return marks
    index = {m: i for i, m in enumerate(months)}
    notes = {i: list(texts) for i, texts in marks.notes.items()}
    for month, texts in outreach_notes(locality, months).items():
        if month in index:
            notes.setdefault(index[month], []).extend(texts)
    return dataclasses.replace(marks, notes=notes)


def marks_for_many(locality: Locality, months_by_series: Mapping[str, Sequence[datetime.date]]) -> dict[str, Marks]:
    """The live changes and notes (recorded ones only) on several series at once, each for its
    own months: one query, or none when no series has months. What a page of many charts
    (the board's dashboard) reads."""
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


def changes_by_series(
    locality: Locality, kinds: Sequence[str], months: Sequence[datetime.date]
) -> dict[str, list[int]]:
    """For the trend job: the indexes (in `months`) of the live changes on every series of the
    given kinds ("theme", "service"), by series key (one query)."""
    index = {m: i for i, m in enumerate(months)}
    prefixes = Q()
    for kind in kinds:
        prefixes |= Q(series__startswith=f"{kind}:")
    rows = SeriesNote.objects.filter(
        prefixes, locality=locality, kind=SeriesNote.Kind.CHANGE, withdrawn_at__isnull=True, month__in=list(months)
    )
    found: dict[str, list[int]] = defaultdict(list)
    for series, month in rows.values_list("series", "month"):
        found[series].append(index[month])
    return {series: sorted(indexes) for series, indexes in found.items()}


def history(locality: Locality, series: str) -> list[SeriesNote]:
    """Every change and note on the series, withdrawn ones too, latest month first."""
    return list(
        SeriesNote.objects.filter(locality=locality, series=series)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("-month", "-recorded_at")
    )


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
