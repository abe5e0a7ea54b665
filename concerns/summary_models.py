"""The summary tables the dashboards read (counts by area, month and dimension), and how current
each area's counts are. Rebuilt by `concerns.summaries`."""

from __future__ import annotations

from django.db import models

from agencies.models import Locality


class MonthlyCount(models.Model):
    """Counted concerns per area, month and dimension: the summary table the dashboards read,
    so no dashboard scans the concerns themselves. Rebuilt per area by `concerns.summaries`
    when the area's concerns change (a beat job, every few minutes)."""

    class Dimension(models.TextChoices):
        TOTAL = "total", "All counted concerns"
        THEME = "theme", "Theme"
        SERVICE = "service", "Service"
        SERVICE_TYPE = "service_type", "Type of service"
        CHANNEL = "channel", "How it reached us"
        SOURCE = "source", "Came through a group or body"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        PUBLIC = "public", "Shared by the public online"
        # The negative ones among a theme's or a service's counted experiences: the numerator of
        # a share (concerns.series_figures), so a busy month does not read as a deterioration.
        THEME_NEGATIVE = "theme_negative", "Theme, negative experiences"
        SERVICE_NEGATIVE = "service_negative", "Service, negative experiences"

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=40, blank=True)  # a theme or service id, a channel; "" for totals
    month = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["locality", "dimension", "key", "month"], name="monthly_count_unique")
        ]
        indexes = [models.Index(fields=["locality", "dimension", "month"], name="monthly_count_area_month")]

    def __str__(self) -> str:
        return f"{self.locality_id} {self.dimension} {self.key} {self.month:%Y-%m}: {self.count}"


class SummaryState(models.Model):
    """How current an area's monthly counts are. Every change to a concern adds one to
    `changes`; a rebuild records the number it started from, so a change made during a
    rebuild leaves the area marked for the next one."""

    locality = models.OneToOneField(Locality, on_delete=models.CASCADE, primary_key=True, related_name="+")
    changes = models.PositiveBigIntegerField(default=1)
    counted_changes = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now_add=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Summary for area {self.locality_id}"

    @property
    def is_stale(self) -> bool:
        return self.changes > self.counted_changes
