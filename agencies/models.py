"""Localities, the bodies in them, the statutory functions they hold, people and roles,
and the guide's duty checklist with each locality's self-assessment.

Functions and duties are data: when a function moves to another body (local Healthwatch is
due to be abolished and its functions moved to ICBs and councils), an administrator ends one
holding and starts another; no code changes.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .managers import (
    BodyQuerySet,
    DutyAssessmentQuerySet,
    FunctionHoldingQuerySet,
    LocalityQuerySet,
    MembershipQuerySet,
)


class UserManager(BaseUserManager):
    """People sign in with their email address, stored in lower case."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


HONORIFICS = {"councillor", "cllr", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "rev"}


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships of bodies."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=150)
    notification_mode = models.CharField(
        "send me non-urgent messages",
        max_length=10,
        choices=[("immediate", "Straight away"), ("daily", "In one email each morning")],
        default="immediate",
    )
    weekly_digest = models.BooleanField(
        "send me a weekly email of what changed on the board's dashboard", default=False
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The first name, skipping a title such as Councillor or Dr."""
        words = [w for w in self.full_name.split() if w.lower().rstrip(".") not in HONORIFICS]
        return words[0] if words else (self.full_name or self.email)


class Locality(models.Model):
    """An upper-tier council area: the unit every record belongs to."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    ons_code = models.CharField(
        "ONS area code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^E\d{8}$", "Enter an ONS code like E10000015")],
    )

    objects = LocalityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    HWB = "hwb", "Health and wellbeing board"
    HEALTHWATCH = "healthwatch", "Local Healthwatch"
    SCRUTINY = "scrutiny", "Health overview and scrutiny committee"
    QSG = "qsg", "Quality Surveillance Group"
    ICB = "icb", "Integrated care board or commissioner"
    NHS_TRUST = "nhs_trust", "NHS trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    CARE_HOME = "care_home", "Care home"
    PROVIDER = "provider", "Other health or care provider"
    COUNCIL_EXECUTIVE = "council_executive", "Council executive"
    COUNCIL = "council", "Council"
    CQC = "cqc", "Care Quality Commission"
    VCS = "vcs", "Voluntary or community group"


# Kinds whose bodies provide services people can give feedback about.
SERVICE_KINDS = {BodyKind.NHS_TRUST, BodyKind.GP_PRACTICE, BodyKind.CARE_HOME, BodyKind.PROVIDER}


class ServiceType(models.TextChoices):
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital"
    MENTAL_HEALTH = "mental_health", "Mental health"
    DENTISTRY = "dentistry", "Dentistry"
    PHARMACY = "pharmacy", "Pharmacy"
    CARE_HOME = "care_home", "Care home"
    HOME_CARE = "home_care", "Home care"
    COMMUNITY = "community", "Community health"
    AMBULANCE = "ambulance", "Ambulance"
    SOCIAL_CARE = "social_care", "Social care"
    OTHER = "other", "Other"


cqc_id_validator = RegexValidator(r"^1-\d{6,11}$", "Enter a CQC location or provider ID like 1-123456789")
ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,6}$", "Enter an ODS code of 3 to 6 capital letters and numbers, like RXX or A81001"
)


class Body(models.Model):
    """An organisation in a locality: board, Healthwatch, committee, commissioner, provider…"""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="bodies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=BodyKind.choices)
    contact_email = models.EmailField("contact email address")
    service_type = models.CharField(max_length=32, choices=ServiceType.choices, blank=True)
    cqc_id = models.CharField("CQC ID", max_length=20, blank=True, validators=[cqc_id_validator])
    ods_code = models.CharField("ODS code", max_length=6, blank=True, validators=[ods_code_validator])
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BodyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("name")]
        verbose_name_plural = "bodies"
        constraints = [models.UniqueConstraint("locality", Lower("name"), name="body_name_unique_in_locality")]
        indexes = [models.Index(fields=["locality", "kind"], name="body_locality_kind")]

    def __str__(self) -> str:
        return self.name

    def is_service(self) -> bool:
        """A body is a service (feedback can be about it) when it provides care."""
        return self.kind in SERVICE_KINDS


