"""Who may change the board's records. Reading is open to everyone in the area (the managers'
`for_user`); these checks decide writes, and answer 403.

- The board's priorities, referrals and board packs: members (not read-only) of the body that
  holds the health and wellbeing board function today, and the area's administrators.
- Quality Surveillance Group views: the same people, and officers of the area's ICB or QSG
  bodies (who sit on the group).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agencies import access
from agencies.models import ROLE_RANK, Body, BodyKind, FunctionHolding, Locality, Role

HWB_FUNCTION = access.BOARD_FUNCTION


def board_bodies(user, locality: Locality) -> list[Body]:
    """The bodies holding the board function today for which this user may act."""
    holders = FunctionHolding.objects.current(timezone.localdate()).filter(
        function__code=HWB_FUNCTION, body__locality=locality, body__is_active=True
    )
    if not access.can_administer(user, locality):
        mine = {seat.body_id for seat in access.seats_in(user, locality) if seat.rank >= ROLE_RANK[Role.MEMBER]}
        if not mine:
            return []
        holders = holders.filter(body_id__in=mine)
    return [h.body for h in holders.select_related("body").order_by("body__name")]


def can_manage_board(user, locality: Locality) -> bool:
    return bool(board_bodies(user, locality))


def require_board_member(user, locality: Locality) -> None:
    if not can_manage_board(user, locality):
        raise PermissionDenied(
            "Only members of the health and wellbeing board with a role above read-only, or administrators, "
            "can do this. Ask your area's administrator if you need to."
        )


def can_record_surveillance(user, locality: Locality) -> bool:
    if can_manage_board(user, locality):
        return True
    return any(
        seat.body_kind in (BodyKind.ICB, BodyKind.QSG) and seat.rank >= ROLE_RANK[Role.OFFICER]
        for seat in access.seats_in(user, locality)
    )


def require_surveillance_recorder(user, locality: Locality) -> None:
    if not can_record_surveillance(user, locality):
        raise PermissionDenied(
            "Only board members, ICB or Quality Surveillance Group officers, or administrators, can record this."
        )
