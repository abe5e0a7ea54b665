"""Who may log, read, change and see the personal details of concerns.

- Logging: members (and above) of a body that holds the local Healthwatch function today.
  When that function moves to an ICB or council, their staff log concerns instead: no code change.
- Reading: everyone in the area sees reviewed concerns de-identified (concerns.managers).
- The narrative never leaves the collecting body: only its staff (members and above, not
  read-only) read it, and they write or approve each experience's shareable summary. Everyone
  else (other bodies, people answering by link, exports for others, board packs) sees only the
  approved summary, or "No shareable summary yet".
- Changing a concern: members (and above) of the body that collected it.
- Reading or changing personal details: officers (and above) of that body. Read-only members,
  members such as volunteers, and superusers who are not officers there do not see them.
- Themes: the area's administrators, and officers of the local Healthwatch function holder.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agencies import access, parts
from agencies.models import Body, Function, FunctionHolding, Locality, Role


def collecting_bodies(user, locality: Locality) -> list[Body]:
    """The bodies this user may log concerns for in the locality (usually one): members (and
    above) of a body holding the local Healthwatch function today."""
    return access.bodies_acting_for(user, locality, Function.LOCAL_HEALTHWATCH, min_role=Role.MEMBER)


def collecting_officer_bodies(user, locality: Locality) -> list[Body]:
    """The collecting bodies where this user is an officer (or above): they read people's
    details back, export them, manage themes and raise alerts."""
    return access.bodies_acting_for(user, locality, Function.LOCAL_HEALTHWATCH, min_role=Role.OFFICER)


def require_collector(user, locality: Locality) -> list[Body]:
    bodies = collecting_bodies(user, locality)
    if not bodies:
        raise PermissionDenied("Only staff of the body that holds the local Healthwatch function can log concerns.")
    return bodies


def is_collecting_staff(user, concern) -> bool:
    """Members (not read-only) of the body that collected the concern."""
    return access.has_seat_at(user, concern.collecting_body_id, Role.MEMBER)


def can_read_narrative(user, concern) -> bool:
    """The narrative stays with the collecting body's staff; anyone else (including an anonymous
    person answering by link) sees only the approved shareable summary."""
    return user is not None and is_collecting_staff(user, concern)


def can_see_person_reference(user, concern) -> bool:
    """The reference the person was given (which opens the public "what happened" page for
    their experience) is for the collecting body's staff, who find the experience by it when the
    person quotes it."""
    return user is not None and is_collecting_staff(user, concern)


def can_see_personal_details(user, concern) -> bool:
    """Officers and above of the collecting body (volunteers and members log, but do not read
    people's details back); after a handover, officers of a successor to which the collecting
    body's details were transferred (concerns.seals), for the experiences of its part."""
    from .seals import reads_by_transfer

    if access.has_seat_at(user, concern.collecting_body_id, Role.OFFICER):
        return True
    return user is not None and user.is_authenticated and reads_by_transfer(user, concern)


def sealed_from(user, concern) -> bool:
    """The experience's part is now held by the user's body but its personal details were not
    transferred: they are sealed (the read is refused as not found, and logged)."""
    from .seals import sealed_from as sealed

    return user is not None and user.is_authenticated and sealed(user, concern)


def log_bodies(user, locality: Locality) -> list[int] | None:
    """The collecting bodies whose personal-data read log this user sees: None for every body
    (the area's administrators); otherwise the bodies where they are officers, and the bodies
    whose details were transferred to one of those."""
    from .transfer_models import DetailsTransfer

    if access.can_administer(user, locality):
        return None
    mine = [seat.body_id for seat in access.seats(user, locality, Role.OFFICER)]
    moved = DetailsTransfer.objects.filter(locality=locality, to_body_id__in=mine).values_list(
        "from_body_id", flat=True
    )
    return mine + list(moved)


def require_personal_details_access(user, concern) -> None:
    if not can_see_personal_details(user, concern):
        raise PermissionDenied(
            "Only officers of the body that collected this experience can see or change personal details."
        )


def require_collecting_staff(user, concern) -> None:
    if not is_collecting_staff(user, concern):
        raise PermissionDenied("Only staff of the body that collected this concern can do this.")


def can_manage_themes(user, locality: Locality) -> bool:
    return access.can_administer(user, locality) or bool(collecting_officer_bodies(user, locality))


def require_theme_manager(user, locality: Locality) -> None:
    if not can_manage_themes(user, locality):
        raise PermissionDenied("Only administrators and Healthwatch officers can change themes.")


def public_collector(locality: Locality, service_type: str | None = None) -> Body | None:
    """The body that receives experiences shared through the public form. With local Healthwatch
    held in parts, it is the holder of the part the area's rule gives the type of service the
    person chose ("" follows the rule for no service); without a type (the form's own wording),
    the first holder."""
    holders = access.bodies_holding(Function.LOCAL_HEALTHWATCH, locality).order_by("pk")
    if service_type is None:
        return holders.first()
    function = Function.objects.filter(code=Function.LOCAL_HEALTHWATCH).first()
    part = parts.part_for(parts.rules_for(locality, function), {service_type} - {""}) if function else None
    if part is not None:
        held = FunctionHolding.objects.current(timezone.localdate()).filter(locality=locality, part=part)
        holder = holders.filter(pk__in=held.values("body_id")).first()
        if holder is not None:
            return holder
    return holders.first()
