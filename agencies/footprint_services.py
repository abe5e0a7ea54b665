"""Writes that change which areas a body serves: an area asks for a body, the body's own
administrators answer, and an area leaves a body's footprint once the body owes nothing there.

Each service validates, writes inside one transaction (outbox rows included) and returns the
object; a refusal is a ValidationError that changes nothing.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import access
from .footprint_models import AttachRequest
from .models import Body, BodyArea, Locality, Membership, Role, User
from .notifications import notify_people, notify_user
from .open_work import open_work
from .services import _administrator_count


def _serves_or_will(body: Body, locality: Locality, on: datetime.date) -> BodyArea | None:
    """The body's footprint row in the area that is open or ends on or after the day."""
    return (
        BodyArea.objects.filter(body=body, locality=locality)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("starts_on")
        .first()
    )


def _answer_url(attach_request: AttachRequest) -> str:
    """The request's page, in an area the body's administrators reach (one it serves today)."""
    areas = access.areas_served(attach_request.body)
    area = areas[0] if areas else attach_request.body.locality
    return reverse("agencies:attach-request-answer", args=[area.slug, attach_request.pk])


def attach_request_send(*, body: Body, locality: Locality, asked_by: User, note: str = "") -> AttachRequest:
    """Ask a body to serve this area too. Its administrators are told and answer; nothing is
    attached until one of them accepts."""
    today = timezone.localdate()
    if _serves_or_will(body, locality, today) is not None:
        raise ValidationError(f"{body.name} already serves {locality.name}. There is nothing to ask.")
    if not body.is_active:
        raise ValidationError(f"{body.name} is switched off, so it cannot serve another area.")
    admins = Membership.people(body, [Role.ADMINISTRATOR])
    if not admins:
        raise ValidationError(
            f"{body.name} has no administrator of its own to answer. Ask the administrators of an area it "
            "serves to make someone there an administrator, then ask again."
        )
    try:
        with transaction.atomic():
            attach_request = AttachRequest.objects.create(body=body, locality=locality, asked_by=asked_by, note=note)
            notify_people(
                admins,
                kind="attach-request",
                key=f"attach-request-{attach_request.pk}",
                subject=f"{locality.name} asks {body.name} to serve it too",
                body=(
                    f"{asked_by.full_name}, an administrator in {locality.name}, asks {body.name} to serve "
                    f"{locality.name} as well as the areas it serves now.\n\n"
                    + (f"Their message: {note}\n\n" if note else "")
                    + f"As an administrator of {body.name}, you can accept or decline. Until you accept, "
                    f"{locality.name} cannot see or send work to {body.name}."
                ),
                link=_answer_url(attach_request),
                locality=locality,
                related=("attach-request", attach_request.pk),
            )
    except IntegrityError:  # a pending request for this body and area is already there
        raise ValidationError(_already_asked(body, locality)) from None
    return attach_request


def _already_asked(body: Body, locality: Locality) -> str:
    pending = AttachRequest.objects.filter(body=body, locality=locality, state=AttachRequest.State.PENDING).first()
    when = f" on {timezone.localtime(pending.asked_at):%-d %B %Y}" if pending else ""
    return (
        f"{locality.name} already asked {body.name} to serve it{when}. The request is waiting for an answer "
        f"from {body.name}’s administrators."
    )


def attach_request_answer(
    *,
    attach_request: AttachRequest,
    by: User,
    accept: bool,
    starts_on: datetime.date | None = None,
    reason: str = "",
) -> AttachRequest:
    """A body's administrator accepts (the body serves the area from `starts_on`, today by
    default) or declines (with a reason the asking area sees)."""
    body, locality = attach_request.body, attach_request.locality
    if not access.can_answer_for(by, body):
        raise ValidationError(f"Only {body.name}’s own administrators can answer this request.")
    if not accept and not reason:
        raise ValidationError({"reason": f"Enter why {body.name} will not serve {locality.name}"})
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        locked = AttachRequest.objects.select_for_update().get(pk=attach_request.pk)
        if not locked.is_pending():
            raise ValidationError(f"This request was already answered: {locked.get_state_display().lower()}.")
        if accept:
            _check_start(body, locality, starts_on)
            locked.footprint = BodyArea.objects.create(body=body, locality=locality, starts_on=starts_on, added_by=by)
        locked.state = AttachRequest.State.ACCEPTED if accept else AttachRequest.State.DECLINED
        locked.answered_by, locked.answered_at = by, timezone.now()
        locked.decline_reason = "" if accept else reason
        locked.save()
        _tell_asker(locked)
    return locked


def _check_start(body: Body, locality: Locality, starts_on: datetime.date) -> None:
    if _serves_or_will(body, locality, min(starts_on, timezone.localdate())) is not None:
        raise ValidationError(f"{body.name} already serves {locality.name}. Decline this request instead.")
    ended = BodyArea.objects.filter(body=body, locality=locality, ends_on__gte=starts_on).order_by("-ends_on").first()
    if ended is not None:
        raise ValidationError(
            {
                "starts_on": (
                    f"{body.name} served {locality.name} until {ended.ends_on:%-d %B %Y}. "
                    "Enter a start date after that."
                )
            }
        )


def _tell_asker(attach_request: AttachRequest) -> None:
    asker = attach_request.asked_by
    if asker is None or not asker.is_active:
        return
    body, locality = attach_request.body, attach_request.locality
    if attach_request.state == AttachRequest.State.ACCEPTED:
        subject = f"{body.name} now serves {locality.name}"
        starts_on = attach_request.footprint.starts_on if attach_request.footprint else timezone.localdate()
        text = f"{body.name} accepted your request. It serves {locality.name} from {starts_on:%-d %B %Y}."
    else:
        subject = f"{body.name} declined to serve {locality.name}"
        text = f"{body.name} declined your request. Their reason: {attach_request.decline_reason}"
    notify_user(
        user=asker,
        kind="attach-answer",
        key=f"attach-request-{attach_request.pk}",
        subject=subject,
        body=text,
        link=reverse("agencies:attach-request-answer", args=[locality.slug, attach_request.pk]),
        locality=locality,
        related=("attach-request", attach_request.pk),
    )


def footprint_end(*, body: Body, locality: Locality, ends_on: datetime.date) -> BodyArea:
    """The body stops serving the area after `ends_on`. Refused, changing nothing, while the body
    has open work there (the message lists it), when it is the only area the body serves, or when
    the body has the area's only administrators."""
    row = _serves_or_will(body, locality, timezone.localdate())
    if row is None:
        raise ValidationError(f"{body.name} does not serve {locality.name}.")
    if ends_on < row.starts_on:
        raise ValidationError(
            {"ends_on": f"The end date must be on or after {row.starts_on:%-d %B %Y}, when it started."}
        )
    if [area.pk for area in access.areas_served(body)] == [locality.pk]:
        raise ValidationError(
            f"{locality.name} is the only area {body.name} serves. To stop using it, change it and switch it off."
        )
    work = open_work(body, locality, ends_on)
    if work:
        raise ValidationError(
            {"ends_on": f"{body.name} still has open work in {locality.name}: {'; '.join(work)}. Finish it first."}
        )
    if _administrator_count(locality, excluding_body=body) == 0:
        raise ValidationError(
            f"{body.name} has the only administrators for {locality.name}. Make someone at another body "
            "there an administrator first."
        )
    with transaction.atomic():
        row.ends_on = ends_on
        row.save(update_fields=["ends_on"])
    return row
