"""What people know about a series that the numbers don't: a recorded change to the process
(from this month the limits are recalculated, Making Data Count) or a note on a month
("winter pressures", "new provider").

A series is named by a key, so one table serves every chart without concerns knowing the rooms
that draw them: "theme:<id>" and "service:<id>" (Healthwatch officers record these), "volume"
(the area's count of concerns) and "priority:<id>" (board members record these; the reports
app owns priorities). Nothing is deleted: a note recorded in error is withdrawn, with who,
when and why, and the history keeps every change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Locality


class SeriesNote(models.Model):
    class Kind(models.TextChoices):
        CHANGE = "change", "A change to the process (limits are recalculated from this month)"
        NOTE = "note", "A note on a month"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+", verbose_name="area")
    series = models.CharField(max_length=40)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    month = models.DateField(help_text="The first day of the month the change or note is about.")
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "recorded_at"]
        indexes = [models.Index(fields=["locality", "series", "month"], name="series_note_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "series", "month"],
                condition=models.Q(kind="change", withdrawn_at__isnull=True),
                name="one_change_per_series_month",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="series_note_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.month:%b %Y}: {self.reason}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
