"""Deadline arithmetic for statutory responses (see agencies.deadlines, which alerts share).

`response_due(sent_on, period, unit, closures=())` is the public, ORM-free function: unit is one
of "calendar_days", "working_days" or "months"; day 1 is the day after `sent_on`.
"""

from agencies.deadlines import UNITS, Deadline, deadline, is_working_day, response_due, working_days_between

__all__ = ["UNITS", "Deadline", "deadline", "is_working_day", "response_due", "working_days_between"]
