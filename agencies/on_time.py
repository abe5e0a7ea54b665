"""The one rule for every "on time" figure (alerts acknowledged, recommendations responded to,
evidence requests answered): an item counts once it has been answered or its deadline has
passed. Until then it is "not yet due" and shown apart, never as a miss.

- answered on or before the due day: on time
- answered after the due day: late (a miss)
- not answered and the due day has passed: overdue (a miss)
- not answered, due today or later, or its clock stopped: not yet due (not counted)

`status` says this for one item; `OnTimeRule` says it as database conditions for one kind of
record (which field holds the day it was answered, which the day it was due), so a page counts
in one query. The two agree (tests/test_on_time.py). Each kind's rule is in reports/on_time.py.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping

from django.db.models import Count, F, Q

ON_TIME, LATE, OVERDUE, NOT_YET_DUE = "on_time", "late", "overdue", "not_yet_due"


def status(
    answered_on: datetime.date | None, due_on: datetime.date, today: datetime.date, *, paused: bool = False
) -> str:
    """Where one item stands: ON_TIME, LATE, OVERDUE or NOT_YET_DUE."""
    if answered_on is not None:
        return ON_TIME if answered_on <= due_on else LATE
    if paused or today <= due_on:
        return NOT_YET_DUE
    return OVERDUE


@dataclasses.dataclass(frozen=True)
class OnTimeRule:
    """The rule for one kind of record, as conditions on its fields.

    `answered_on` is the lookup for the (local) day the answer was recorded, empty until it is;
    `due_on` the due day; `owed` which unanswered items are still owed (a closed or withdrawn
    one is neither counted nor due); `paused` which have their clock stopped (not yet due,
    whatever the date)."""

    answered_on: str
    due_on: str = "due_on"
    owed: Q = dataclasses.field(default_factory=Q)
    paused: Q | None = None

    def answered(self) -> Q:
        return Q(**{f"{self.answered_on}__isnull": False})

    def on_time(self) -> Q:
        return Q(**{f"{self.answered_on}__lte": F(self.due_on)})

    def late(self) -> Q:
        return Q(**{f"{self.answered_on}__gt": F(self.due_on)})

    def waiting(self) -> Q:
        """Not answered and still owed."""
        return Q(**{f"{self.answered_on}__isnull": True}) & self.owed

    def overdue(self, today: datetime.date) -> Q:
        overdue = self.waiting() & Q(**{f"{self.due_on}__lt": today})
        return overdue & ~self.paused if self.paused is not None else overdue

    def not_yet_due(self, today: datetime.date) -> Q:
        later = Q(**{f"{self.due_on}__gte": today})
        return self.waiting() & (later | self.paused if self.paused is not None else later)

    def counted(self, today: datetime.date) -> Q:
        """What an on-time figure is out of: answered, or overdue."""
        return self.answered() | self.overdue(today)

    def in_period(self, start: datetime.date) -> Q:
        """The items a figure for a period starting on `start` looks at: answered in it, or not
        answered and due in it or later."""
        return Q(**{f"{self.answered_on}__gte": start}) | (
            Q(**{f"{self.answered_on}__isnull": True}) & Q(**{f"{self.due_on}__gte": start})
        )

    def counts(self, today: datetime.date, *, within: Q | None = None, prefix: str = "") -> dict[str, Count]:
        """Aggregates for `OnTime.read`: on time, counted and not yet due (of the items `within`)."""
        scope = within if within is not None else Q()
        return {
            f"{prefix}on_time": Count("id", filter=scope & self.on_time()),
            f"{prefix}counted": Count("id", filter=scope & self.counted(today)),
            f"{prefix}not_yet_due": Count("id", filter=scope & self.not_yet_due(today)),
        }


@dataclasses.dataclass(frozen=True)
class OnTime:
    """One on-time figure: how many of the items counted were on time, and how many are not
    yet due (apart, never a miss)."""

    on_time: int = 0
    counted: int = 0
    not_yet_due: int = 0

    @classmethod
    def read(cls, row: Mapping[str, int | None], prefix: str = "") -> OnTime:
        """The figure from a row aggregated with `OnTimeRule.counts` (and the same prefix)."""
        return cls(*(row.get(f"{prefix}{key}") or 0 for key in ("on_time", "counted", "not_yet_due")))

    def __add__(self, other: OnTime) -> OnTime:
        return OnTime(self.on_time + other.on_time, self.counted + other.counted, self.not_yet_due + other.not_yet_due)

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.counted) if self.counted else None

    @property
    def missed(self) -> int:
        return self.counted - self.on_time

    @property
    def of(self) -> str:
        """ "1 of 1", or "none due yet"."""
        return f"{self.on_time} of {self.counted}" if self.counted else "none due yet"

    def __str__(self) -> str:
        """For example "100% (1 of 1), 1 not yet due"."""
        shown = f"{self.percent}% ({self.of})" if self.counted else f"– ({self.of})"
        return f"{shown}, {self.not_yet_due} not yet due" if self.not_yet_due else shown
