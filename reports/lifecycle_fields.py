"""A recommendation's states and what its lifecycle records (for reports.models): drafted,
agreed at a meeting, sent (its clock starts), responded, closed, or withdrawn with a reason;
corrected with a recorded reason. The rules are in reports.recommendations.lifecycle."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models


class RecommendationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed, not sent"
    AWAITING = "awaiting", "Awaiting response"  # sent, its clock running
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Lifecycle(models.Model):
    """The committee's agreement, a withdrawal and a correction, each with its reason."""

    # Not yet sent: no clock, no due date, never public, counted nowhere.
    UNSENT = (RecommendationState.DRAFT, RecommendationState.AGREED)
    # Sent and counted in every figure (a withdrawn one is shown, but neither owed nor counted).
    COUNTED = (RecommendationState.AWAITING, RecommendationState.RESPONDED, RecommendationState.CLOSED)

    # Under "no statutory duty": the date agreed with the body (its deadline once sent).
    deadline_agreed_on = models.DateField("date agreed with the body", null=True, blank=True)
    # The committee's or board's agreement: the meeting's date and who agreed.
    meeting_agreed_on = models.DateField("agreed at the meeting of", null=True, blank=True)
    agreed_by = models.CharField("agreed by", max_length=150, blank=True)
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    withdrawn_reason = models.CharField("reason withdrawn", max_length=1000, blank=True)
    # The last correction's reason (the old text is in the history).
    corrected_reason = models.CharField("reason corrected", max_length=1000, blank=True)

    class Meta:
        abstract = True

    state: str

    def is_sent(self) -> bool:
        return self.state not in self.UNSENT

    def sent_dates(self) -> tuple[datetime.date, datetime.date]:
        """The date sent and the deadline, which a sent recommendation has (a draft has neither)."""
        sent_on, due_on = getattr(self, "sent_on", None), getattr(self, "due_on", None)
        if sent_on is None or due_on is None:
            raise ValidationError("This recommendation has not been sent yet.")
        return sent_on, due_on
