"""Scoping helpers: every query of a protected model goes through `for_user`.

The rule most records follow is written once here (`AreaScopedQuerySet`): a user reads the
records of the areas where they hold a seat (a membership of an active body); superusers read
all. A model names the path from itself to its area in `area_path`. Views answer 404 for
anything outside what `for_user` returns (see agencies.access). The two records with rules of
their own (concerns and alerts) write them beside their models, once.
"""

from __future__ import annotations

from django.db import models


def reachable_area_ids(user) -> models.QuerySet:
    """A subquery of the ids of the areas the user reaches through a seat.

    Only memberships of active bodies count: switching a body off removes its people's access.
    """
    from .models import Membership

    return Membership.objects.filter(user_id=user.pk, body__is_active=True).values("body__locality_id")


def seat_body_ids(user) -> models.QuerySet:
    """A subquery of the ids of the active bodies where the user holds a seat."""
    from .models import Membership

    return Membership.objects.filter(user_id=user.pk, body__is_active=True).values("body_id")


class AreaScopedQuerySet(models.QuerySet):
    """Records readable by everyone with a seat in the record's area."""

    area_path = "locality_id"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(**{f"{self.area_path}__in": reachable_area_ids(user)})


class LocalityQuerySet(AreaScopedQuerySet):
    area_path = "pk"


class BodyQuerySet(AreaScopedQuerySet):
    def active(self) -> BodyQuerySet:
        return self.filter(is_active=True)


class FunctionHoldingQuerySet(AreaScopedQuerySet):
    area_path = "body__locality_id"

    def current(self, on) -> FunctionHoldingQuerySet:
        """Holdings in force on the given day."""
        return self.filter(starts_on__lte=on).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on))


class MembershipQuerySet(AreaScopedQuerySet):
    area_path = "body__locality_id"


class DutyAssessmentQuerySet(AreaScopedQuerySet):
    pass
