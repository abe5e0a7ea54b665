"""People's experiences and concerns, their themes, personal details held apart, and trends.

Concerns carry health information about identifiable people (UK GDPR special category), so:
- identity and contact details live in ConcernContact, apart from the narrative, readable only
  by members of the collecting body, and every read is logged in PersonalDataAccess;
- no model here has an unscoped `objects` manager: code either asks `for_user` or names
  `all_objects` on purpose (services, jobs, admin).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from agencies.models import Body, Locality, ServiceType
from quality_system.approx_dates import Precision

from .managers import AlertQuerySet, ConcernQuerySet, ThemeQuerySet, TrendSignalQuerySet


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WEB_FORM = "web_form", "Web form"
    OUTREACH = "outreach", "Outreach event"
    ENTER_AND_VIEW = "enter_and_view", "Enter and View visit"
    SURVEY = "survey", "Survey"
    COMMUNITY_GROUP = "community_group", "Community group"
    SOCIAL_MEDIA = "social_media", "Social media"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    MIXED = "mixed", "Mixed"
    NEUTRAL = "neutral", "Neutral"


class Status(models.TextChoices):
    NEW = "new", "New"
    REVIEWED = "reviewed", "Reviewed"
    ESCALATED = "escalated", "Escalated"
    CLOSED = "closed", "Closed"
    # Outcomes of the review of an experience shared online (concerns/triage.py): none counts
    # in any figure of concerns; signposting is counted as advice and information given.
    SIGNPOSTED = "signposted", "Signposted"
    DUPLICATE = "duplicate", "Duplicate"
    REJECTED = "rejected", "Rejected as spam"


SUMMARY_MAX = 2_000  # characters in a shareable summary

# Statuses whose concerns count in figures and trends (new ones from the public wait for review).
COUNTED_STATUSES = (Status.REVIEWED, Status.ESCALATED, Status.CLOSED)

SEVERITY_LABELS = {
    0: "0 – no concern",
    1: "1 – minor",
    2: "2 – some concern",
    3: "3 – moderate",
    4: "4 – serious",
    5: "5 – very serious",
}


class Theme(models.Model):
    """A theme in an area's taxonomy. Retired themes keep their history and their tags."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="themes")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField("in use", default=True)

    all_objects = ThemeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("locality", Lower("name"), name="theme_name_unique_in_locality")]

    def __str__(self) -> str:
        return self.name


class Concern(models.Model):
    """One person's experience or concern about a service, de-identified."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="concerns")
    collecting_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="collected_concerns")
    received_on = models.DateField("date received")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sourced_concerns",
        verbose_name="came through",
    )
    service = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_about",
        verbose_name="service",
    )
    service_described = models.CharField(
        "service as described", max_length=200, blank=True, help_text="What the person called the service."
    )
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    happened_on = models.DateField("date it happened", null=True, blank=True)  # a month: its first day
    happened_on_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    themes = models.ManyToManyField(Theme, through="ConcernTheme", related_name="concerns")
    # The theme names as text, kept by the services beside the tags, so the history shows
    # theme changes (the history does not follow many-to-many links).
    theme_names = models.CharField("themes", max_length=1000, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    severity = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(5)], default=0)
    safeguarding = models.BooleanField("safeguarding concern", default=False)
    narrative = models.TextField(max_length=10_000)
    # What may leave the collecting body instead of the narrative (which never does): written or
    # approved by the collecting body's staff. Until approved, others see "No shareable summary yet".
    shareable_summary = models.TextField("shareable summary", max_length=SUMMARY_MAX, blank=True)
    summary_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary_approved_at = models.DateTimeField("summary approved", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    closed_reason = models.CharField("reason for closing", max_length=500, blank=True)
    from_public = models.BooleanField("shared by the public online", default=False)
    event_code = models.ForeignKey(
        "EventCode", on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    external_ref = models.CharField("reference in the source system", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept current by a PostgreSQL trigger (migration 0002); empty on SQLite.
    search = SearchVectorField(null=True, editable=False)

    all_objects = ConcernQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search", "updated_at"])

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            # The list: an area's concerns newest first, paged by (received_on, id).
            models.Index(fields=["locality", "-received_on", "-id"], name="concern_list"),
            # Trends: counts by service and month.
            models.Index(fields=["locality", "service", "received_on"], name="concern_service_month"),
            models.Index(fields=["locality", "status"], name="concern_status"),
            # A search by someone outside the collecting body matches approved summaries: these,
            # by area. (The narrative's full-text index, GIN on (area, search), is migration 0021's
            # SQL: PostgreSQL only.)
            models.Index(
                models.F("locality"),
                models.F("received_on").desc(),
                condition=models.Q(summary_approved_at__isnull=False),
                name="concern_shared_summaries",
            ),
            # Safeguarding experiences still to be referred (the Healthwatch landing page): a few
            # in a hundred, found by area without reading the area's other rows.
            models.Index(
                fields=["locality", "received_on"], condition=models.Q(safeguarding=True), name="concern_safeguarding"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="concern_external_ref_unique_in_locality",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=0, severity__lte=5), name="concern_severity_0_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.reference}"

    @property
    def reference(self) -> str:
        """A short reference people can quote, like C-000123."""
        return f"C-{self.pk:06d}" if self.pk else "C-new"

    @property
    def has_shareable_summary(self) -> bool:
        return bool(self.summary_approved_at and self.shareable_summary)

    def counts_in_figures(self) -> bool:
        """New concerns (from the public or not yet reviewed) do not count until reviewed."""
        return self.status in COUNTED_STATUSES


class ConcernTheme(models.Model):
    """A theme tag on a concern, with the concern's date and area copied for fast counts."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="theme_tags")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="tags")
    # Copied from the concern so theme counts by month need no join (kept equal by services).
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["concern", "theme"], name="one_tag_per_theme")]
        indexes = [
            models.Index(fields=["locality", "theme", "received_on"], name="tag_theme_month"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} on {self.concern}"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    A18_24 = "18_24", "18 to 24"
    A25_49 = "25_49", "25 to 49"
    A50_64 = "50_64", "50 to 64"
    A65_79 = "65_79", "65 to 79"
    A80_PLUS = "80_plus", "80 or over"
    NOT_SAID = "not_said", "Prefer not to say"


class ConcernContact(models.Model):
    """Identity, contact details, consent and equality answers, held apart from the narrative.

    Readable only by members of the collecting body; every read is logged.
    """

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    consent_to_contact = models.BooleanField("agreed to be contacted", default=False)
    consent_to_share = models.BooleanField("agreed to share identifiable details", default=False)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    disability = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=80, blank=True)
    sex = models.CharField(max_length=30, blank=True)
    postcode_district = models.CharField("postcode district", max_length=4, blank=True)

    all_objects = models.Manager()

    def __str__(self) -> str:
        return f"Personal details for {self.concern.reference}"


