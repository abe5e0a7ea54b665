"""Reads for the quality-system pages. Each runs a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from .managers import current
from .models import (
    AssessmentStatus,
    AttachRequest,
    Body,
    BodyArea,
    Duty,
    DutyAssessment,
    Function,
    FunctionHolding,
    Locality,
    Membership,
    Notification,
    User,
)


@dataclasses.dataclass
class DutyRow:
    duty: Duty
    assessment: DutyAssessment | None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else AssessmentStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label


@dataclasses.dataclass
class FunctionRow:
    function: Function
    holders: list[FunctionHolding]
    duties: list[DutyRow]


def quality_system_overview(locality: Locality, on: datetime.date) -> list[FunctionRow]:
    """Each function with the bodies holding it on `on` and its duties with their assessment."""
    holdings = (
        FunctionHolding.objects.current(on).filter(locality=locality).select_related("body").order_by("starts_on")
    )
    functions = Function.objects.prefetch_related(
        Prefetch("holdings", queryset=holdings, to_attr="current_holdings"),
        Prefetch("duties", queryset=Duty.objects.order_by("number"), to_attr="ordered_duties"),
    )
    assessments = {
        (a.duty_id, a.body_id): a for a in DutyAssessment.objects.filter(locality=locality).select_related("owner")
    }
    return [
        FunctionRow(
            function=function,
            holders=function.current_holdings,
            duties=[
                DutyRow(d, _least_advanced(assessments, d, function.current_holdings)) for d in function.ordered_duties
            ],
        )
        for function in functions
    ]


def _least_advanced(assessments: dict, duty: Duty, holders: list[FunctionHolding]) -> DutyAssessment | None:
    """A duty is as far on as its least advanced holder (a split function's duties stay with
    every holder of a part); a holder that has not assessed it yet inherits the area's own
    assessment (made while nobody held the function), if any."""
    if not holders:
        return assessments.get((duty.pk, None))
    order = list(AssessmentStatus.values)
    area_own = assessments.get((duty.pk, None))  # made while nobody held it: each holder's until it assesses
    found = [assessments.get((duty.pk, body_id), area_own) for body_id in dict.fromkeys(h.body_id for h in holders)]
    made = [a for a in found if a is not None]
    if len(made) < len(found):
        return None
    return min(made, key=lambda a: order.index(a.status))


def duty_holders(locality: Locality, duty: Duty, on: datetime.date | None = None) -> list[Body]:
    """The active bodies holding the duty's function (whole, or a part of it) in the area on a
    day (today by default): each keeps its own self-assessment of the duty."""
    holding = FunctionHolding.objects.current(on or timezone.localdate()).filter(
        function_id=duty.function_id, locality=locality
    )
    return list(Body.objects.filter(is_active=True, pk__in=holding.values("body_id")).order_by(Lower("name")))


def assessment_summary(rows: list[FunctionRow]) -> dict[str, int]:
    """How many duties are at each status, in the order of the scale."""
    counts = {status.value: 0 for status in AssessmentStatus}
    for row in rows:
        for duty_row in row.duties:
            counts[duty_row.status] += 1
    return counts


def bodies_in(locality: Locality, kind: str | None = None) -> QuerySet[Body]:
    qs = Body.objects.serving(locality).annotate(
        people=Count("memberships", distinct=True),
        functions_held=Count(
            "holdings", filter=Q(holdings__ends_on__isnull=True, holdings__locality=locality), distinct=True
        ),
        areas_served=Count("footprint", filter=current(timezone.localdate(), "footprint__"), distinct=True),
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-is_active", Lower("name"))


def holdings_in(locality: Locality) -> QuerySet[FunctionHolding]:
    """Every holding in the locality, current and past, newest first within each function."""
    return (
        FunctionHolding.objects.filter(locality=locality)
        .select_related("function", "body", "part")
        .order_by("function__order", "-starts_on")
    )


def people_in(locality: Locality) -> QuerySet[Membership]:
    """The area's people, each with `invitation`: the state of the email that invited them to
    this body, if there was one (pending, sending, sent or failed)."""
    invitation = Notification.objects.filter(
        kind="invitation", related_type="membership", related_id=OuterRef("pk")
    ).values("state")[:1]
    return (
        Membership.objects.filter(body__in=Body.objects.serving(locality))
        .select_related("user", "body")
        .annotate(invitation=Subquery(invitation))
        .order_by(Lower("user__full_name"), Lower("body__name"))
    )


def bodies_to_add(locality: Locality, query: str, limit: int = 20) -> list[Body]:
    """Active bodies not serving the area today that match the search: an ODS code or CQC ID
    exactly, or (three letters or more) part of a name. Each carries `areas`, the areas it serves
    today, and `asked`, whether this area has a request waiting. Three queries, whatever the size."""
    query = " ".join(query.split())
    wanted = Q(pk__in=[])
    if re.fullmatch(r"[A-Z0-9]{3,6}", query.upper()):  # the shape of an ODS code
        wanted |= Q(ods_code=query.upper())
    if re.fullmatch(r"1-\d{6,11}", query):  # the shape of a CQC ID
        wanted |= Q(cqc_id=query)
    if len(query) >= 3:
        wanted |= Q(name__icontains=query)
    today = timezone.localdate()
    pending = AttachRequest.objects.filter(body=OuterRef("pk"), locality=locality, state=AttachRequest.State.PENDING)
    bodies = list(
        Body.objects.active()
        .filter(wanted)
        .exclude(pk__in=Body.objects.serving(locality).values("pk"))
        .annotate(asked=Exists(pending))
        .prefetch_related(
            Prefetch(
                "footprint",
                queryset=BodyArea.objects.current(today).select_related("locality").order_by("locality__name"),
                to_attr="current_rows",
            )
        )
        .order_by(Lower("name"))[:limit]
    )
    for body in bodies:
        body.areas = [row.locality for row in body.current_rows]
    return bodies


def attach_requests_in(locality: Locality, user: Any) -> tuple[list[AttachRequest], list[AttachRequest]]:
    """The requests this area has made (newest first), and the requests waiting for this user's
    answer as an administrator of a body serving the area."""
    from .access import seats

    asked = list(
        AttachRequest.objects.filter(locality=locality).select_related("body", "asked_by", "answered_by")[:100]
    )
    waiting = AttachRequest.objects.filter(state=AttachRequest.State.PENDING, body__in=Body.objects.serving(locality))
    if not user.is_superuser:
        waiting = waiting.filter(body_id__in=[seat.body_id for seat in seats(user, locality, "administrator")])
    return asked, list(waiting.select_related("body", "locality", "asked_by"))


def _collecting(on: datetime.date | None) -> QuerySet[FunctionHolding]:
    """Holdings of the local Healthwatch function today: the public form needs one to collect
    what people share."""
    return FunctionHolding.objects.current(on or timezone.localdate()).filter(
        function__code=Function.LOCAL_HEALTHWATCH, body__is_active=True
    )


def public_areas(on: datetime.date | None = None) -> list[Locality]:
    """Every area, for the public front door, each with `can_share`: whether a body holds the
        local Healthwatch function there today, and `handover_notices`: who carries out its functions
    from a planned handover. Four queries, whatever the number of areas."""
    from .handover_notices import notices_by_area

    sharing = set(_collecting(on).values_list("locality_id", flat=True))
    areas = list(Locality.objects.order_by("name"))
    notices = notices_by_area(areas)
    for area in areas:
        area.can_share = area.pk in sharing  # notes for the page, not fields
        area.handover_notices = notices.get(area.pk, [])
    return areas


def can_share_in(locality: Locality, on: datetime.date | None = None) -> bool:
    """Whether the area's public pages offer "Share your experience" (as the front door does)."""
    return _collecting(on).filter(locality=locality).exists()


def area_people(locality: Locality) -> QuerySet[User]:
    """The people with a seat at a body serving the area (an assessment's owner, the audit
    trail's "changed by"), by name."""
    seated = Membership.objects.filter(body__in=Body.objects.serving(locality)).values("user_id")
    return User.objects.filter(pk__in=seated).order_by("full_name")
