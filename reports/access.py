"""Who may do what in reports. Reading is open to everyone in the area (the managers'
`for_user`); these checks decide writes, and answer 403. Each rule follows the functions a body
holds today (agencies.access.bodies_acting_for), never its kind.

- Reviews, reports and recommendations: officers (and above) of a body holding the health
  scrutiny or local Healthwatch function, and the area's administrators. A review or report may
  concern several areas (a joint committee's), each one where its body holds such a function.
- Answering for a body (responses, progress updates, letters): its members (not read-only).
- The board's priorities, referrals and board packs: members (not read-only) of the body that
  holds the health and wellbeing board function today, and the area's administrators.
- Answering the board's referral (accept or decline): officers (and above) of the receiving
  body only; the area's administrators do not answer for it (its programme is its own).
- Quality Surveillance Group views (and anything naming a provider's surveillance level): seen
  and recorded only by a named group: the board's members (member and above at the body holding
  the health and wellbeing board function; not its read-only observers) and officers of a body
  holding the quality surveillance function in the area (the group, and the ICB that sits on
  it). Everyone else, the area's administrators included, sees none of it (403 on its pages): they go in
  Part B of the board pack, exempt under Schedule 12A to the Local Government Act 1972.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agencies import access
from agencies.models import Body, Function, FunctionHolding, Locality, Role

REVIEW_FUNCTIONS = (*Function.SCRUTINY, Function.LOCAL_HEALTHWATCH)


def review_bodies(user, locality: Locality) -> list[Body]:
    """Bodies this user runs reviews and makes recommendations for."""
    return access.bodies_acting_for(user, locality, REVIEW_FUNCTIONS, min_role=Role.OFFICER, administrators=True)


def coverable_areas(body: Body, on=None):
    """The areas a review or report by this body may concern: those where it holds a scrutiny
    or Healthwatch function today (a joint committee holds joint health scrutiny in each area
    that appointed it)."""
    held = FunctionHolding.objects.current(on or timezone.localdate()).filter(
        body=body, function__code__in=REVIEW_FUNCTIONS
    )
    return Locality.objects.filter(pk__in=held.values("locality_id")).order_by("name")


def require_reviewer(user, locality: Locality) -> list[Body]:
    bodies = review_bodies(user, locality)
    if not bodies:
        raise PermissionDenied("Only scrutiny and Healthwatch officers can do this.")
    return bodies


def can_answer_for(user, body_id: int) -> bool:
    """Members (not read-only) answer for their body."""
    return access.has_seat_at(user, body_id, Role.MEMBER)


def can_answer_referral(user, referral) -> bool:
    """Officers (and above) of the body the board referred to answer its suggestion."""
    return access.has_seat_at(user, referral.to_body_id, Role.OFFICER)


def require_referral_answerer(user, referral) -> None:
    if not can_answer_referral(user, referral):
        raise PermissionDenied(f"Only officers of {referral.to_body.name} can answer the board's suggestion.")


def board_bodies(user, locality: Locality) -> list[Body]:
    """The bodies holding the board function today for which this user may act."""
    return access.bodies_acting_for(user, locality, Function.HWB, min_role=Role.MEMBER, administrators=True)


def can_manage_board(user, locality: Locality) -> bool:
    """Whether `board_bodies` names any body: from the person's cached entry, but for
    administrators (who act for any holder the area has)."""
    if access.acts_for(user, locality, Function.HWB, min_role=Role.MEMBER):
        return True
    return access.can_administer(user, locality) and bool(board_bodies(user, locality))


def require_board_member(user, locality: Locality) -> None:
    if not can_manage_board(user, locality):
        raise PermissionDenied(
            "Only members of the health and wellbeing board with a role above read-only, or administrators, "
            "can do this. Ask your area's administrator if you need to."
        )


def can_see_surveillance(user, locality: Locality) -> bool:
    """Whether this user may see the Quality Surveillance Group's views and any provider's
    surveillance level in this area: board members, and the group's (and the ICB's) officers."""
    return access.acts_for(user, locality, Function.HWB, min_role=Role.MEMBER) or access.acts_for(
        user, locality, Function.QUALITY_SURVEILLANCE, min_role=Role.OFFICER
    )


def require_surveillance_reader(user, locality: Locality) -> None:
    if not can_see_surveillance(user, locality):
        raise PermissionDenied(
            "The Quality Surveillance Group's views are shared only with board members and ICB or "
            "Quality Surveillance Group officers."
        )


def can_record_surveillance(user, locality: Locality) -> bool:
    return can_see_surveillance(user, locality)


def require_surveillance_recorder(user, locality: Locality) -> None:
    if not can_record_surveillance(user, locality):
        raise PermissionDenied("Only board members and ICB or Quality Surveillance Group officers can record this.")