class PersonalDataAccess(models.Model):
    """Who read or exported personal details, when, and of which concern."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EDIT = "edit", "Changed"
        EXPORT = "export", "Exported"
        REFUSED = "refused", "Refused (sealed)"
        TRANSFER = "transfer", "Transfer recorded"
        DESTROY = "destroy", "Destroyed (retention ended)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, null=True, related_name="+")
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["locality", "-at"], name="pd_access_recent")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} personal details at {self.at:%Y-%m-%d %H:%M}"


class TrendSignal(models.Model):
    """A statistically unusual rise for a theme or a service in a month (from the trend job)."""

    class Kind(models.TextChoices):
        THEME = "theme", "Theme"
        SERVICE = "service", "Service"

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="trend_signals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Body, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    month = models.DateField(help_text="The first day of the month the rise was seen in.")
    count = models.PositiveIntegerField()
    mean = models.FloatField()
    upper = models.FloatField()
    rules = models.CharField(max_length=200)
    detected_at = models.DateTimeField(auto_now_add=True)

    all_objects = TrendSignalQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "kind"]
        # One signal per subject and month, so a second run of the job adds nothing.
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "theme", "month"],
                condition=models.Q(kind="theme"),
                name="one_theme_signal_per_month",
            ),
            models.UniqueConstraint(
                fields=["locality", "service", "month"],
                condition=models.Q(kind="service"),
                name="one_service_signal_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"Rise in {self.subject} in {self.month:%B %Y}"

    @property
    def subject(self) -> str:
        return str(self.theme if self.kind == self.Kind.THEME else self.service)

    @property
    def month_end(self) -> datetime.date:
        next_month = (self.month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return next_month - datetime.timedelta(days=1)


class Alert(models.Model):
    """A significant concern sent to one or more bodies, each of which must acknowledge it."""

    class Severity(models.TextChoices):
        SIGNIFICANT = "significant", "Significant"
        SERIOUS = "serious", "Serious"
        URGENT = "urgent", "Urgent"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="alerts")
    raised_by_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="alerts_raised")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=200)
    details = models.TextField(max_length=5000, blank=True)
    action_requested = models.TextField("action asked for", max_length=2000)
    severity = models.CharField(max_length=12, choices=Severity.choices, default=Severity.SIGNIFICANT)
    safeguarding = models.BooleanField(default=False)
    concerns = models.ManyToManyField(Concern, blank=True, related_name="alerts")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    trend_signal = models.ForeignKey(TrendSignal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    all_objects = AlertQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Alert A-{self.pk:05d}: {self.summary}"

    @property
    def reference(self) -> str:
        return f"A-{self.pk:05d}"


class AlertRecipient(models.Model):
    """One body an alert went to, its deadline to acknowledge, and what it said back."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESPONDED = "responded", "Responded"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="alerts_received")
    duty = models.ForeignKey("agencies.ResponseDuty", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("acknowledge by")
    due_explanation = models.CharField(max_length=300)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    answered_by_name = models.CharField(max_length=150, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response = models.TextField("what we will do", max_length=5000, blank=True)
    via_link = models.BooleanField("answered through the emailed link", default=False)
    receipt_email = models.EmailField("the answerer's address for a receipt", blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["body__name"]
        constraints = [models.UniqueConstraint(fields=["alert", "body"], name="one_recipient_per_body")]
        indexes = [models.Index(fields=["state", "due_on"], name="alert_recipient_chase")]

    def __str__(self) -> str:
        return f"{self.alert.reference} to {self.body}"

    def is_overdue(self, on: datetime.date) -> bool:
        """Overdue when not acknowledged by the end of the due day."""
        return self.state == self.State.SENT and on > self.due_on


from .import_models import ImportJob  # noqa: E402,F401 - uploads of experiences to import
from .outreach_models import EventCode  # noqa: E402,F401 - outreach event codes for the public form
from .people_models import PersonReference  # noqa: E402,F401 - the references people are given
from .safeguarding_models import SafeguardingReferral  # noqa: E402,F401 - the safeguarding referrals table
from .series_models import SeriesNote  # noqa: E402,F401 - recorded changes and notes on a chart series
from .summary_models import MonthlyCount, SummaryState  # noqa: E402,F401 - the dashboards' summary tables
from .transfer_models import DetailsTransfer, SealDestruction, SealRetention  # noqa: E402,F401 - details after a handover
from .triage_models import SubmissionDecision  # noqa: E402,F401 - decisions on what the public shared
