"""Scoping helpers for concerns. There is no unscoped `objects` manager on these models:
views use `for_user`; services, jobs and admin name `all_objects` on purpose.
"""

from __future__ import annotations

from django.db import models


def _member_body_ids(user):
    from agencies.models import Membership

    return Membership.objects.filter(user_id=user.pk, body__is_active=True).values("body_id")


def _locality_ids(user):
    from agencies.models import Membership

    return Membership.objects.filter(user_id=user.pk, body__is_active=True).values("body__locality_id")


class ConcernQuerySet(models.QuerySet):
    def for_user(self, user) -> ConcernQuerySet:
        """Concerns a user may see (de-identified unless they are collecting staff).

        Members of the collecting body see all of its concerns; other members of the area see
        only reviewed ones (a new concern, such as one shared online, waits for review first).
        """
        from .models import COUNTED_STATUSES

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(locality_id__in=_locality_ids(user)).filter(
            models.Q(collecting_body_id__in=_member_body_ids(user)) | models.Q(status__in=COUNTED_STATUSES)
        )

    def counted(self) -> ConcernQuerySet:
        """Only concerns that count in figures and trends."""
        from .models import COUNTED_STATUSES

        return self.filter(status__in=COUNTED_STATUSES)


class ThemeQuerySet(models.QuerySet):
    def for_user(self, user) -> ThemeQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(locality_id__in=_locality_ids(user))

    def active(self) -> ThemeQuerySet:
        return self.filter(is_active=True)


class TrendSignalQuerySet(models.QuerySet):
    def for_user(self, user) -> TrendSignalQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(locality_id__in=_locality_ids(user))
