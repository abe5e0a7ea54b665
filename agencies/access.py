"""Who may do what. Every view decides access here and nowhere else.

Rules:
- A person reaches an area through a membership of any body serving it today (a body serving
  several areas gives its people one seat in each, labelled by area). Anything outside the
  areas they reach answers 404 (we do not confirm that it exists).
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
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from .models import ROLE_RANK, Body, BodyArea, Duty, Function, FunctionHolding, Locality, Membership, Role


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


def seats(user, locality: Locality | None = None, min_role: str | None = None) -> list[Seat]:
    """The user's seats (memberships of active bodies), in one area and at least one role if
    asked. Loaded once per request (from the cache, agencies.person_cache) and kept on the user
    object."""
    if not user.is_authenticated:
        return []
    every = _all_seats(user)
    return [
        seat
        for seat in every
        if (locality is None or seat.locality_id == locality.pk)
        and (min_role is None or seat.rank >= ROLE_RANK[min_role])
    ]


def _all_seats(user) -> list[Seat]:
    """The user's seats, from the person's cached entry (agencies.person_cache)."""
    from . import person_cache

    return person_cache.person(user).seats


def seats_from_database(user, on: datetime.date) -> list[Seat]:
    """One seat per membership and area the body serves on the day, in one query."""
    rows = (
        BodyArea.objects.current(on)
        .filter(body__is_active=True, body__memberships__user_id=user.pk)
        .values_list(
            "body_id",
            "body__name",
            "body__kind",
            "locality_id",
            "locality__slug",
            "locality__name",
            "body__memberships__role",
        )
        .order_by("body__name", "locality__name")
    )
    return [Seat(*row) for row in rows]


def my_seat_functions(user) -> dict[tuple[int, int], frozenset[str]]:
    """`seat_functions` of the user's own seats today, from the person's cached entry."""
    from . import person_cache

    if not user.is_authenticated:
        return {}
    return person_cache.person(user).functions


def highest_rank(user, locality: Locality) -> int:
    """The user's highest role rank in the locality, or -1 for none."""
    if user.is_authenticated and user.is_superuser:
        return ROLE_RANK[Role.ADMINISTRATOR]
    return max((seat.rank for seat in seats(user, locality)), default=-1)


def highest_rank_at(user, body_id: int) -> int:
    """The user's role rank at one body, or -1 for none."""
    return max((seat.rank for seat in seats(user) if seat.body_id == body_id), default=-1)


def has_seat_at(user, body_id: int, min_role: str) -> bool:
    """Whether the user holds a seat of at least this role at the body."""
    return highest_rank_at(user, body_id) >= ROLE_RANK[min_role]


def bodies_holding(function_code: str | Iterable[str], locality: Locality | None = None, on=None):
    """The active bodies holding the function (or any of several) on a day (today by default),
    in one area if given. Every rule about who does a job starts here, never from a body's kind."""
    codes = [function_code] if isinstance(function_code, str) else list(function_code)
    holders = FunctionHolding.objects.current(on or timezone.localdate()).filter(function__code__in=codes)
    if locality is not None:
        holders = holders.filter(locality=locality)
    return Body.objects.filter(is_active=True, pk__in=holders.values("body_id"))


def bodies_acting_for(
    user,
    locality: Locality,
    function_code: str | Iterable[str],
    *,
    min_role: str,
    administrators: bool = False,
    on=None,
) -> list[Body]:
    """The bodies holding the function in the area for which this user may act: those where the
    user has a seat of at least `min_role`, or every holder for the area's administrators when
    `administrators` is set."""
    holders = bodies_holding(function_code, locality, on)
    if not (administrators and can_administer(user, locality)):
        mine = [seat.body_id for seat in seats(user, locality, min_role)]
        if not mine:
            return []
        holders = holders.filter(pk__in=mine)
    return list(holders.order_by("name"))


def acts_for(user, locality: Locality, function_code: str | Iterable[str], *, min_role: str) -> bool:
    """Whether `bodies_acting_for` (without `administrators`) names any body today, answered from
    the person's cached entry with no query: a seat in the area of at least `min_role` at a body
    that holds the function (whole or a part) there today."""
    codes = {function_code} if isinstance(function_code, str) else set(function_code)
    held = my_seat_functions(user)
    return any(held.get((seat.body_id, locality.pk), frozenset()) & codes for seat in seats(user, locality, min_role))


def serving_ids(locality: Locality, on=None) -> set[int]:
    """The ids of the bodies serving the area on a day (today by default)."""
    return set(Body.objects.serving(locality, on).values_list("pk", flat=True))


