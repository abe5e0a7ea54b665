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
- With fewer than 12 points the limits are provisional and a run chart should be shown.

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
class XmRResult:
    values: tuple[float, ...]
    mean: float
    moving_range_mean: float
    upper: float
    lower: float
    special_cause: tuple[bool, ...]
    reasons: tuple[tuple[str, ...], ...]
    direction: tuple[int, ...]  # +1 special cause high, -1 low, 0 common cause

    @property
    def provisional(self) -> bool:
        """Fewer than 12 points: the limits are not yet reliable; show a run chart."""
        return len(self.values) < MIN_POINTS_FOR_LIMITS

    @property
    def lower_floored(self) -> float:
        """The lower process limit as a chart shows it: no lower than 0 for a series that cannot
        go below 0 (counts), since a count cannot fall below nothing. `lower` keeps the limit
        as computed."""
        return max(self.lower, 0.0) if min(self.values) >= 0 else self.lower

    @property
    def latest_direction(self) -> int:
        return self.direction[-1] if self.direction else 0


def xmr(values: Sequence[float]) -> XmRResult:
    """XmR chart statistics and special-cause flags for a series of values in time order."""
    points = tuple(float(v) for v in values)
    if not points:
        raise ValueError("xmr needs at least one value")
    n = len(points)
    mean = sum(points) / n
    ranges = [abs(points[i] - points[i - 1]) for i in range(1, n)]
    mr_mean = sum(ranges) / len(ranges) if ranges else 0.0
    upper = mean + SIGMA_FACTOR * mr_mean
    lower = mean - SIGMA_FACTOR * mr_mean

    reasons: list[set[str]] = [set() for _ in points]
    direction = [0] * n

    def mark(i: int, reason: str, sign: int) -> None:
        reasons[i].add(reason)
        if direction[i] == 0:
            direction[i] = sign

    for i, x in enumerate(points):
        if x > upper:
            mark(i, BEYOND_LIMIT, +1)
        elif x < lower:
            mark(i, BEYOND_LIMIT, -1)

    _runs(points, key=lambda x: (x > mean) - (x < mean), reason=SHIFT, mark=mark, min_len=RUN_LENGTH)
    _trends(points, mark)
    _two_of_three(points, mean, upper, lower, mark)

    return XmRResult(
        values=points,
        mean=mean,
        moving_range_mean=mr_mean,
        upper=upper,
        lower=lower,
        special_cause=tuple(bool(r) for r in reasons),
        reasons=tuple(tuple(sorted(r)) for r in reasons),
        direction=tuple(direction),
    )


def _runs(points, *, key, reason, mark, min_len):
    """Mark every point in a run of `min_len` or more with the same non-zero key."""
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or key(points[i]) != key(points[start]) or key(points[start]) == 0:
            side = key(points[start])
            if side != 0 and i - start >= min_len:
                for j in range(start, i):
                    mark(j, reason, side)
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
                mark(j, TREND, step)
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
