"""A planned handover of a divided function's parts to their successors on a date, the
administrator's per-record choices of part, and the custodian history of every record moved.

The plan is drafted, edited or cancelled by the area's administrators until its date; on the
date a beat job (agencies.handover.handovers_run) moves the open work in one transaction and
marks the plan done. Nothing is deleted: a moved record keeps a `CustodyChange` row saying who
held it before, so past work still reads as the old holder's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .models import Body, Function, Locality
from .part_models import FunctionPart


class HandoverPlan(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        CANCELLED = "cancelled", "Cancelled"
        DONE = "done", "Done"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+", verbose_name="area")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="+")
    takes_effect_on = models.DateField("date of the handover")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    # What the job moved, by kind of record (the preview's counts on the day), for the record.
    moved = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["takes_effect_on", "id"]
        # The daily job's scan: plans still planned whose date has come.
        indexes = [models.Index(fields=["state", "takes_effect_on"], name="handover_due")]

    def __str__(self) -> str:
        return f"Handover of {self.function} in {self.locality} on {self.takes_effect_on:%-d %B %Y}"

    def is_editable(self) -> bool:
        """A plan can be changed or cancelled until it has happened (or been cancelled)."""
        return self.state == self.State.PLANNED


class HandoverPart(models.Model):
    """One part of the function in a plan: the body that will hold it and on what legal basis.
    The area and date are copied from the plan so that the database refuses two live plans for
    the same part on the same date."""

    plan = models.ForeignKey(HandoverPlan, on_delete=models.CASCADE, related_name="parts")
    part = models.ForeignKey(FunctionPart, on_delete=models.PROTECT, related_name="+")
    successor = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField("legal basis", max_length=300)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    takes_effect_on = models.DateField()
    live = models.BooleanField(default=True, help_text="False once the plan is cancelled.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["part__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "part"], name="one_successor_per_part_in_plan"),
            models.UniqueConstraint(
                fields=["locality", "part", "takes_effect_on"],
                condition=models.Q(live=True),
                name="one_live_handover_per_part_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.name} to {self.successor}"


class HandoverOverride(models.Model):
    """An administrator's choice of part for one record in a plan, over the area's rule."""

    plan = models.ForeignKey(HandoverPlan, on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField("kind of record", max_length=30)
    record_id = models.PositiveBigIntegerField()
    part = models.ForeignKey(FunctionPart, on_delete=models.PROTECT, related_name="+")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "record_id"], name="one_override_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id} → {self.part.name}"


class CustodyChange(models.Model):
    """A record passed from one body to another on a date (by a handover plan): the custodian
    history that lets past work read as the old holder's."""

    kind = models.CharField("kind of record", max_length=30)
    record_id = models.PositiveBigIntegerField()
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    from_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    to_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(HandoverPlan, on_delete=models.PROTECT, related_name="custody_changes")
    part = models.ForeignKey(FunctionPart, on_delete=models.PROTECT, related_name="+")
    on = models.DateField("date of the change")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            # A plan moves a record once, so a rerun cannot write a second row.
            models.UniqueConstraint(fields=["plan", "kind", "record_id"], name="one_custody_change_per_plan"),
        ]
        # The record pages' "Held by X until …" line: a record's changes.
        indexes = [models.Index(fields=["kind", "record_id"], name="custody_of_record")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}: {self.from_body} → {self.to_body} on {self.on}"

    @property
    def until(self) -> datetime.date:
        """The old holder's last day with the record."""
        return self.on - datetime.timedelta(days=1)