class Function(models.Model):
    """A statutory function (HWB, local Healthwatch, health scrutiny, local leadership).

    Access and landing rules name functions by these codes, never a body's kind: a body that
    takes on a function gets what goes with it.
    """

    HWB = "hwb"
    LOCAL_HEALTHWATCH = "local_healthwatch"
    HEALTH_SCRUTINY = "health_scrutiny"
    LOCAL_LEADERSHIP = "local_leadership"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    summary = models.CharField(max_length=400, blank=True)
    legal_basis = models.CharField(max_length=300, blank=True)
    single_holder = models.BooleanField(
        default=True,
        help_text="Only one body may hold this function in a locality at a time.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FunctionHolding(models.Model):
    """A body holds a function in its locality from a start date to an optional end date."""

    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="holdings")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="holdings")
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date", null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)

    objects = FunctionHoldingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["function__order", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="holding_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} holds {self.function}"

    def is_current(self, on: datetime.date) -> bool:
        """A holding is current on a day from its start date up to and including its end date."""
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class Role(models.TextChoices):
    READ_ONLY = "read_only", "Read-only"
    MEMBER = "member", "Member"
    OFFICER = "officer", "Officer"
    CHAIR = "chair", "Chair"
    ADMINISTRATOR = "administrator", "Administrator"


ROLE_RANK = {
    Role.READ_ONLY: 0,
    Role.MEMBER: 1,
    Role.OFFICER: 2,
    Role.CHAIR: 3,
    Role.ADMINISTRATOR: 4,
}


class Membership(models.Model):
    """A person belongs to a body with a role; a person may belong to several bodies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["body__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "body"], name="one_membership_per_body")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.body}"

    def rank(self) -> int:
        """Roles are ordered: read-only < member < officer < chair < administrator."""
        return ROLE_RANK[self.role]

    @classmethod
    def people(cls, body: Body, roles) -> list[User]:
        """The active people who hold one of these roles at the body."""
        return [
            m.user for m in cls.objects.filter(body=body, role__in=roles, user__is_active=True).select_related("user")
        ]


class Duty(models.Model):
    """One line of the guide's checklist, attached to the function it belongs to."""

    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="duties")
    number = models.PositiveSmallIntegerField(unique=True)
    code = models.SlugField(max_length=60, unique=True)
    text = models.TextField()
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "duties"

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DEVELOPING = "developing", "Developing"
    ESTABLISHED = "established", "Established"
    EMBEDDED = "embedded", "Embedded"


class DutyAssessment(models.Model):
    """A locality's self-assessment of how well it carries out one duty."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="assessments")
    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED)
    evidence = models.TextField("evidence notes", max_length=5000, blank=True)
    owner = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_assessments")
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DutyAssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["duty__number"]
        constraints = [models.UniqueConstraint(fields=["locality", "duty"], name="one_assessment_per_duty")]

    def __str__(self) -> str:
        return f"{self.locality}: duty {self.duty.number}"


class ResponseDuty(models.Model):
    """A rule that fixes a response deadline: period, unit, where counting starts, the law.

    Counting starts the day after the request is sent (agencies.deadlines). Locality empty means
    the rule applies in every area; an area can add its own locally agreed rules.
    """

    code = models.SlugField(max_length=60)
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    period = models.PositiveSmallIntegerField()
    unit = models.CharField(
        max_length=20,
        choices=[("calendar_days", "calendar days"), ("working_days", "working days"), ("months", "months")],
    )
    roll_forward = models.BooleanField(
        "move to the next working day",
        default=False,
        help_text="When a deadline falls on a weekend or bank holiday.",
    )
    citation = models.CharField(max_length=300, help_text="The law or local agreement that sets this rule.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "response duties"
        constraints = [
            models.UniqueConstraint(fields=["code", "locality"], name="response_duty_code_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(locality__isnull=True),
                name="response_duty_national_code_unique",
            ),
        ]

    def __str__(self) -> str:
        unit = self.get_unit_display()
        return f"{self.name} ({self.period} {unit[:-1] if self.period == 1 else unit})"

    def due(self, sent_on: datetime.date, closures=()):
        """The deadline for a request sent on `sent_on`, with how it was worked out."""
        from .deadlines import deadline

        return deadline(sent_on, self.period, self.unit, closures, roll_forward=self.roll_forward)

    @classmethod
    def for_area(cls, code: str, locality: Locality) -> ResponseDuty:
        """The area's own rule with this code if it has one, else the national rule."""
        rules = {
            d.locality_id: d
            for d in cls.objects.filter(code=code).filter(models.Q(locality=locality) | models.Q(locality__isnull=True))
        }
        return rules.get(locality.pk) or rules[None]


class ClosureDay(models.Model):
    """An extra non-working day (for example a council closure), skipped in working-day counts."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["locality", "date"], name="one_closure_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y}: {self.reason}"

    @classmethod
    def dates_for(cls, locality: Locality) -> list[datetime.date]:
        """The area's closure days, for deadline arithmetic."""
        return list(cls.objects.filter(locality=locality).values_list("date", flat=True))


class Notification(models.Model):
    """One outbox message, written in the same transaction as the change that causes it.

    A unique dedupe key (kind, target, stage) stops a second sweep adding a duplicate. A worker
    claims a row (pending → sending) to send it; a sweep resends expired claims. A link that lets
    someone in is made at send time from `link_recipe`, never stored (agencies.outbox_links).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        HELD = "held", "Held for the daily email"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        INBOX = "inbox", "Inbox"

    dedupe_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    urgent = models.BooleanField(default=False)
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    to_email = models.EmailField(blank=True)
    to_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    link_recipe = models.JSONField(default=dict, blank=True)
    related_type = models.CharField(max_length=40, blank=True)
    related_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    possible_duplicate = models.BooleanField(
        default=False, help_text="A worker stopped mid-send; this may have been sent once already."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: what is due to send, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            # An alert's page lists the messages sent about it.
            models.Index(fields=["related_type", "related_id"], name="outbox_related"),
            # A person's inbox, newest first.
            models.Index(fields=["user", "channel", "-created_at"], name="outbox_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to_email or self.user}: {self.subject}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a resent email is recognised as the same message."""
        return f"<notification-{self.pk}@quality-system>"


class SignedLink(models.Model):
    """A single-use, expiring link bound to one purpose and one record (for example one alert
    recipient). Only a hash of the token is stored."""

    purpose = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["purpose", "object_id"], name="signed_link_target")]

    def __str__(self) -> str:
        return f"Link for {self.purpose} {self.object_id}"
