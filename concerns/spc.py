"""Statistical process control for counts over time: XmR charts and special-cause rules.

Pure: numbers in, numbers out, no ORM. Follows NHS England's "Making Data Count":

- process limits at mean ± 2.66 × the mean moving range, computed from all points given;
- a point shows special cause when it
  1. lies beyond a process limit;
  2. is one of 7 or more consecutive points on the same side of the mean (a point exactly on
     the mean breaks the run);
  3. is one of 7 or more consecutive points each higher than the one before (or each lower);
  4. is one of 2 out of 3 consecutive points beyond two thirds of the way from the mean to a
     limit, on the same side.
- With fewer than 12 points (`min_points`) the limits are provisional and a run chart should be
  shown, without special-cause colours or icons;
- where the process is known to have changed (a recorded change point), the limits are computed
  separately before and after it, and the rules apply within each period.

Used by the concerns trend job and, later, the board dashboard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

SIGMA_FACTOR = 2.66
RUN_LENGTH = 7
MIN_POINTS_FOR_LIMITS = 12

BEYOND_LIMIT = "beyond a limit"
SHIFT = "7 or more on one side of the mean"
TREND = "7 or more rising or falling"
TWO_OF_THREE = "2 of 3 near a limit"


@dataclasses.dataclass(frozen=True)
class Period:
    """A stretch of the series between recorded changes, with its own limits."""

    start: int  # index of its first point
    end: int  # index after its last point
    mean: float
    moving_range_mean: float
    upper: float
    lower: float

    def __len__(self) -> int:
        return self.end - self.start


@dataclasses.dataclass(frozen=True)
class XmRResult:
    values: tuple[float, ...]
    periods: tuple[Period, ...]
    special_cause: tuple[bool, ...]
    reasons: tuple[tuple[str, ...], ...]
    direction: tuple[int, ...]  # +1 special cause high, -1 low, 0 common cause
    run_length: tuple[int, ...]  # for a point in a run on one side of the mean: the run's length
    trend_length: tuple[int, ...]  # for a point in a trend: its length, negative when falling
    min_points: int = MIN_POINTS_FOR_LIMITS

    # The latest period's statistics: what "the limits" mean today (and for the trend job).
    @property
    def latest(self) -> Period:
        return self.periods[-1]

    @property
    def mean(self) -> float:
        return self.latest.mean

    @property
    def moving_range_mean(self) -> float:
        return self.latest.moving_range_mean

    @property
    def upper(self) -> float:
        return self.latest.upper

    @property
    def lower(self) -> float:
        return self.latest.lower

    @property
    def provisional(self) -> bool:
        """Fewer points in the latest period than the minimum for limits: show a run chart."""
        return len(self.latest) < self.min_points

    @property
    def why_no_limits(self) -> str:
        """Why limits are not drawn, in words, or "" when they are."""
        if not self.provisional:
            return ""
        if len(self.periods) > 1:
            return (
                f"Only {len(self.latest)} points since the last recorded change: process limits need at least "
                f"{self.min_points}, so the months since are shown as a run chart, without limits or "
                "special-cause colours."
            )
        return (
            f"Only {len(self.latest)} points: process limits need at least {self.min_points}, "
            "so this is a run chart without limits or special-cause colours."
        )

    @property
    def changes(self) -> tuple[int, ...]:
        """Indexes where a new period starts (after a recorded change)."""
        return tuple(p.start for p in self.periods[1:])

    def period_at(self, i: int) -> Period:
        return next(p for p in self.periods if p.start <= i < p.end)

    def floored(self, period: Period) -> float:
        """A lower limit as a chart shows it: no lower than 0 for a series that cannot go below
        0 (counts). `Period.lower` keeps the limit as computed."""
        return max(period.lower, 0.0) if min(self.values) >= 0 else period.lower

    @property
    def lower_floored(self) -> float:
        return self.floored(self.latest)

    @property
    def latest_direction(self) -> int:
        return self.direction[-1] if self.direction else 0

    def finding(self, i: int) -> str:
        """What the point shows, in words that don't mislead: "unusually high" only beyond a
        limit; a point that is special only for belonging to a run says so."""
        reasons = self.reasons[i]
        if not reasons:
            return "no"
        high = self.direction[i] > 0
        words = []
        if BEYOND_LIMIT in reasons:
            words.append(f"unusually {'high' if high else 'low'}: beyond the {'upper' if high else 'lower'} limit")
        if TWO_OF_THREE in reasons and BEYOND_LIMIT not in reasons:
            words.append(f"2 of 3 points near the {'upper' if high else 'lower'} limit")
        if SHIFT in reasons:
            words.append(f"part of a run of {self.run_length[i]} {'above' if high else 'below'} the mean")
        if TREND in reasons:
            rising = self.trend_length[i] > 0
            words.append(f"part of {abs(self.trend_length[i])} points {'rising' if rising else 'falling'} in a row")
        return "; ".join(words)


def xmr(values: Sequence[float], *, changes: Sequence[int] = (), min_points: int = MIN_POINTS_FOR_LIMITS) -> XmRResult:
    """XmR chart statistics and special-cause flags for a series of values in time order.

    `changes` are the indexes of the first point after each recorded change to the process:
    limits are computed separately for each period and the rules never look across a change
    (Making Data Count: recalculate the limits when the process has changed)."""
    points = tuple(float(v) for v in values)
    if not points:
        raise ValueError("xmr needs at least one value")
    starts = sorted({0, *(int(c) for c in changes if 0 < int(c) < len(points))})
    bounds = list(zip(starts, [*starts[1:], len(points)], strict=True))
    reasons: list[set[str]] = [set() for _ in points]
    direction = [0] * len(points)
    lengths = {SHIFT: [0] * len(points), TREND: [0] * len(points)}
    periods = tuple(_period(points, a, b, reasons, direction, lengths) for a, b in bounds)
    return XmRResult(
        values=points,
        periods=periods,
        special_cause=tuple(bool(r) for r in reasons),
        reasons=tuple(tuple(sorted(r)) for r in reasons),
        direction=tuple(direction),
        run_length=tuple(lengths[SHIFT]),
        trend_length=tuple(lengths[TREND]),
        min_points=min_points,
    )


def _period(
    points: tuple[float, ...],
    a: int,
    b: int,
    reasons: list[set[str]],
    direction: list[int],
    lengths: dict[str, list[int]],
) -> Period:
    """Limits for points[a:b] and the special-cause marks within it."""
    chunk = points[a:b]
    n = len(chunk)
    mean = sum(chunk) / n
    ranges = [abs(chunk[i] - chunk[i - 1]) for i in range(1, n)]
    mr_mean = sum(ranges) / len(ranges) if ranges else 0.0
    upper = mean + SIGMA_FACTOR * mr_mean
    lower = mean - SIGMA_FACTOR * mr_mean

    def mark(i: int, reason: str, sign: int, length: int = 0) -> None:
        reasons[a + i].add(reason)
        if direction[a + i] == 0:
            direction[a + i] = sign
        if reason in lengths:
            lengths[reason][a + i] = max(lengths[reason][a + i], length, key=abs)

    for i, x in enumerate(chunk):
        if x > upper:
            mark(i, BEYOND_LIMIT, +1)
        elif x < lower:
            mark(i, BEYOND_LIMIT, -1)

    _runs(chunk, key=lambda x: (x > mean) - (x < mean), reason=SHIFT, mark=mark, min_len=RUN_LENGTH)
    _trends(chunk, mark)
    _two_of_three(chunk, mean, upper, lower, mark)
    return Period(start=a, end=b, mean=mean, moving_range_mean=mr_mean, upper=upper, lower=lower)


def _runs(points, *, key, reason, mark, min_len):
    """Mark every point in a run of `min_len` or more with the same non-zero key."""
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or key(points[i]) != key(points[start]) or key(points[start]) == 0:
            side = key(points[start])
            if side != 0 and i - start >= min_len:
                for j in range(start, i):
                    mark(j, reason, side, i - start)
            start = i


def _trends(points, mark):
    """Mark runs of 7 or more points each higher (or each lower) than the one before."""
    start = 0  # the first point of the current strictly monotone run
    step = 0
    for i in range(1, len(points) + 1):
        this_step = 0
        if i < len(points):
            this_step = (points[i] > points[i - 1]) - (points[i] < points[i - 1])
        if i < len(points) and this_step != 0 and (step == 0 or this_step == step):
            step = this_step
            continue
        if step != 0 and i - start >= RUN_LENGTH:
            for j in range(start, i):
                mark(j, TREND, step, (i - start) * step)
        # A change of direction starts a new run at the previous point.
        start = i - 1 if this_step != 0 else i
        step = this_step


def _two_of_three(points, mean, upper, lower, mark):
    high_zone = mean + (upper - mean) * 2 / 3
    low_zone = mean - (mean - lower) * 2 / 3
    for side, beyond in ((+1, lambda x: x > high_zone), (-1, lambda x: x < low_zone)):
        if upper == lower:  # no variation at all: nothing is near a limit
            continue
        for start in range(0, len(points) - 2):
            window = range(start, start + 3)
            hits = [i for i in window if beyond(points[i])]
            if len(hits) >= 2:
                for i in hits:
                    mark(i, TWO_OF_THREE, side)