def serves(locality: Locality, *bodies: Body | None, on=None) -> bool:
    """Whether every body given (None skipped) serves the area on a day: one query."""
    wanted = {body.pk for body in bodies if body is not None}
    return not wanted or wanted <= set(
        Body.objects.serving(locality, on).filter(pk__in=wanted).values_list("pk", flat=True)
    )


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


def can_assess(user, locality: Locality, duty: Duty, on: datetime.date | None = None, body: Body | None = None) -> bool:
    """Officers and above of a body holding the duty's function (whole, or a part of it) today,
    or administrators. With `body`: that holder's own assessment (each holder of a part keeps its own)."""
    if can_administer(user, locality):
        return True
    officer_bodies = [seat.body_id for seat in seats(user, locality, Role.OFFICER)]
    if body is not None:
        officer_bodies = [pk for pk in officer_bodies if pk == body.pk]
    if not officer_bodies:
        return False
    return (
        FunctionHolding.objects.current(on or timezone.localdate())
        .filter(function_id=duty.function_id, body_id__in=officer_bodies, locality=locality)
        .exists()
    )


def require_assessor(user, locality: Locality, duty: Duty, body: Body | None = None) -> None:
    if not can_assess(user, locality, duty, body=body):
        raise PermissionDenied(
            "Only officers of a body that holds this function, or administrators, can update this assessment."
        )


def sits_on_a_board(user) -> bool:
    """A member (not read-only) of a body that holds the health and wellbeing board function
    today, in any area."""
    bodies = [seat.body_id for seat in seats(user, min_role=Role.MEMBER)]
    return bool(bodies) and bodies_holding(Function.HWB).filter(pk__in=bodies).exists()


def functions_held(body_ids: Iterable[int], on=None, locality: Locality | None = None) -> dict[int, set[str]]:
    """The codes of the functions each body holds on a day (today by default), in one area if
    given (a body serving several areas may hold different functions in each)."""
    held: dict[int, set[str]] = {}
    rows = FunctionHolding.objects.current(on or timezone.localdate()).filter(body_id__in=list(body_ids))
    if locality is not None:
        rows = rows.filter(locality=locality)
    for body_id, code in rows.values_list("body_id", "function__code"):
        held.setdefault(body_id, set()).add(code)
    return held


def seat_functions(user_seats: Iterable[Seat], on=None) -> dict[tuple[int, int], set[str]]:
    """The codes of the functions held on a day by each seat's body in the seat's area, keyed
    by (body id, area id)."""
    user_seats = list(user_seats)
    held: dict[tuple[int, int], set[str]] = {}
    if not user_seats:
        return held
    rows = FunctionHolding.objects.current(on or timezone.localdate()).filter(
        body_id__in={seat.body_id for seat in user_seats}, locality_id__in={seat.locality_id for seat in user_seats}
    )
    for body_id, area_id, code in rows.values_list("body_id", "locality_id", "function__code"):
        held.setdefault((body_id, area_id), set()).add(code)
    return held


def controls_personal_data(body: Body) -> bool:
    """A body that holds, or has held, the local Healthwatch function is the data controller
    for the personal details people gave it (it stays so for what it holds after a move)."""
    return FunctionHolding.objects.filter(body=body, function__code=Function.LOCAL_HEALTHWATCH).exists()


def appoints_first_administrator(user, body: Body, role: str) -> bool:
    """An area administrator, not the body's own, appointing the first administrator of a body
    that controls personal data (its people are told)."""
    return (
        role == Role.ADMINISTRATOR
        and controls_personal_data(body)
        and not has_seat_at(user, body.pk, Role.ADMINISTRATOR)
        and not Membership.objects.filter(body=body, role=Role.ADMINISTRATOR, user__is_active=True).exists()
    )


def seat_grant_refusal(user, body: Body, role: str) -> str | None:
    """Why this user may not give a seat of this role at this body, or None when they may.

    Area administrators set up every body and its people. But at a body that controls personal
    data, a seat that reads what people told it (member or above: their own words, and for
    officers their contact details) is granted only by that body's own administrators; the
    area's administrators may add read-only people and appoint its first administrator.
    """
    shared = body_change_refusal(user, body)
    if shared:
        return shared
    if ROLE_RANK[role] < ROLE_RANK[Role.MEMBER] or not controls_personal_data(body):
        return None
    if has_seat_at(user, body.pk, Role.ADMINISTRATOR) or appoints_first_administrator(user, body, role):
        return None
    return _not_yours(body)


