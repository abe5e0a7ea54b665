"""Who may log, read, change and see the personal details of concerns.

- Logging: members (and above) of a body that holds the local Healthwatch function today.
  When that function moves to an ICB or council, their staff log concerns instead: no code change.
- Reading: everyone in the area sees reviewed concerns de-identified (concerns.managers).
- Changing a concern: members (and above) of the body that collected it.
- Reading or changing personal details: officers (and above) of that body. Read-only members,
  members such as volunteers, and superusers who are not officers there do not see them.
- Themes: the area's administrators, and officers of the local Healthwatch function holder.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agencies import access
from agencies.models import ROLE_RANK, Body, FunctionHolding, Locality, Role

HEALTHWATCH_FUNCTION = "local_healthwatch"


def collecting_bodies(user, locality: Locality) -> list[Body]:
    """The bodies this user may log concerns for in the locality (usually one)."""
    eligible = {seat.body_id for seat in access.seats_in(user, locality) if seat.rank >= ROLE_RANK[Role.MEMBER]}
    if not eligible:
        return []
    holders = (
        FunctionHolding.objects.current(timezone.localdate())
        .filter(function__code=HEALTHWATCH_FUNCTION, body_id__in=eligible)
        .select_related("body")
    )
    return [holding.body for holding in holders]


def require_collector(user, locality: Locality) -> list[Body]:
    bodies = collecting_bodies(user, locality)
    if not bodies:
        raise PermissionDenied("Only staff of the body that holds the local Healthwatch function can log concerns.")
    return bodies


def is_collecting_staff(user, concern) -> bool:
    """Members (not read-only) of the body that collected the concern."""
    return any(
        seat.body_id == concern.collecting_body_id and seat.rank >= ROLE_RANK[Role.MEMBER]
        for seat in access.seats(user)
    )


def can_see_personal_details(user, concern) -> bool:
    """Officers and above of the collecting body (volunteers and members log, but do not read
    people's details back)."""
    return any(
        seat.body_id == concern.collecting_body_id and seat.rank >= ROLE_RANK[Role.OFFICER]
        for seat in access.seats(user)
    )


def require_personal_details_access(user, concern) -> None:
    if not can_see_personal_details(user, concern):
        raise PermissionDenied(
            "Only officers of the body that collected this experience can see or change personal details."
        )


def require_collecting_staff(user, concern) -> None:
    if not is_collecting_staff(user, concern):
        raise PermissionDenied("Only staff of the body that collected this concern can do this.")


def can_manage_themes(user, locality: Locality) -> bool:
    if access.can_administer(user, locality):
        return True
    return any(
        access.highest_rank_at(user, body.pk) >= ROLE_RANK[Role.OFFICER] for body in collecting_bodies(user, locality)
    )


def require_theme_manager(user, locality: Locality) -> None:
    if not can_manage_themes(user, locality):
        raise PermissionDenied("Only administrators and Healthwatch officers can change themes.")


def public_collector(locality: Locality) -> Body | None:
    """The body that receives experiences shared through the public form."""
    holding = (
        FunctionHolding.objects.current(timezone.localdate())
        .filter(function__code=HEALTHWATCH_FUNCTION, body__locality=locality, body__is_active=True)
        .select_related("body")
        .first()
    )
    return holding.body if holding else None
