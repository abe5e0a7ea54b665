"""Reads for the quality-system pages. Each runs a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from .managers import current
from .models import (
    AssessmentStatus,
    Body,
    Duty,
    DutyAssessment,
    Function,
    FunctionHolding,
    Locality,
    Membership,
    Notification,
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
    assessments = {a.duty_id: a for a in DutyAssessment.objects.filter(locality=locality).select_related("owner")}
    return [
        FunctionRow(
            function=function,
            holders=function.current_holdings,
            duties=[DutyRow(d, assessments.get(d.pk)) for d in function.ordered_duties],
        )
        for function in functions
    ]


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
        .select_related("function", "body")
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
