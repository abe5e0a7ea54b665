"""Deadline arithmetic for response duties. Pure: dates in, dates out, no ORM.

Counting starts the day after the request is sent (day 1 is the next day). Three units:

- "calendar_days": the Nth day after sending;
- "working_days": the Nth day after sending that is not a weekend, a bank holiday in England
  (from the `holidays` package) or an extra closure day;
- "months": the same day N months later, or that month's last day when it is shorter
  (31 January + 1 month is 28 or 29 February).

A calendar-day or month deadline that falls on a non-working day stays where it falls, unless
the duty says to move it to the next working day (`roll_forward`).

Used by alerts (acknowledgement deadlines) and recommendations (statutory response deadlines).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
from collections.abc import Collection, Iterable
from functools import lru_cache

import holidays

UNITS = ("calendar_days", "working_days", "months")
AGREED = "agreed"  # no statutory period: a date agreed with the body (see `agreed`)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holidays_in_england(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """Bank holidays in England between two dates, inclusive."""
    days: set[datetime.date] = set()
    for year in range(start.year, end.year + 1):
        days |= {d for d in _bank_holidays(year) if start <= d <= end}
    return days


def is_working_day(day: datetime.date, closures: Collection[datetime.date] = ()) -> bool:
    """Monday to Friday, not a bank holiday in England and not a closure day."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in closures


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclasses.dataclass(frozen=True)
class Deadline:
    sent_on: datetime.date
    period: int
    unit: str
    due_on: datetime.date
    skipped: tuple[datetime.date, ...]  # non-working weekdays passed over (working days only)
    rolled_from: datetime.date | None  # where a deadline fell before rolling to a working day

    def explanation(self) -> str:
        """How the date was worked out, in words, for the page that shows it."""
        if self.unit == AGREED:
            return (
                f"No statutory duty to respond: a date agreed with the body when asked on "
                f"{_day(self.sent_on)}: due {_day(self.due_on)}"
            )
        start = f"{_day(self.sent_on)}"
        if self.unit == "working_days":
            text = f"{self.period} working day{'s' if self.period != 1 else ''} from {start}"
            if self.skipped:
                text += f", skipping {_list_days(self.skipped)}"
        elif self.unit == "calendar_days":
            text = f"{self.period} day{'s' if self.period != 1 else ''} from {start}"
        else:
            text = f"{self.period} month{'s' if self.period != 1 else ''} from {start}"
            if self.due_on.day < self.sent_on.day and not self.rolled_from:
                text += " (the month is shorter, so the last day of the month)"
        if self.rolled_from:
            text += f", moved from {_day(self.rolled_from)} to the next working day"
        return f"Counting from the day after sending: {text}: due {_day(self.due_on)}"


def _day(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _list_days(days: tuple[datetime.date, ...]) -> str:
    """'25 and 28 Dec and 1 Jan': days grouped by month, in order."""
    groups: list[tuple[str, list[str]]] = []
    for day in sorted(days):
        label = f"{day:%b}"
        if groups and groups[-1][0] == label:
            groups[-1][1].append(str(day.day))
        else:
            groups.append((label, [str(day.day)]))
    parts = [f"{' and '.join(numbers)} {month}" for month, numbers in groups]
    return " and ".join(parts)


def deadline(
    sent_on: datetime.date,
    period: int,
    unit: str,
    closures: Iterable[datetime.date] = (),
    roll_forward: bool = False,
) -> Deadline:
    """The due date and how it was reached."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    if period < 0:
        raise ValueError("period must not be negative")
    closed = frozenset(closures)
    skipped: list[datetime.date] = []
    if unit == "working_days":
        day, counted = sent_on, 0
        while counted < period:
            day += datetime.timedelta(days=1)
            if is_working_day(day, closed):
                counted += 1
            elif day.weekday() < 5:
                skipped.append(day)
        return Deadline(sent_on, period, unit, day, tuple(skipped), None)
    due = sent_on + datetime.timedelta(days=period) if unit == "calendar_days" else add_months(sent_on, period)
    rolled_from = None
    if roll_forward and not is_working_day(due, closed):
        rolled_from = due
        while not is_working_day(due, closed):
            due += datetime.timedelta(days=1)
    return Deadline(sent_on, period, unit, due, (), rolled_from)


def agreed(sent_on: datetime.date, due_on: datetime.date) -> Deadline:
    """A date agreed with a body that no statutory duty binds (chased like any other)."""
    if due_on <= sent_on:
        raise ValueError("an agreed date must be after the day the request is sent")
    return Deadline(sent_on, 0, AGREED, due_on, (), None)


def response_due(
    sent_on: datetime.date, period: int, unit: str, closures: Iterable[datetime.date] = ()
) -> datetime.date:
    """The date a response is due (see the module docstring for the rules)."""
    return deadline(sent_on, period, unit, closures).due_on


def working_days_between(start: datetime.date, end: datetime.date, closures: Iterable[datetime.date] = ()) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    lo, hi = (start, end) if sign > 0 else (end, start)
    closed = frozenset(closures)
    count = sum(1 for i in range(1, (hi - lo).days + 1) if is_working_day(lo + datetime.timedelta(days=i), closed))
    return sign * count
