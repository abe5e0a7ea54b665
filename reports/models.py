"""Reviews, reports and their recommendations, with statutory response deadlines, responses and
follow-up. Recommendations are public once their report is published (no personal data here).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies import on_time
from agencies.models import Body, Locality, ResponseDuty
from concerns.models import Alert, Concern, TrendSignal

from .lifecycle_fields import Lifecycle, RecommendationState
from .scoping import AreaQuerySet, JointRecord, RecommendationQuerySet, ReportQuerySet, ReviewQuerySet

if TYPE_CHECKING:
    from agencies.receipts import Receipt


class Review(JointRecord):
    """A piece of work: a scrutiny review, a policy or service change, a follow-up check, a
    Healthwatch research project or an Enter and View visit."""

    class Kind(models.TextChoices):
        SCRUTINY_REVIEW = "scrutiny_review", "Scrutiny review (task and finish)"
        SERVICE_CHANGE = "service_change", "Proposed policy or service change"
        FOLLOW_UP = "follow_up", "Follow-up check on a change in practice"
        RESEARCH = "research", "Healthwatch research project"
        ENTER_AND_VIEW = "enter_and_view", "Enter and View visit"

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        REPORTED = "reported", "Reported"
        CLOSED = "closed", "Closed"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lead_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="reviews_led")
    topic = models.CharField(max_length=200)
    scope = models.TextField(max_length=5000, blank=True)
    priority_consultation = models.TextField(
        "how the priority was consulted on", max_length=3000, blank=True, help_text="For research projects."
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PLANNED)
    starts_on = models.DateField("start date", null=True, blank=True)
    ends_on = models.DateField("planned end date", null=True, blank=True)
    concerns = models.ManyToManyField(Concern, blank=True, related_name="reviews")
    alerts = models.ManyToManyField(Alert, blank=True, related_name="reviews")
    trend_signals = models.ManyToManyField(TrendSignal, blank=True, related_name="reviews")
    # Every area the review concerns, the lead `locality` included (a joint committee's work).
    areas = models.ManyToManyField(Locality, blank=True, related_name="joint_reviews")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.topic


class Report(JointRecord):
    """A report with recommendations; public once published. It concerns its lead area and any
    other `areas` (a joint committee's report), and shows in each."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="reports")
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    issuing_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="reports_issued")
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=10_000)
    reference_prefix = models.CharField(
        max_length=30, help_text="Recommendation references start with this, like HOSC-2026-07."
    )
    published_on = models.DateField(null=True, blank=True)
    # Every area the report concerns, the lead `locality` included; its recommendations follow.
    areas = models.ManyToManyField(Locality, blank=True, related_name="joint_reports")
    # A confidential factual-accuracy check by the provider before the report is final (its
    # recommendations are sent, and their clocks start, only once the check is done).
    accuracy_check_body = models.ForeignKey(Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    accuracy_check_sent_on = models.DateField("accuracy check sent on", null=True, blank=True)
    accuracy_check_due_on = models.DateField("accuracy check comments due", null=True, blank=True)
    accuracy_check_done_on = models.DateField("accuracy check done on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def in_accuracy_check(self) -> bool:
        return self.accuracy_check_sent_on is not None and self.accuracy_check_done_on is None


class Recommendation(Lifecycle):
    """One recommendation to one body, with the statutory deadline for its response."""

    State = RecommendationState

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="recommendations")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="recommendations")
    reference = models.CharField(max_length=40)
    text = models.TextField(max_length=5000)
    addressed_to = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="recommendations_received")
    duty = models.ForeignKey(ResponseDuty, on_delete=models.PROTECT, related_name="+")
    # A draft has no date sent, no deadline and no agreed date: they are fixed when it is sent.
    sent_on = models.DateField("date sent", null=True, blank=True)
    due_on = models.DateField("response due", null=True, blank=True)
    due_explanation = models.CharField(max_length=400, blank=True)
    clock_stopped_on = models.DateField("clock stopped on", null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    follow_up_on = models.DateField("follow up on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report_id", "id"]  # in the order they were made: R1, R2, R3
        constraints = [
            models.UniqueConstraint(fields=["locality", "reference"], name="recommendation_reference_unique")
        ]
        indexes = [
            # The tracker: an area's recommendations by state and deadline.
            models.Index(fields=["locality", "state", "due_on"], name="recommendation_tracker"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:60]}"

    def is_overdue(self, on: datetime.date) -> bool:
        """Overdue when no response has come by the end of the due day (and the clock runs)."""
        return self.state == self.State.AWAITING and self.clock_stopped_on is None and on > self.due_on

    @classmethod
    def overdue_condition(cls, on: datetime.date) -> models.Q:
        """`is_overdue` as a query condition, for filters and for counts inside aggregates."""
        return models.Q(state=cls.State.AWAITING, clock_stopped_on__isnull=True, due_on__lt=on)

    def days_left(self, on: datetime.date) -> int:
        return (self.due_on - on).days if self.due_on else 0


class Response(models.Model):
    """The addressed body's answer: accepted, partly or not, with reasons and a plan."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PARTIALLY = "partially_accepted", "Partially accepted"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="response")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.TextField(max_length=5000, blank=True)
    action_plan = models.TextField(max_length=10_000, blank=True)
    target_date = models.DateField(null=True, blank=True)
    responded_on = models.DateField()
    answered_by_name = models.CharField(max_length=150)
    via_link = models.BooleanField(default=False)
    receipt_email = models.EmailField("the answerer's address for a receipt", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    letter = models.FileField(upload_to="responses/%Y/", blank=True)
    history = HistoricalRecords()
    receipt: Receipt  # the copy sent when it was recorded (not stored; reports.recommendations.receipts)

    def __str__(self) -> str:
        return f"Response to {self.recommendation.reference}"

    def on_time(self) -> bool:
        """Answered by the end of the due day (the one rule: agencies.on_time)."""
        return on_time.status(self.responded_on, self.recommendation.due_on, self.responded_on) == on_time.ON_TIME


class Extension(models.Model):
    """A later deadline agreed with the committee, with the reason and who agreed it."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="extensions")
    previous_due_on = models.DateField()
    new_due_on = models.DateField()
    reason = models.CharField(max_length=500)
    agreed_by = models.CharField(max_length=150)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} extended to {self.new_due_on}"


