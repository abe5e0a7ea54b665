"""The on-time rule (agencies.on_time) for each kind of item a body must answer by a date.
Every on-time figure (the board's dashboard, the duty evidence, the recommendations tracker,
a body's own work page) reads these, so they agree with each other and with a hand count.

- ALERT_ACKNOWLEDGEMENT: an alert recipient, by the day it acknowledged (London time).
- RECOMMENDATION_RESPONSE: a recommendation, by the day its response was recorded; only one
  still awaiting a response is owed, and one with its clock stopped is not yet due.
- EVIDENCE_ANSWER: an evidence request, by the day it was answered (London time).
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from agencies.on_time import OnTime, OnTimeRule, status

from .models import Recommendation

__all__ = ["ALERT_ACKNOWLEDGEMENT", "EVIDENCE_ANSWER", "RECOMMENDATION_RESPONSE", "OnTime", "OnTimeRule", "status"]

ALERT_ACKNOWLEDGEMENT = OnTimeRule(answered_on="acknowledged_at__date")
RECOMMENDATION_RESPONSE = OnTimeRule(
    answered_on="response__responded_on",
    owed=Q(state=Recommendation.State.AWAITING),
    paused=Q(clock_stopped_on__isnull=False),
)
EVIDENCE_ANSWER = OnTimeRule(answered_on="answered_at__date")


# The board's recommendation figures for a period starting on `start`, as conditions, so a count
# on the dashboard and the tracker's list of the same records agree (reports/board/duty_evidence,
# the tracker's "figure" filter). Each applies to the recommendations the figures count (sent,
# not withdrawn, led in the area).
RECOMMENDATION_FIGURES = {
    "made": "Made",
    "responded": "Responded",
    "on_time": "Responded on time",
    "due": "Due: responded, or overdue",
    "not_yet_due": "Not yet due",
}


def recommendation_figure(figure: str, start: datetime.date, today: datetime.date) -> Q:
    rule = RECOMMENDATION_RESPONSE
    in_period = rule.in_period(start)
    return {
        "made": Q(sent_on__gte=start),
        "responded": Q(response__responded_on__gte=start),
        "on_time": in_period & rule.on_time(),
        "due": in_period & rule.counted(today),
        "not_yet_due": in_period & rule.not_yet_due(today),
    }[figure]
