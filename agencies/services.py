"""Writes for localities, bodies, functions, people and self-assessments.

Each service validates, writes inside one transaction and returns the object. Views, admin,
management commands and tasks call these; none repeats their rules.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone

from .access import areas_served
from .models import (
    Body,
    BodyArea,
    Duty,
    DutyAssessment,
    Function,
    FunctionHolding,
    Locality,
    Membership,
    Role,
    User,
)
from .notifications import SetPasswordLink, notify
from .part_models import FunctionPart
from .part_services import part_assign
from .selectors import area_people, duty_holders

BODY_FIELDS = ("name", "kind", "contact_email", "service_type", "cqc_id", "ods_code", "is_active")


def _duplicate_name(body: Body) -> bool:
    """Whether another body in any area this one serves (or was entered in) has its name."""
    areas = Locality.objects.filter(pk=body.locality_id)
    if body.pk:
        areas = areas | Locality.objects.filter(
            footprint__in=BodyArea.objects.current(timezone.localdate()).filter(body=body)
        )
    name, exclude_pk = body.name, body.pk
    return (
        (Body.objects.serving(areas) | Body.objects.filter(locality__in=areas))
        .annotate(lower_name=Lower("name"))
        .filter(lower_name=name.strip().lower())
        .exclude(pk=exclude_pk)
        .exists()
    )


def body_with_code(*, ods_code: str = "", cqc_id: str = "", exclude_pk: int | None = None) -> Body | None:
    """The body anywhere that already has this ODS code, or else this CQC ID, if there is one:
    each organisation is entered once, whatever the number of areas it serves."""
    for field, value in (("ods_code", ods_code), ("cqc_id", cqc_id)):
        if value:
            found = Body.objects.filter(**{field: value}).exclude(pk=exclude_pk).order_by("pk").first()
            if found is not None:
                return found
    return None


def _duplicate_errors(body: Body) -> dict[str, str]:
    errors = {}
    if _duplicate_name(body):
        errors["name"] = f"There is already a body called ‘{body.name}’ in this area. Use a different name."
    for field, label in (("ods_code", "ODS code"), ("cqc_id", "CQC ID")):
        value = getattr(body, field)
        other = body_with_code(**{field: value}, exclude_pk=body.pk) if value else None
        if other is not None:
            fix = (
                f"Check the {label}, or ask to add {other.name} to this area instead of entering it again."
                if body.pk is None
                else f"Check the {label}: each organisation is entered once."
            )
            errors[field] = f"{other.name} already has the {label} {value}. {fix}"
    return errors


def _save_body(body: Body) -> Body:
    errors = _duplicate_errors(body)
    if errors:
        raise ValidationError(errors)
    body.full_clean(validate_constraints=False)  # checked above, with messages naming the body
    try:
        with transaction.atomic():
            body.save()
    except IntegrityError:  # a concurrent save won the race for the same name or code
        raise ValidationError(
            _duplicate_errors(body)
            or "Someone else saved a body with these details at the same time. Check and try again."
        ) from None
    return body


def body_create(*, locality: Locality, starts_on: datetime.date | None = None, **fields: Any) -> Body:
    """A new body, serving the area it is entered in from today (or `starts_on`)."""
    with transaction.atomic():
        body = _save_body(Body(locality=locality, **{k: v for k, v in fields.items() if k in BODY_FIELDS}))
        BodyArea.objects.create(body=body, locality=locality, starts_on=starts_on or timezone.localdate())
    return body


def body_update(*, body: Body, **fields: Any) -> Body:
    was_active = Body.objects.filter(pk=body.pk, is_active=True).exists()
    for key, value in fields.items():
        if key in BODY_FIELDS:
            setattr(body, key, value)
    if was_active and not body.is_active:
        stranded = [area for area in areas_served(body) if _administrator_count(area, excluding_body=body) == 0]
        if stranded:
            names = ", ".join(area.name for area in stranded)
            raise ValidationError(
                {
                    "is_active": (
                        f"{body.name} has the only administrators for {names}. Make someone at another "
                        "body there an administrator before switching this body off."
                    )
                }
            )
    return _save_body(body)


def _move_whole(existing: list[FunctionHolding], function: Function, body: Body, starts_on: datetime.date) -> None:
    """Refuse a body already holding the function that day; for a single-holder function,
    refuse a holding starting on or after the date, and end the current ones the day before."""
    for holding in existing:
        if holding.body_id == body.pk and holding.is_current(starts_on):
            raise ValidationError({"body": f"{body.name} already holds this function on that date."})
    if not function.single_holder:
        return
    for holding in existing:
        if holding.starts_on >= starts_on:
            raise ValidationError(
                {
                    "starts_on": (
                        f"{holding.body.name} holds this function from "
                        f"{holding.starts_on:%-d %B %Y}. Enter a start date after that."
                    )
                }
            )
    for holding in existing:
        if holding.is_current(starts_on) or (holding.ends_on is None and holding.starts_on < starts_on):
            holding.ends_on = starts_on - datetime.timedelta(days=1)
            holding.save(update_fields=["ends_on"])


def function_assign(
    *,
    function: Function,
    body: Body,
    starts_on: datetime.date,
    notes: str = "",
    locality: Locality | None = None,
    part: FunctionPart | None = None,
    legal_basis: str = "",
) -> FunctionHolding:
    """Give a function (or one part of it: `part_services.part_assign`) to a body in an area
    (the area it was entered in unless named) from a date, with its legal basis.

    For a function only one body may hold at a time, the current holder's holding ends the
    day before, so the function moves without a gap or an overlap.
    """
    locality = locality or body.locality
    if part is not None:
        return part_assign(
            function=function,
            part=part,
            body=body,
            locality=locality,
            starts_on=starts_on,
            notes=notes,
            legal_basis=legal_basis,
        )
    if not BodyArea.objects.filter(body=body, locality=locality).exists():
        raise ValidationError({"body": f"{body.name} does not serve {locality.name}. Choose a body that serves it."})
    with transaction.atomic():
        # Lock the area's holdings of this function so two moves cannot interleave.
        existing = list(
            FunctionHolding.objects.select_for_update()
            .filter(function=function, locality=locality)
            .select_related("body")
            .order_by("starts_on")
        )
        _move_whole(existing, function, body, starts_on)
        holding = FunctionHolding(
            function=function,
            body=body,
            locality=locality,
            starts_on=starts_on,
            notes=notes,
            legal_basis=legal_basis.strip(),
        )
        holding.full_clean()
        holding.save()
    return holding


def holding_end(*, holding: FunctionHolding, ends_on: datetime.date) -> FunctionHolding:
    if ends_on < holding.starts_on:
        raise ValidationError(
            {"ends_on": (f"The end date must be on or after the start date, {holding.starts_on:%-d %B %Y}.")}
        )
    with transaction.atomic():
        if holding.function.single_holder:
            later = (
                FunctionHolding.objects.select_for_update()
                .filter(function=holding.function, locality_id=holding.locality_id)
                .exclude(pk=holding.pk)
                .filter(starts_on__gt=holding.starts_on, starts_on__lte=ends_on)
                .select_related("body")
                .order_by("starts_on")
                .first()
            )
            if later is not None:
                raise ValidationError(
                    {
                        "ends_on": (
                            f"{later.body.name} holds this function from {later.starts_on:%-d %B %Y}. "
                            "Enter an end date before that."
                        )
                    }
                )
        holding.ends_on = ends_on
        holding.save(update_fields=["ends_on"])
    return holding


def _administrator_count(
    locality: Locality, excluding: Membership | None = None, excluding_body: Body | None = None
) -> int:
    """The area's administrators: administrator seats at active bodies serving it today."""
    qs = Membership.objects.filter(
        body__in=Body.objects.serving(locality), body__is_active=True, role=Role.ADMINISTRATOR
    )
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    if excluding_body is not None:
        qs = qs.exclude(body=excluding_body)
    return qs.count()