class ImplementationUpdate(models.Model):
    """Progress on an accepted recommendation."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        SLIPPED = "slipped", "Slipped"
        ACHIEVED = "achieved", "Achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Status.choices)
    progress = models.TextField(max_length=5000)
    new_date = models.DateField(null=True, blank=True)
    reason = models.CharField("reason for the new date", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.recommendation.reference}: {self.get_status_display()}"


class ChaseLadder(models.Model):
    """How an area chases a late response: who hears, how many days after the deadline."""

    locality = models.OneToOneField(Locality, on_delete=models.CASCADE, related_name="chase_ladder")
    remind_days_before = models.PositiveSmallIntegerField(default=5)
    officer_after_days = models.PositiveSmallIntegerField(default=1)
    chair_after_days = models.PositiveSmallIntegerField(default=10)
    hwb_agenda_after_days = models.PositiveSmallIntegerField(default=20)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Chase ladder for {self.locality}"

    @classmethod
    def for_area(cls, locality: Locality) -> ChaseLadder:
        return cls.objects.filter(locality=locality).first() or cls(locality=locality)


class EvidenceRequest(models.Model):
    """A review's request to Healthwatch or a community group to help gather views, with a due date."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        ANSWERED = "answered", "Answered"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evidence_requests")
    to_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="evidence_requests")
    request = models.TextField(max_length=5000)
    duty = models.ForeignKey(ResponseDuty, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    due_on = models.DateField()
    due_explanation = models.CharField(max_length=400)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    answer = models.TextField(max_length=10_000, blank=True)
    answered_by_name = models.CharField(max_length=150, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    receipt_email = models.EmailField("the answerer's address for a receipt", blank=True)
    history = HistoricalRecords()
    receipt: Receipt  # the copy sent when it was answered (not stored)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"Evidence request to {self.to_body} for {self.review}"

    def is_overdue(self, on: datetime.date) -> bool:
        return self.state == self.State.SENT and on > self.due_on


class Referral(models.Model):
    """The board suggests that Healthwatch or the scrutiny committee look at a priority more
    fully. Their work programme is theirs: they accept (a review in their own programme) or
    decline with reasons, once; the board sees the answer."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    priority = models.ForeignKey("reports.Priority", on_delete=models.CASCADE, related_name="referrals")
    to_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="referrals_received")
    question = models.TextField("what the board wants to know", max_length=3000)
    review = models.OneToOneField(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="referral")
    report_by = models.DateField("report back by", null=True, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField("reasons for declining", max_length=3000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [  # declined with reasons; accepted with the review it started
            models.CheckConstraint(
                condition=(~models.Q(state="declined") | ~models.Q(reasons=""))
                & (~models.Q(state="accepted") | models.Q(review__isnull=False)),
                name="referral_answer_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.priority} referred to {self.to_body}"


class SurveillanceView(models.Model):
    """The QSG's view of a provider on a date: routine monitoring, enhanced surveillance or a risk summit."""

    class Level(models.TextChoices):
        ROUTINE = "routine", "Routine monitoring"
        ENHANCED = "enhanced", "Enhanced surveillance"
        RISK_SUMMIT = "risk_summit", "Risk summit"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="surveillance_views")
    provider = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="surveillance_views")
    level = models.CharField(max_length=12, choices=Level.choices)
    decided_on = models.DateField("date of the group's meeting")
    summary = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["locality", "provider", "-decided_on"], name="qsg_latest_view")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.get_level_display()} ({self.decided_on})"


class BoardPack(models.Model):
    """A board paper, built in the background and kept as printed; Part B holds the exempt QSG views."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be built"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="board_packs")
    meeting_on = models.DateField("meeting date")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=100, blank=True)
    html = models.TextField(blank=True)
    pdf = models.FileField(upload_to="board-packs/%Y/", blank=True)
    part_b_html = models.TextField(blank=True)
    part_b_pdf = models.FileField(upload_to="board-packs/%Y/", blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Board pack for {self.meeting_on}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)


from .closing_models import ClosingReport  # noqa: E402,F401 - the outgoing body's last report
from .priority_models import (  # noqa: E402,F401 - the board's priorities and their figures
    Priority,
    PriorityAction,
    PriorityFigure,
    PriorityUpdate,
)
