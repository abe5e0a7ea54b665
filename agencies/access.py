"""Who may do what. Every view decides access here and nowhere else.

Rules:
- A person reaches a locality through a membership of any body in it. Anything outside
  the localities they reach answers 404 (we do not confirm that it exists).
- Inside their locality, read-only members can read; writes need a higher role and answer
  403 when the role is too low.
- Administrators (role "administrator" at any body in the locality) set up bodies,
  functions and people. Superusers can do everything everywhere.
- A duty's self-assessment can be updated by an officer, chair or administrator of a body
  that holds the duty's function today, and by the locality's administrators.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from .models import ROLE_RANK, BodyKind, Duty, FunctionHolding, Locality, Membership, Role


@dataclasses.dataclass(frozen=True)
class Seat:
    """One of a user's memberships, flattened for cheap checks."""

    body_id: int
    body_name: str
    body_kind: str
    locality_id: int
    locality_slug: str
    locality_name: str
    role: str

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def seats(user) -> list[Seat]:
    """The user's memberships, loaded once per request and cached on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_qs_seats", None)
    if cached is None:
        cached = [
            Seat(
                body_id=m.body_id,
                body_name=m.body.name,
                body_kind=m.body.kind,
                locality_id=m.body.locality_id,
                locality_slug=m.body.locality.slug,
                locality_name=m.body.locality.name,
                role=m.role,
            )
            for m in Membership.objects.filter(user_id=user.pk, body__is_active=True)
            .select_related("body__locality")
            .order_by("body__name")
        ]
        user._qs_seats = cached
    return cached


def seats_in(user, locality: Locality) -> list[Seat]:
    return [seat for seat in seats(user) if seat.locality_id == locality.pk]


def highest_rank(user, locality: Locality) -> int:
    """The user's highest role rank in the locality, or -1 for none."""
    if user.is_authenticated and user.is_superuser:
        return ROLE_RANK[Role.ADMINISTRATOR]
    return max((seat.rank for seat in seats_in(user, locality)), default=-1)


def highest_rank_at(user, body_id: int) -> int:
    """The user's role rank at one body, or -1 for none."""
    return max((seat.rank for seat in seats(user) if seat.body_id == body_id), default=-1)


def locality_for(user, slug: str) -> Locality:
    """The locality with this slug if the user reaches it, else 404."""
    try:
        return Locality.objects.for_user(user).get(slug=slug)
    except Locality.DoesNotExist:
        raise Http404("No such area") from None


def can_administer(user, locality: Locality) -> bool:
    """Administrators set up the locality's bodies, functions and people."""
    return highest_rank(user, locality) >= ROLE_RANK[Role.ADMINISTRATOR]


def require_administrator(user, locality: Locality) -> None:
    if not can_administer(user, locality):
        raise PermissionDenied("Only administrators for this area can do this.")


def can_assess(user, locality: Locality, duty: Duty, on: datetime.date | None = None) -> bool:
    """Officers and above of a body holding the duty's function today, or administrators."""
    if can_administer(user, locality):
        return True
    on = on or timezone.localdate()
    officer_bodies = {seat.body_id for seat in seats_in(user, locality) if seat.rank >= ROLE_RANK[Role.OFFICER]}
    if not officer_bodies:
        return False
    return FunctionHolding.objects.current(on).filter(function_id=duty.function_id, body_id__in=officer_bodies).exists()


def require_assessor(user, locality: Locality, duty: Duty) -> None:
    if not can_assess(user, locality, duty):
        raise PermissionDenied(
            "Only officers of a body that holds this function, or administrators, can update this assessment."
        )


BOARD_FUNCTION = "hwb"


def sits_on_a_board(user) -> bool:
    """A member (not read-only) of a body that holds the health and wellbeing board function
    today, in any area."""
    bodies = [seat.body_id for seat in seats(user) if seat.rank >= ROLE_RANK[Role.MEMBER]]
    return bool(bodies) and (
        FunctionHolding.objects.current(timezone.localdate())
        .filter(function__code=BOARD_FUNCTION, body_id__in=bodies)
        .exists()
    )


# Where each kind of body's people start their work (the home page sends them there).
LANDING_FOR_KIND = {
    BodyKind.HWB: "reports:dashboard",
    BodyKind.HEALTHWATCH: "reports:healthwatch-home",
    BodyKind.SCRUTINY: "reports:scrutiny-home",
}


def landing_url(seat: Seat) -> str:
    """Where a seat's work starts; a responding body starts at the recommendations addressed to it."""
    from django.urls import reverse

    landing = LANDING_FOR_KIND.get(seat.body_kind)
    url = reverse(landing or "reports:recommendations", args=[seat.locality_slug])
    return url if landing else f"{url}?body={seat.body_id}"
