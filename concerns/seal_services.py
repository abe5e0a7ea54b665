"""Writes about people's details after a handover (issue 17, item 1): recording a transfer,
the area's retention period for sealed details, a refused read, and destruction at the end of
the period. Each write is one transaction; the refusals say who may do it instead."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from agencies import access
from agencies.handover_models import HandoverPart, HandoverPlan
from agencies.models import Body, Function, FunctionHolding, Locality, Membership, Role

from . import seals
from .models import Concern, ConcernContact, PersonalDataAccess
from .transfer_models import DetailsTransfer, SealDestruction, SealRetention

CONTACT_BLANK = {
    "name": "",
    "email": "",
    "phone": "",
    "consent_to_contact": False,
    "consent_to_share": False,
    "age_band": "",
    "disability": "",
    "ethnicity": "",
    "sex": "",
    "postcode_district": "",
}


def has_closed(body: Body) -> bool:
    """A body that is switched off or has no one left in it."""
    return not body.is_active or not Membership.objects.filter(body=body, user__is_active=True).exists()


def transfer_refusal(user, locality: Locality, from_body: Body) -> str | None:
    """Who may record that a Healthwatch's people's details pass to a successor: its own
    administrator; once it has closed, the area's administrator under a transfer scheme."""
    if access.has_seat_at(user, from_body.pk, Role.ADMINISTRATOR):
        return None
    if has_closed(from_body) and access.can_administer(user, locality):
        return None
    return (
        f"Only an administrator of {from_body.name} can record this transfer: it is the data controller for "
        f"what people told it. An administrator for the area can record it only after {from_body.name} has closed."
    )


def _holds_or_will_hold(locality: Locality, body: Body) -> bool:
    """A holder of (a part of) the function here, or a successor in a planned handover."""
    return (
        FunctionHolding.objects.filter(locality=locality, body=body, function__code=Function.LOCAL_HEALTHWATCH).exists()
        or _planned_successors(locality).filter(pk=body.pk).exists()
    )


def _planned_successors(locality: Locality):
    ids = HandoverPart.objects.filter(
        locality=locality,
        live=True,
        plan__state=HandoverPlan.State.PLANNED,
        plan__function__code=Function.LOCAL_HEALTHWATCH,
    ).values_list("successor_id", flat=True)
    return Body.objects.filter(pk__in=ids)


def transfer_record(
    *,
    user,
    locality: Locality,
    from_body: Body,
    to_body: Body,
    scheme_reference: str,
    privacy_notice: str,
    plan: HandoverPlan | None = None,
) -> DetailsTransfer:
    refusal = transfer_refusal(user, locality, from_body)
    if refusal:
        raise PermissionDenied(refusal)
    errors = {}
    if not scheme_reference.strip():
        errors["scheme_reference"] = "Enter the reference of the transfer scheme the details pass under"
    if not privacy_notice.strip():
        errors["privacy_notice"] = "Enter the privacy notice given to people (or where it was published)"
    if to_body == from_body or not _holds_or_will_hold(locality, to_body):
        errors["to_body"] = "Choose a body that holds, or will hold, a part of the local Healthwatch function here"
    if DetailsTransfer.objects.filter(locality=locality, from_body=from_body, to_body=to_body).exists():
        errors["to_body"] = f"The transfer to {to_body.name} is already recorded"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        transfer = DetailsTransfer.objects.create(
            locality=locality,
            plan=plan,
            from_body=from_body,
            to_body=to_body,
            scheme_reference=scheme_reference.strip(),
            privacy_notice=privacy_notice.strip(),
            recorded_by=user,
        )
        PersonalDataAccess.objects.create(
            user=user,
            locality=locality,
            action=PersonalDataAccess.Action.TRANSFER,
            detail=f"{from_body.name} to {to_body.name} under {transfer.scheme_reference}"[:200],
        )
    return transfer


def refused_read(*, user, concern: Concern) -> None:
    """A successor's reader asked for sealed details: the refusal is logged."""
    PersonalDataAccess.objects.create(
        user=user,
        concern=concern,
        locality_id=concern.locality_id,
        action=PersonalDataAccess.Action.REFUSED,
        detail="Sealed: no transfer of personal details recorded",
    )


def retention_set(*, user, locality: Locality, days: int) -> SealRetention:
    access.require_administrator(user, locality)
    if days < 1 or days > 36500:
        raise ValidationError({"days": "Enter a number of days between 1 and 36500"})
    row, _ = SealRetention.objects.update_or_create(locality=locality, defaults={"days": days, "changed_by": user})
    return row


def seal_destroy(
    *, locality: Locality, from_body: Body, user=None, today: datetime.date | None = None
) -> SealDestruction:
    """Blank the sealed personal details and narratives of the body's experiences (and their
    history), once the retention period has ended."""
    today = today or timezone.localdate()
    if user is not None:
        access.require_administrator(user, locality)
    since = seals.outgoing_bodies(locality, today).get(from_body.pk)
    if since is None:
        raise ValidationError(f"{from_body.name} still holds the local Healthwatch function: nothing is sealed.")
    destroy_from = since + datetime.timedelta(days=seals.retention_days(locality))
    if today < destroy_from:
        raise ValidationError(
            f"The sealed details of {from_body.name} are kept until {date_format(destroy_from, 'j F Y')}, "
            "the end of the area's retention period. They cannot be destroyed before then."
        )
    with transaction.atomic():
        ids = list(seals.sealed_concerns(locality, from_body.pk, today).values_list("pk", flat=True))
        contacts = ConcernContact.all_objects.filter(concern_id__in=ids).update(**CONTACT_BLANK)
        Concern.all_objects.filter(pk__in=ids).update(narrative=seals.DESTROYED)
        Concern.history.filter(id__in=ids).update(narrative=seals.DESTROYED)
        return SealDestruction.objects.create(
            locality=locality,
            from_body=from_body,
            sealed_since=since,
            experiences=len(ids),
            contacts=contacts,
            run_by=user,
        )


def seals_destroy_due(today: datetime.date | None = None) -> int:
    """The nightly job: destroy every seal whose retention period has ended."""
    today = today or timezone.localdate()
    done = 0
    for locality in Locality.objects.all():
        for body_id, since in seals.outgoing_bodies(locality, today).items():
            if today < since + datetime.timedelta(days=seals.retention_days(locality)):
                continue
            if seals.sealed_concerns(locality, body_id, today).exists():
                seal_destroy(locality=locality, from_body=Body.objects.get(pk=body_id), today=today)
                done += 1
    return done


def future_successors(locality: Locality) -> list[Body]:
    """Before the date: the bodies that will hold a part of the function."""
    ids = FunctionHolding.objects.filter(
        locality=locality, function__code=Function.LOCAL_HEALTHWATCH, starts_on__gt=timezone.localdate()
    ).values_list("body_id", flat=True)
    return list((Body.objects.filter(pk__in=ids) | _planned_successors(locality)).distinct().order_by("name"))
