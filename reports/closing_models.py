"""The outgoing body's last report (issue 17, item 4): the staff's own words around the figures
drawn from the record, and whether and when it was published. The figures are never stored:
they are worked out from the record each time (reports.closing.figures)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.handover_models import HandoverPlan
from agencies.models import Body


class ClosingReport(models.Model):
    plan = models.ForeignKey(HandoverPlan, on_delete=models.PROTECT, related_name="closing_reports")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="closing_reports")
    introduction = models.TextField(max_length=5000, blank=True)
    people_note = models.TextField("what people told us", max_length=5000, blank=True)
    alerts_note = models.TextField("alerts", max_length=5000, blank=True)
    recommendations_note = models.TextField("reports and recommendations", max_length=5000, blank=True)
    handed_on_note = models.TextField("what we hand on", max_length=5000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "body"], name="one_closing_report_per_body")]

    def __str__(self) -> str:
        return f"Closing report of {self.body}"
