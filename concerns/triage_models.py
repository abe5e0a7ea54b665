"""The record of each decision on an experience shared online by the public (a table of the
concerns app): who accepted, signposted, marked as a duplicate, rejected or restored it, and
when; and when the job removed a rejected one's personal details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Locality

from .models import Concern


class SubmissionDecision(models.Model):
    """One decision on a public submission. The concern's status holds where it stands now;
    these rows say how it got there, so nothing is decided without a name and a time."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        SIGNPOSTED = "signposted", "Signposted (advice and information given)"
        DUPLICATE = "duplicate", "Marked as a duplicate"
        REJECTED = "rejected", "Rejected as spam"
        RESTORED = "restored", "Restored to the queue"
        PURGED = "purged", "Personal details removed"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="submission_decisions")
    # Copied from the concern, for the audit trail and the signposting count of an area.
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    duplicate_of = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="duplicate of"
    )
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(  # blank only for the retention job's removal of details
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            # The signposting count on the Healthwatch landing page.
            models.Index(fields=["locality", "outcome", "decided_at"], name="submission_decision_count"),
        ]

    def __str__(self) -> str:
        who = self.decided_by or "the retention job"
        return f"{self.concern.reference}: {self.get_outcome_display().lower()} by {who}"
