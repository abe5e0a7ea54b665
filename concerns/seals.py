"""Reads about sealed personal details after a handover (issue 17, item 1).

An outgoing body is one that held the local Healthwatch function in the area and holds no part of
it today. Its experiences' personal details are sealed from every successor to which no
`DetailsTransfer` is recorded; a successor with a transfer reads those of its own part (the
experiences it sees through `Concern.for_user`) as the collecting body's officers do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from agencies import access
from agencies.models import Body, Function, FunctionHolding, Locality, Role
from agencies.parts import in_parts_held

from .models import Concern, ConcernContact
from .transfer_models import DEFAULT_RETENTION_DAYS, DetailsTransfer, SealRetention

DESTROYED = "Destroyed at the end of the retention period for sealed details."


def retention_days(locality: Locality) -> int:
    row = SealRetention.objects.filter(locality=locality).first()
    return row.days if row else DEFAULT_RETENTION_DAYS


def outgoing_bodies(locality: Locality, on: datetime.date | None = None) -> dict[int, datetime.date]:
    """The bodies that held the local Healthwatch function here and hold none of it on `on`,
    each with the first day it no longer held it (the day its details were sealed)."""
    on = on or timezone.localdate()
    holdings = FunctionHolding.objects.filter(locality=locality, function__code=Function.LOCAL_HEALTHWATCH)
    holding_now = set(holdings.current(on).values_list("body_id", flat=True))
    ended = (
        holdings.filter(ends_on__lt=on).exclude(body_id__in=holding_now).values("body_id").annotate(last=Max("ends_on"))
    )
    return {row["body_id"]: row["last"] + datetime.timedelta(days=1) for row in ended}


def transferred_to(locality: Locality, from_body_id: int) -> list[int]:
    return list(
        DetailsTransfer.objects.filter(locality=locality, from_body_id=from_body_id).values_list(
            "to_body_id", flat=True
        )
    )


def in_transferred_parts(locality: Locality, from_body_id: int, on: datetime.date) -> Q:
    """Experiences of the body whose details went to a successor (those in its parts)."""
    to_ids = transferred_to(locality, from_body_id)
    if not to_ids:
        return Q(pk__in=[])
    return in_parts_held(Function.LOCAL_HEALTHWATCH, to_ids, on, collector_field="collecting_body_id")


def reads_by_transfer(user, concern: Concern) -> bool:
    """An officer of a successor to which the collecting body's details were transferred, for an
    experience of the part that successor holds."""
    on = timezone.localdate()
    mine = [s.body_id for s in access.seats(user, concern.locality, Role.OFFICER)]
    to_ids = [pk for pk in transferred_to(concern.locality, concern.collecting_body_id) if pk in mine]
    if not to_ids:
        return False
    held = in_parts_held(Function.LOCAL_HEALTHWATCH, to_ids, on, collector_field="collecting_body_id")
    return Concern.all_objects.filter(pk=concern.pk).filter(held).exists()


def sealed_from(user, concern: Concern) -> bool:
    """The user's body now holds this experience's part but its details were not transferred:
    they are sealed from the user (who is not staff of the collecting body)."""
    if access.has_seat_at(user, concern.collecting_body_id, Role.READ_ONLY):
        return False
    if concern.collecting_body_id not in outgoing_bodies(concern.locality):
        return False
    mine = [s.body_id for s in access.seats(user, concern.locality)]
    held = in_parts_held(Function.LOCAL_HEALTHWATCH, mine, timezone.localdate(), collector_field="collecting_body_id")
    return Concern.all_objects.filter(pk=concern.pk).filter(held).exists() and not reads_by_transfer(user, concern)


@dataclass
class Seal:
    body: Body
    sealed_since: datetime.date
    destroy_from: datetime.date
    sealed: int
    transfers: list = field(default_factory=list)
    successors: list = field(default_factory=list)


def sealed_concerns(locality: Locality, from_body_id: int, on: datetime.date | None = None):
    """The body's experiences with personal details still sealed (none transferred, not yet
    destroyed)."""
    on = on or timezone.localdate()
    return (
        Concern.all_objects.filter(locality=locality, collecting_body_id=from_body_id, contact__isnull=False)
        .exclude(in_transferred_parts(locality, from_body_id, on))
        .exclude(narrative=DESTROYED)
    )


def seals(locality: Locality, on: datetime.date | None = None) -> list[Seal]:
    """The area's seals, for its administrators' page."""
    on = on or timezone.localdate()
    days = retention_days(locality)
    found = []
    outgoing = outgoing_bodies(locality, on)
    bodies = Body.objects.in_bulk(list(outgoing))
    for body_id, since in sorted(outgoing.items()):
        transfers = list(
            DetailsTransfer.objects.filter(locality=locality, from_body_id=body_id).select_related(
                "to_body", "recorded_by"
            )
        )
        found.append(
            Seal(
                bodies[body_id],
                since,
                since + datetime.timedelta(days=days),
                sealed_concerns(locality, body_id, on).count(),
                transfers,
                successors=successors(locality, on),
            )
        )
    return found


def successors(locality: Locality, on: datetime.date | None = None) -> list[Body]:
    """The bodies holding a part (or the whole) of the function today."""
    on = on or timezone.localdate()
    ids = (
        FunctionHolding.objects.filter(locality=locality, function__code=Function.LOCAL_HEALTHWATCH)
        .current(on)
        .values_list("body_id", flat=True)
    )
    return list(Body.objects.filter(pk__in=ids).order_by("name"))


def contacts_of(concern_ids) -> int:
    return ConcernContact.all_objects.filter(concern_id__in=concern_ids).count()
