"""Whether a person hears back about what their experience led to, and the follow-up that asks
them six weeks after it closed whether things got better (tables of the concerns app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Locality

from .models import Concern


class UpdatesWish(models.Model):
    """One per concern whose person said whether they want updates. The address is the one in
    the personal details (ConcernContact); this says only whether to use it, and why not."""

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="updates_wish")
    wants_updates = models.BooleanField("wants an email when something happens", default=False)
    # Contact may be unsafe for a safeguarding concern: no updates unless a member of staff
    # entitled to the personal details allows it, for this concern.
    safeguarding_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    safeguarding_allowed_at = models.DateTimeField("updates allowed despite safeguarding", null=True, blank=True)
    stopped_at = models.DateTimeField("stopped updates", null=True, blank=True)
    stopped_how = models.CharField("who stopped them, and how", max_length=100, blank=True)
    # When the concern was last closed: the six-week follow-up counts from here.
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "wish to hear back"
        indexes = [
            # The follow-up scan: people who asked, whose concern closed long enough ago.
            models.Index(fields=["wants_updates", "closed_at"], name="updates_follow_up_due"),
        ]

    def __str__(self) -> str:
        return f"Updates for concern {self.concern_id}"

    def may_send(self, concern: Concern) -> bool:
        """Asked, not stopped, and (for a safeguarding concern) allowed by staff."""
        if not self.wants_updates or self.stopped_at is not None:
            return False
        return not concern.safeguarding or self.safeguarding_allowed_at is not None


class FollowUp(models.Model):
    """'Did things get better?', asked once per concern, and the answer (kept as first given)."""

    class Answer(models.TextChoices):
        BETTER = "better", "Better"
        NO_CHANGE = "no_change", "No change"
        WORSE = "worse", "Worse"
        NOT_SAID = "not_said", "Prefer not to say"

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="follow_up")
    # Copied from the concern: the outcome measure counts an area's answers without a join.
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The outcome measure: an area's answers in the last 12 months.
            models.Index(fields=["locality", "answered_at"], name="follow_up_outcome"),
        ]

    def __str__(self) -> str:
        return f"Follow-up for concern {self.concern_id}"
