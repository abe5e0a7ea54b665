"""Scoping helpers for concerns. There is no unscoped `objects` manager on these models:
views use `for_user`; services, jobs and admin name `all_objects` on purpose.
"""

from __future__ import annotations

from django.db import models

from agencies.managers import AreaScopedQuerySet, reachable_area_ids, seat_body_ids


class ConcernQuerySet(models.QuerySet):
    def for_user(self, user) -> ConcernQuerySet:
        """Concerns a user may see (de-identified unless they are collecting staff).

        Members of the collecting body see all of its concerns; other members of the area see
        only reviewed ones (a new concern, such as one shared online, waits for review first).
        A body holding a part of the local Healthwatch function (from the part's start date) sees
        the concerns of its part collected by local Healthwatch, as the collecting body does.
        """
        from django.utils import timezone

        from agencies.models import Function
        from agencies.parts import in_parts_held

        from .models import COUNTED_STATUSES

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from agencies import person_cache

        bodies = seat_body_ids(user)
        seen = models.Q(collecting_body_id__in=bodies) | models.Q(status__in=COUNTED_STATUSES)
        if Function.LOCAL_HEALTHWATCH in person_cache.person(user).parts_held:  # else it can match nothing
            seen |= in_parts_held(
                Function.LOCAL_HEALTHWATCH, bodies, timezone.localdate(), collector_field="collecting_body_id"
            )
        return self.filter(locality_id__in=reachable_area_ids(user)).filter(seen)

    def counted(self) -> ConcernQuerySet:
        """Only concerns that count in figures and trends."""
        from .models import COUNTED_STATUSES

        return self.filter(status__in=COUNTED_STATUSES)


class ThemeQuerySet(AreaScopedQuerySet):
    def active(self) -> ThemeQuerySet:
        return self.filter(is_active=True)


class TrendSignalQuerySet(AreaScopedQuerySet):
    pass


class AlertQuerySet(models.QuerySet):
    def for_user(self, user) -> AlertQuerySet:
        """Alerts are seen by the bodies party to them and by those who oversee the area.

        Parties: the raising body and every recipient. Overseers: the area's administrators and
        the bodies holding the health and wellbeing board or health scrutiny function today (they
        are escalated to), whatever kind of body they are. A body that raised or received an alert
        before a handover moved it to a successor still reads it, as history; answering it is for
        the recipient body's members (concerns.alert_views), so that passes to the successor.
        """
        from django.utils import timezone

        from agencies.handover_models import CustodyChange
        from agencies.models import Function, FunctionHolding, Role

        from .models import AlertRecipient

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        today = timezone.localdate()
        overseeing = (
            FunctionHolding.objects.current(today)
            .filter(function__code__in=[Function.HWB, *Function.SCRUTINY])
            .filter(body__is_active=True, body__memberships__user_id=user.pk)
            .values("locality_id")
        )
        administering = reachable_area_ids(user, today, role=Role.ADMINISTRATOR)
        bodies = seat_body_ids(user)
        held_before = CustodyChange.objects.filter(from_body_id__in=bodies).values("record_id")
        received = AlertRecipient.objects.filter(
            models.Q(body_id__in=bodies) | models.Q(pk__in=held_before.filter(kind="alert-received"))
        )
        # Recipients are asked in a subquery, not joined: one row per alert, so no DISTINCT,
        # which sorted every alert of the area (and each of its recipients) before a page.
        return self.filter(
            models.Q(raised_by_body_id__in=bodies)
            | models.Q(pk__in=received.values("alert_id"))
            | models.Q(pk__in=held_before.filter(kind="alert-raised"))
            | models.Q(locality_id__in=overseeing)
            | models.Q(locality_id__in=administering)
        )