def _last_administrator_of(membership: Membership) -> list[Locality]:
    """The areas that would have no administrator without this seat."""
    if membership.role != Role.ADMINISTRATOR:
        return []
    return [area for area in areas_served(membership.body) if _administrator_count(area, excluding=membership) == 0]


def _last_own_administrator(membership: Membership) -> bool:
    """This seat is the last administrator of a body serving several areas: without it, nobody
    but the support team could change the body or its seats (access.body_change_refusal)."""
    return (
        membership.role == Role.ADMINISTRATOR
        and len(areas_served(membership.body)) > 1
        and not Membership.objects.filter(body=membership.body, role=Role.ADMINISTRATOR, user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


def _own_administrator_message(membership: Membership) -> str:
    name = membership.body.name
    return (
        f"This is the last administrator of {name}, which serves several areas. "
        f"Make someone else at {name} an administrator first."
    )


def person_add(*, locality: Locality, email: str, full_name: str, body: Body, role: str) -> Membership:
    """Add a person to a body. A new person gets an email (through the outbox) with a link to
    set their password."""
    if not Body.objects.serving(locality).filter(pk=body.pk).exists():
        raise ValidationError({"body": "Choose a body that serves this area."})
    email = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        created = existing is None
        user = existing or User.objects.create_user(email=email, full_name=full_name.strip())
        if Membership.objects.filter(user=user, body=body).exists():
            raise ValidationError({"email": f"{email} is already a member of {body.name}. Change their role instead."})
        membership = Membership.objects.create(user=user, body=body, role=role)
        membership.existing_account = not created  # type: ignore[attr-defined]  # a note for the page, not a field
        if created:
            _invite(membership)
    return membership


def _invite(membership: Membership) -> None:
    """The invitation: an outbox message whose set-password link is made when it is sent."""
    link = SetPasswordLink(user_id=membership.user_id)
    context = {"user": membership.user, "body": membership.body, "link": link.slot}
    notify(
        kind="invitation",
        key=f"membership-{membership.pk}",
        subject=f"You have been added to {membership.body.name}: set your password",
        body=render_to_string("accounts/email/invitation.txt", context),
        user=membership.user,
        urgent=True,
        locality=membership.body.locality,
        related=("membership", membership.pk),
        fresh_link=link,
    )


# One reset email per person in each window, however often the form is sent.
RESET_WINDOW_SECONDS = 15 * 60


def password_reset_send(*, email: str) -> int:
    """Email a set-password link (through the outbox) to each active account with this address
    that has a password, or was invited and has not set one yet (its invitation may never have
    arrived). Says nothing about whether there was one: returns how many were new."""
    window = int(timezone.now().timestamp()) // RESET_WINDOW_SECONDS
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    sent = 0
    for user in (u for u in users if u.has_usable_password() or u.last_login is None):
        link = SetPasswordLink(user_id=user.pk)
        row = notify(
            kind="password-reset",
            key=f"user-{user.pk}:{window}",
            subject=render_to_string("accounts/email/password_reset_subject.txt").strip(),
            body=render_to_string("accounts/email/password_reset.txt", {"user": user, "link": link.slot}),
            user=user,
            urgent=True,
            fresh_link=link,
        )
        sent += row is not None
    return sent


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    with transaction.atomic():
        if role != Role.ADMINISTRATOR and _last_administrator_of(membership):
            raise ValidationError(
                {"role": ("This is the last administrator for the area. Make someone else an administrator first.")}
            )
        if role != Role.ADMINISTRATOR and _last_own_administrator(membership):
            raise ValidationError({"role": _own_administrator_message(membership)})
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        if _last_administrator_of(membership):
            raise ValidationError(
                "This is the last administrator for the area. Make someone else an administrator before removing them."
            )
        if _last_own_administrator(membership):
            raise ValidationError(_own_administrator_message(membership))
        membership.delete()


def assessment_update(
    *,
    locality: Locality,
    duty: Duty,
    status: str,
    evidence: str,
    owner: User | None,
    last_reviewed_on: datetime.date | None,
    body: Body | None = None,
) -> DutyAssessment:
    """Record a holder's self-assessment of a duty in the area (its history keeps every version):
    `body`, which must hold the duty's function there today, or else the first body holding it
    (none: the area's own assessment, while nobody holds the function)."""
    if owner is not None and not area_people(locality).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "Choose an owner who belongs to a body in this area."})
    holders = duty_holders(locality, duty)
    if body is not None and body not in holders:
        raise ValidationError(f"{body.name} does not hold this duty's function in {locality.name} today.")
    body = body or (holders[0] if holders else None)
    try:
        with transaction.atomic():
            mine = DutyAssessment.objects.select_for_update().filter(locality=locality, duty=duty)
            # A holder's first assessment takes over the area's own (made while nobody held it).
            assessment = (
                mine.filter(body=body).first()
                or (mine.filter(body__isnull=True).first() if body is not None else None)
                or DutyAssessment(locality=locality, duty=duty, body=body)
            )
            assessment.body = body
            assessment.status = status
            assessment.evidence = evidence
            assessment.owner = owner
            assessment.last_reviewed_on = last_reviewed_on
            assessment.full_clean(validate_unique=False)
            assessment.save()
    except IntegrityError:  # someone else saved the first assessment of this duty at the same moment
        raise ValidationError("Someone else saved this assessment at the same time. Check it and save again.") from None
    return assessment


def first_administrator_announce(*, membership: Membership, appointed_by: User) -> int:
    """Tell a body's people that an area administrator appointed its first administrator, who
    will grant the seats that reach the personal details the body holds."""
    from .notifications import notify_people

    body = membership.body
    return notify_people(
        [person for person in Membership.people(body, list(Role)) if person.pk != membership.user_id],
        kind="first-administrator",
        key=f"membership-{membership.pk}",
        subject=f"{membership.user.full_name} is now an administrator of {body.name}",
        body=(
            f"{appointed_by.full_name} made {membership.user.full_name} an administrator of {body.name}. "
            f"From now on only {body.name}’s administrators can give people roles that reach the personal "
            "details people have shared with you. Tell your area's administrators if this is wrong."
        ),
        locality=body.locality,
        related=("membership", membership.pk),
    )


def area_settings_save(*, locality: Locality, public_form_hourly_limit: int | None) -> Locality:
    """Change an area's settings (the history records who, through the request's user)."""
    locality.public_form_hourly_limit = public_form_hourly_limit
    locality.full_clean(validate_unique=False, validate_constraints=False)
    locality.save(update_fields=["public_form_hourly_limit"])
    return locality