def seat_change_refusal(user, membership: Membership, role: str) -> str | None:
    """Why this user may not change a seat to this role, or None. At a body that controls
    personal data, only its own administrators change a seat that reads people's words (so
    nobody can demote its administrators to appoint themselves in their place). At a body
    serving several areas, only its own administrators (or someone who administers every area it
    serves) change any seat (body_change_refusal)."""
    if ROLE_RANK[membership.role] >= ROLE_RANK[Role.MEMBER] and _guarded_from(user, membership.body):
        return _not_yours(membership.body)
    return seat_grant_refusal(user, membership.body, role)


def seat_removal_refusal(user, membership: Membership) -> str | None:
    """Why this user may not remove this seat, or None (the same rule as changing it)."""
    shared = body_change_refusal(user, membership.body)
    if shared:
        return shared
    if ROLE_RANK[membership.role] >= ROLE_RANK[Role.MEMBER] and _guarded_from(user, membership.body):
        return _not_yours(membership.body)
    return None


def _guarded_from(user, body: Body) -> bool:
    return controls_personal_data(body) and not has_seat_at(user, body.pk, Role.ADMINISTRATOR)


def _not_yours(body: Body) -> str:
    return (
        f"Only {body.name}’s own administrators can give, change or remove a role that reads what people "
        f"shared with {body.name}. Choose read-only, or ask {body.name}’s administrators."
    )


def body_change_refusal(user, body: Body) -> str | None:
    """Why this user may not change this body's record or its seats, or None when they may.

    A body serving more than one area today reaches all of them: its name, contact address and
    switch, and every seat at it (a seat reaches each area it serves). So an administrator of
    one of those areas may not change them alone: only the body's own administrators (seats
    with role administrator at the body) and superusers do. A body serving one area is set up
    by that area's administrators, as before. Area administrators see a shared body read-only,
    with this message saying whom to ask.
    """
    if user.is_superuser or has_seat_at(user, body.pk, Role.ADMINISTRATOR):
        return None
    areas = areas_served(body)
    if len(areas) < 2:
        return None
    administered = {seat.locality_id for seat in seats(user, min_role=Role.ADMINISTRATOR)}
    if all(area.pk in administered for area in areas):
        return None  # someone who administers every area it serves
    return shared_body_message(body, areas)


def areas_served(body: Body, on: datetime.date | None = None) -> list[Locality]:
    """The areas a body serves on a day (today by default), by name."""
    rows = BodyArea.objects.current(on or timezone.localdate()).filter(body=body).values("locality_id")
    return list(Locality.objects.filter(pk__in=rows).order_by("name"))


def shared_body_message(body: Body, areas: list[Locality]) -> str:
    names = [area.name for area in areas]
    served = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    admins = [person.full_name for person in Membership.people(body, [Role.ADMINISTRATOR])]
    ask = (
        f"Ask its administrators: {', '.join(admins)}."
        if admins
        else "It has no administrator of its own yet: ask the system's support team to appoint one."
    )
    return (
        f"{body.name} serves {served}, so only {body.name}’s own administrators, or someone who "
        f"administers every area it serves, can change its details or give, change or remove roles there. {ask}"
    )


def can_answer_for(user, body: Body) -> bool:
    """Whether the user answers requests made to the body (its own administrators, superusers)."""
    return user.is_authenticated and (user.is_superuser or has_seat_at(user, body.pk, Role.ADMINISTRATOR))


# --- Parts of a divided function (issue 16) ------------------------------------------------
# A holding of a part counts as holding the function in functions_held, seat_functions and
# bodies_holding (they read every current holding, with or without a part): the duties and
# pages of a split function stay with every holder of a part. These say which parts.


def parts_held(body_ids: Iterable[int], on=None, locality: Locality | None = None) -> dict[int, set[tuple[str, str]]]:
    """The (function code, part code) pairs each body holds on a day (today by default), in one
    area if given. A holding of the whole function holds every part of it; a body holding no
    part of a divided function has no entry. Two queries."""
    from .part_models import FunctionPart

    rows = FunctionHolding.objects.current(on or timezone.localdate()).filter(body_id__in=list(body_ids))
    if locality is not None:
        rows = rows.filter(locality=locality)
    found = list(rows.values_list("body_id", "function_id", "function__code", "part__code"))
    whole = {function_id for _, function_id, _, part in found if part is None}
    every: dict[int, set[str]] = {}
    if whole:
        for function_id, code in FunctionPart.objects.filter(function_id__in=whole).values_list("function_id", "code"):
            every.setdefault(function_id, set()).add(code)
    held: dict[int, set[tuple[str, str]]] = {}
    for body_id, function_id, function_code, part in found:
        codes = {part} if part is not None else every.get(function_id, set())
        if codes:
            held.setdefault(body_id, set()).update((function_code, code) for code in codes)
    return held
