"""A figure month by month as the board sees it: its XmR result read as a Making Data Count
variation and assurance verdict, its data table, and the recorded changes and notes on it."""

from __future__ import annotations

import dataclasses
import datetime
import functools

from django.conf import settings

from concerns import spc
from concerns.charts import (
    Marks,
    trim_leading_zeros,  # noqa: F401 - the board pages import it from here
)

from ..models import Priority

# ---------------------------------------------------------------- variation and assurance


@dataclasses.dataclass(frozen=True)
class Variation:
    """What an XmR chart says about the latest point, in words (Making Data Count icons)."""

    code: str  # improving | concerning | common | high | low | too_few
    text: str


@dataclasses.dataclass(frozen=True)
class Assurance:
    code: str  # pass | fail | hit_and_miss
    text: str


def variation(result: spc.XmRResult, better: str | None) -> Variation:
    if result.provisional:
        return Variation("too_few", f"Too few points to judge variation ({len(result.values)} of 12 months)")
    direction = result.latest_direction
    if direction == 0:
        return Variation("common", "Common cause variation: no significant change")
    if better is None:
        return Variation(
            "high" if direction > 0 else "low", f"Special cause variation: unusually {('high', 'low')[direction < 0]}"
        )
    good = (direction > 0) == (better == Priority.Better.HIGHER)
    if good:
        return Variation("improving", f"Special cause variation: improving ({('higher', 'lower')[direction < 0]})")
    return Variation("concerning", f"Special cause variation: concerning ({('higher', 'lower')[direction < 0]})")


def assurance(result: spc.XmRResult, target: float | None, better: str) -> Assurance | None:
    """Whether the process will meet its target: only with a target and 12 or more points."""
    if target is None or result.provisional:
        return None
    higher = better == Priority.Better.HIGHER
    passing = result.lower >= target if higher else result.upper <= target
    failing = result.upper < target if higher else result.lower > target
    if passing:
        return Assurance("pass", "Consistently meets the target")
    if failing:
        return Assurance("fail", "Consistently misses the target: the process must change to meet it")
    return Assurance("hit_and_miss", "Hit and miss: the target lies within the process limits")


@dataclasses.dataclass(frozen=True)
class TableRow:
    """One month of a figure's data table."""

    label: str
    value: float
    shown: str  # the value as printed: "42", or "25.0%" for a share
    finding: str  # any special cause, in words
    counts: str  # for a share, "12 of 48"
    marks: str  # a change recorded from this month, and the notes on it


@dataclasses.dataclass
class Series:
    """A figure month by month. `marks` are the changes and notes recorded on it (the limits
    are recalculated from each change); `totals`, for a share, are each month's denominators
    (the values are then percentages)."""

    title: str
    months: list[datetime.date]
    values: list[float]
    better: str | None = None
    target: float | None = None
    marks: Marks = dataclasses.field(default_factory=Marks)
    counts: list[tuple[int, int]] | None = None  # a share's (negative, total) for each month

    @functools.cached_property
    def labels(self) -> list[str]:
        return [f"{m:%b %Y}" for m in self.months]

    @functools.cached_property
    def result(self) -> spc.XmRResult | None:
        if not self.values:
            return None
        return spc.xmr(self.values, changes=self.marks.changes, min_points=settings.SPC_MIN_POINTS)

    @property
    def is_share(self) -> bool:
        return self.counts is not None

    def shown(self, value: float | None) -> str:
        """A value as the board reads it: a share with one decimal place and a % sign, a count
        without a trailing .0."""
        if value is None:
            return "–"
        if self.is_share:
            return f"{value:.1f}%"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

    @property
    def variation(self) -> Variation | None:
        return variation(self.result, self.better) if self.values else None

    @property
    def assurance(self) -> Assurance | None:
        return assurance(self.result, self.target, self.better or Priority.Better.LOWER) if self.values else None

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def has_marks(self) -> bool:
        return bool(self.marks.notes or self.marks.change_reasons)

    @property
    def latest_period_label(self) -> str:
        """ "from Apr 2025" for the months the latest mean and limits are worked out from."""
        return f"from {self.labels[self.result.latest.start]}" if self.values else ""

    @property
    def latest_shown(self) -> str:
        return self.shown(self.latest)

    @property
    def latest_label(self) -> str:
        return self.labels[-1] if self.values else ""

    @property
    def lower_limit(self) -> float | None:
        """The lower process limit, no lower than 0 for a series that cannot go below 0."""
        if not self.values:
            return None
        return self.result.lower_floored

    def _finding(self, i: int) -> str:
        period = self.result.period_at(i)
        return self.result.finding(i) if len(period) >= self.result.min_points else "not judged: too few points"

    def _marks_text(self, i: int) -> str:
        words = []
        if i in self.marks.change_reasons:
            words.append(f"Change from this month: {self.marks.change_reasons[i]}")
        words += [f"Note: {note}" for note in self.marks.notes.get(i, [])]
        return "; ".join(words)

    def table(self) -> list[TableRow]:
        """Each month's value, any special cause in words, a share's counts, and the changes and
        notes recorded on it, for the data table."""
        if not self.values:
            return []
        return [
            TableRow(
                label=label,
                value=value,
                shown=self.shown(value),
                finding=self._finding(i),
                counts=f"{self.counts[i][0]:,} of {self.counts[i][1]:,}" if self.counts else "",
                marks=self._marks_text(i),
            )
            for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True))
        ]

    def table_latest_first(self) -> list[TableRow]:
        """The data table newest month first, so the latest months are seen first."""
        return self.table()[::-1]
