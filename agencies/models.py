"""Localities, the bodies in them, the statutory functions they hold, people and roles,
and the guide's duty checklist with each locality's self-assessment.

Functions and duties are data: when a function moves to another body (local Healthwatch is
due to be abolished and its functions moved to ICBs and councils), an administrator ends one
holding and starts another; no code changes.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .managers import (
    BodyAreaQuerySet,
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
    # Read by concerns.public: empty means settings.PUBLIC_FORM_RATE (30 an hour).
    public_form_hourly_limit = models.PositiveSmallIntegerField(
        "experiences the public form accepts from one network address in an hour",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(5, "The hourly limit must be 5 or more"),
            MaxValueValidator(500, "The hourly limit must be 500 or fewer. For an event, issue an event code instead"),
        ],
    )
    # How long an experience shared online and rejected as spam keeps the person's details and
    # words before the nightly job removes them (concerns.triage); it can be restored until then.
    rejected_retention_days = models.PositiveSmallIntegerField(
        "days to keep rejected submissions",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
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
    """An organisation: board, Healthwatch, committee, commissioner, provider…

    One record with one contact address, one set of people and one history, whatever the
    number of areas it serves. The areas it serves are its footprint (`BodyArea`, with dates);
    `locality` is only the area where it was first entered (its home in the setup history).
    """

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="bodies", verbose_name="area first entered in"
    )
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
        constraints = [
            models.UniqueConstraint("locality", Lower("name"), name="body_name_unique_in_locality"),
            # One record per NHS organisation across every area, so a trust is never entered twice
            # (agencies.services checks first, with a message naming the body already there).
            models.UniqueConstraint(fields=["ods_code"], condition=~models.Q(ods_code=""), name="body_ods_code_unique"),
        ]
        indexes = [models.Index(fields=["locality", "kind"], name="body_locality_kind")]

    def __str__(self) -> str:
        return self.name

    def is_service(self) -> bool:
        """A body is a service (feedback can be about it) when it provides care."""
        return self.kind in SERVICE_KINDS


class BodyArea(models.Model):
    """One area in a body's footprint, from a start date to an optional end date.

    An ICB, a trust, a joint committee or a Healthwatch holding several contracts serves several
    areas. Records stay in one area; a body's people reach each area it serves today.
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="footprint")
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="footprint", verbose_name="area")
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date", null=True, blank=True)
    added_by = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BodyAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["locality__name", "starts_on"]
        verbose_name = "area a body serves"
        verbose_name_plural = "areas bodies serve"
        constraints = [
            models.UniqueConstraint(
                fields=["body", "locality"], condition=models.Q(ends_on__isnull=True), name="one_open_footprint_row"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="footprint_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["locality", "body"], name="footprint_area_body")]

    def __str__(self) -> str:
        return f"{self.body} serves {self.locality}"

    def is_current(self, on: datetime.date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class Function(models.Model):
    """A statutory function (HWB, local Healthwatch, health scrutiny, local leadership).

    Access and landing rules name functions by these codes, never a body's kind: a body that
    takes on a function gets what goes with it.
    """

    HWB = "hwb"
    LOCAL_HEALTHWATCH = "local_healthwatch"
    HEALTH_SCRUTINY = "health_scrutiny"
    JOINT_HEALTH_SCRUTINY = "joint_health_scrutiny"
    LOCAL_LEADERSHIP = "local_leadership"
    ADULT_SAFEGUARDING = "adult_safeguarding"
    CHILDREN_SAFEGUARDING = "children_safeguarding"
    # The council teams a safeguarding concern is referred to.
    SAFEGUARDING = (ADULT_SAFEGUARDING, CHILDREN_SAFEGUARDING)
    QUALITY_SURVEILLANCE = "quality_surveillance"
    # Scrutiny by an area's own committee or by a joint committee the area appointed.
    SCRUTINY = (HEALTH_SCRUTINY, JOINT_HEALTH_SCRUTINY)

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
    """A body holds a function in one area from a start date to an optional end date (a body
    serving several areas holds a function in each separately)."""

    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="holdings")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="holdings")
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="holdings", verbose_name="area")
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date", null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    # A holding of one part of a divided function (agencies.part_models); none: the whole function.
    part = models.ForeignKey("FunctionPart", on_delete=models.PROTECT, null=True, blank=True, related_name="holdings")
    legal_basis = models.CharField(
        "legal basis",
        max_length=300,
        blank=True,
        help_text="The citation or transfer scheme reference under which the body holds it.",
    )

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
        return f"{self.body} holds {self.what} in {self.locality}"

    @property
    def what(self) -> str:
        """The function held, or "the health part of Local Healthwatch"."""
        if self.part_id is None:
            return str(self.function)
        return f"the {self.part.name.lower()} part of {self.function}"

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
    """A locality's self-assessment of how well it carries out one duty, kept per holder of the
    duty's function (when a function is split between parts, each holder assesses its own; a
    row with no body is an area's assessment made while nobody held the function)."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="assessments")
    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="assessments")
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="holder"
    )
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED)
    evidence = models.TextField("evidence notes", max_length=5000, blank=True)
    owner = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_assessments")
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DutyAssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["duty__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "duty", "body"],
                condition=models.Q(body__isnull=False),
                name="one_assessment_per_duty_and_holder",
            ),
            models.UniqueConstraint(
                fields=["locality", "duty"], condition=models.Q(body__isnull=True), name="one_assessment_per_duty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.locality}: duty {self.duty.number}"


from .deadline_models import ClosureDay, ResponseDuty  # noqa: E402,F401 - deadline rules' tables
from .footprint_models import AttachRequest  # noqa: E402,F401 - requests to serve another area
from .handover_models import CustodyChange, HandoverOverride, HandoverPart, HandoverPlan  # noqa: E402,F401 - handovers
from .outbox_models import Notification, SignedLink  # noqa: E402,F401 - the outbox's tables
from .part_models import FunctionPart, PartRule  # noqa: E402,F401 - parts of a divided function
