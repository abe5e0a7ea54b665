"""Words for a deadline and for an on-time rate (pure: dates in, words out). Which pile an item
falls in is the one rule of agencies.on_time."""

from __future__ import annotations

import datetime


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


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
