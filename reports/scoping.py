"""How reports' records are scoped to areas (for reports.models). Most belong to one area; a
joint committee's reviews and reports (and so their recommendations) concern several."""

from __future__ import annotations

import datetime
from typing import Self

from django.db import models

from agencies.managers import AreaScopedQuerySet, reachable_area_ids
from agencies.models import Locality


class AreaQuerySet(AreaScopedQuerySet):
    """Records readable by everyone with a seat in the record's area."""


class JointQuerySet(AreaQuerySet):
    """Records that may concern several areas (a joint committee's reviews and reports, and so
    their recommendations): a record is in an area when its `locality` (the lead area, where
    references are numbered) is that area, or its areas include it. People of each concerned
    area read it; people of any other area do not."""

    def _concerning(self, area_ids) -> models.Q:
        """The condition for records in any of these areas (ids or a subquery of ids)."""
        raise NotImplementedError

    def _led_or_joint(self, area_ids, joint: models.QuerySet) -> models.Q:
        """Records led in these areas, or whose ids `joint` lists, as one list of ids: two index
        lookups joined by UNION. (An OR of the two would read every area's rows: at national
        scale the tracker then cost 1.7 times as much as in a database holding its area alone.)"""
        led = self.model._default_manager.filter(locality_id__in=area_ids).order_by().values("pk")
        return models.Q(pk__in=led.union(joint.order_by()))

    def in_area(self, locality: Locality) -> Self:
        """The records an area's pages show: led there or concerning it."""
        return self.filter(self._concerning([locality.pk]))

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(self._concerning(reachable_area_ids(user)))


class ReviewQuerySet(JointQuerySet):
    def _concerning(self, area_ids) -> models.Q:
        joint = self.model.areas.through.objects.filter(locality_id__in=area_ids).values("review_id")
        return self._led_or_joint(area_ids, joint)


class ReportQuerySet(JointQuerySet):
    def _concerning(self, area_ids) -> models.Q:
        joint = self.model.areas.through.objects.filter(locality_id__in=area_ids).values("report_id")
        return self._led_or_joint(area_ids, joint)


class JointRecord(models.Model):
    """What a review and a report share: the areas they concern, always including the lead area."""

    class Meta:
        abstract = True

    def area_list(self) -> list[Locality]:
        """Every area it concerns, the lead area first (from the prefetched `areas` when there)."""
        others = sorted((a for a in self.areas.all() if a.pk != self.locality_id), key=lambda a: a.name)
        return [self.locality, *others]

    def other_areas(self, locality: Locality) -> list[Locality]:
        """The areas it concerns besides the one a page is about, for "Joint review with Eastvale"."""
        return [area for area in self.area_list() if area.pk != locality.pk]

    def is_joint(self) -> bool:
        return len(self.area_list()) > 1


class RecommendationQuerySet(JointQuerySet):
    """A recommendation concerns the areas its report concerns."""

    def _concerning(self, area_ids) -> models.Q:
        report_areas = self.model._meta.get_field("report").related_model.areas.through
        joint_reports = report_areas.objects.filter(locality_id__in=area_ids).values("report_id")
        return self._led_or_joint(
            area_ids, self.model._default_manager.filter(report_id__in=joint_reports).values("pk")
        )

    def public(self) -> RecommendationQuerySet:
        """Sent recommendations of published reports (never a draft, nor an agreed one unsent)."""
        return self.sent().filter(report__published_on__isnull=False)

    def sent(self) -> RecommendationQuerySet:
        """Sent ones, withdrawn included (shown, with the reason): not drafts, not agreed unsent."""
        return self.exclude(state__in=self.model.UNSENT)

    def counted(self) -> RecommendationQuerySet:
        """The ones every figure counts: sent and not withdrawn."""
        return self.filter(state__in=self.model.COUNTED)

    def overdue(self, on: datetime.date) -> RecommendationQuerySet:
        """The rule of `Recommendation.is_overdue`, for a query: awaiting a response, the clock
        running, and the due day passed."""
        return self.filter(self.model.overdue_condition(on))
