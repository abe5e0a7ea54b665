"""Words for a deadline, and which of the four piles an item falls in (pure: dates in, words out).

The piles follow one rule, used by the list and by the figures: an item answered on or before
its due day is on time, after it late; an unanswered item is overdue from the day after its due
day, and not yet due until then (due today is not yet due). Only the first three are measured:
"not yet due" is shown apart, never counted as a miss.
"""

from __future__ import annotations

import datetime

ON_TIME, LATE, OVERDUE, NOT_YET_DUE = "on_time", "late", "overdue", "not_yet_due"
LABELS = {ON_TIME: "Answered on time", LATE: "Answered late", OVERDUE: "Overdue", NOT_YET_DUE: "Not yet due"}


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def pile(due_on: datetime.date, answered_on: datetime.date | None, today: datetime.date) -> str:
    if answered_on is not None:
        return ON_TIME if answered_on <= due_on else LATE
    return OVERDUE if today > due_on else NOT_YET_DUE


def due_words(due_on: datetime.date, today: datetime.date) -> str:
    """How long is left, or how late it is, for an item not yet answered."""
    left = (due_on - today).days
    if left == 0:
        return "Due today"
    if left > 0:
        return f"{_days(left)} left"
    return f"{_days(-left)} overdue"


def answered_words(due_on: datetime.date, answered_on: datetime.date) -> str:
    late = (answered_on - due_on).days
    return "On time" if late <= 0 else f"{_days(late)} late"


def rate(on_time: int, late: int, overdue: int) -> str:
    """The share answered on time of the items that are due (answered, or past their day)."""
    due = on_time + late + overdue
    if not due:
        return "Nothing due yet"
    return f"{round(100 * on_time / due)}% ({on_time} of {due})"
