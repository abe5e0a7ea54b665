"""Scoping helpers: every query of a protected model goes through `for_user`.

A user reaches a locality through a membership of any body in it; superusers reach all.
Views then answer 404 for anything outside what `for_user` returns (see agencies.access).
"""

from __future__ import annotations

from django.db import models


def _locality_ids_subquery(user):
    from .models import Membership

    # Only memberships of active bodies count: switching a body off removes its people's access.
    return Membership.objects.filter(user_id=user.pk, body__is_active=True).values("body__locality_id")


class LocalityQuerySet(models.QuerySet):
    def for_user(self, user) -> LocalityQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=_locality_ids_subquery(user))


class BodyQuerySet(models.QuerySet):
    def for_user(self, user) -> BodyQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(locality_id__in=_locality_ids_subquery(user))

    def active(self) -> BodyQuerySet:
        return self.filter(is_active=True)


class FunctionHoldingQuerySet(models.QuerySet):
    def for_user(self, user) -> FunctionHoldingQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(body__locality_id__in=_locality_ids_subquery(user))

    def current(self, on) -> FunctionHoldingQuerySet:
        """Holdings in force on the given day."""
        return self.filter(starts_on__lte=on).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on))


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(body__locality_id__in=_locality_ids_subquery(user))


class DutyAssessmentQuerySet(models.QuerySet):
    def for_user(self, user) -> DutyAssessmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(locality_id__in=_locality_ids_subquery(user))
