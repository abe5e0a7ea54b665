"""Scoping helpers: every query of a protected model goes through `for_user`.

The rule most records follow is written once here (`AreaScopedQuerySet`): a user reads the
records of the areas where they hold a seat (a membership of an active body); superusers read
all. A model names the path from itself to its area in `area_path`. Views answer 404 for
anything outside what `for_user` returns (see agencies.access). The two records with rules of
their own (concerns and alerts) write them beside their models, once.
"""

from __future__ import annotations

from django.db import models


def current(on, prefix: str = "") -> models.Q:
    """Rows in force on a day: started, and not ended before it (reached through `prefix`,
    such as "footprint__", when filtering from a related model)."""
    return models.Q(**{f"{prefix}starts_on__lte": on}) & (
        models.Q(**{f"{prefix}ends_on__isnull": True}) | models.Q(**{f"{prefix}ends_on__gte": on})
    )


def reachable_area_ids(user, on=None, role: str | None = None) -> list[int] | models.QuerySet:
    """The ids of the areas the user reaches through a seat (of this role, if given): every
    area that a body where they hold one serves on the day.

    Only memberships of active bodies count: switching a body off removes its people's access.
    For today, a list from the person's cached entry (agencies.person_cache, moved by every
    change to memberships, bodies and footprints), so the query that uses it names the areas
    instead of joining three tables; for another day, a subquery. The user and the role are one
    condition on one membership (a second filter() would let another person's seat at the same
    body satisfy the role).
    """
    from django.utils import timezone

    from .models import BodyArea

    if on is None or on == timezone.localdate():
        from . import person_cache

        seats = person_cache.person(user).seats
        return sorted({seat.locality_id for seat in seats if role is None or seat.role == role})
    seat = {"body__memberships__user_id": user.pk}
    if role is not None:
        seat["body__memberships__role"] = role
    return BodyArea.objects.filter(current(on)).filter(body__is_active=True, **seat).values("locality_id")


def seat_body_ids(user) -> list[int]:
    """The ids of the active bodies where the user holds a seat (a membership), from the
    person's cached entry."""
    from . import person_cache

    return list(person_cache.person(user).member_bodies)


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


class BodyQuerySet(models.QuerySet):
    def active(self) -> BodyQuerySet:
        return self.filter(is_active=True)

    def serving(self, locality, on=None) -> BodyQuerySet:
        """Bodies whose footprint includes the area on a day (today by default)."""
        from django.utils import timezone

        from .models import BodyArea

        rows = BodyArea.objects.filter(current(on or timezone.localdate()))
        if isinstance(locality, models.QuerySet):
            rows = rows.filter(locality__in=locality)
        else:
            rows = rows.filter(locality=locality)
        return self.filter(pk__in=rows.values("body_id"))

    def for_user(self, user) -> BodyQuerySet:
        """Bodies serving an area the user reaches."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import BodyArea

        rows = BodyArea.objects.filter(locality_id__in=reachable_area_ids(user))
        return self.filter(pk__in=rows.values("body_id"))


class BodyAreaQuerySet(AreaScopedQuerySet):
    def current(self, on) -> BodyAreaQuerySet:
        return self.filter(current(on))


class FunctionHoldingQuerySet(AreaScopedQuerySet):
    def current(self, on) -> FunctionHoldingQuerySet:
        """Holdings in force on the given day."""
        return self.filter(current(on))


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        """Seats at bodies serving an area the user reaches."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Body

        return self.filter(body__in=Body.objects.for_user(user))


class DutyAssessmentQuerySet(AreaScopedQuerySet):
    pass
