"""The health and wellbeing board's priorities: each with its golden thread, the figure the board
tracks (counted from concerns, a share of them that were negative, or entered by hand), the
actions bodies agreed and the progress reported."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Body, Locality
from concerns.models import Alert, Concern, TrendSignal

from .models import Recommendation, Review
from .scoping import AreaQuerySet


class Priority(models.Model):
    """One of the health and wellbeing board's priority issues, with its golden thread: the
    concerns, signals, alerts, reviews and recommendations behind it."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        SOME_CONCERNS = "some_concerns", "Some concerns"
        OFF_TRACK = "off_track", "Not on track"
        RESOLVED = "resolved", "Resolved"

    class Measure(models.TextChoices):
        NONE = "none", "No figure yet"
        THEME = "theme", "Concerns each month with a theme"
        SERVICE = "service", "Concerns each month about a service"
        THEME_SHARE = "theme_share", "Share of experiences with a theme that were negative"
        SERVICE_SHARE = "service_share", "Share of experiences about a service that were negative"
        MANUAL = "manual", "A figure we enter each month"

    class Better(models.TextChoices):
        LOWER = "lower", "Lower is better"
        HIGHER = "higher", "Higher is better"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="priorities")
    title = models.CharField(max_length=200)
    why = models.TextField("why it matters", max_length=5000)
    owner_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="priorities_owned")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ON_TRACK)
    measure = models.CharField("figure to track", max_length=16, choices=Measure.choices, default=Measure.NONE)
    measure_name = models.CharField("name of the figure", max_length=200, blank=True)
    measure_theme = models.ForeignKey(
        "concerns.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="theme"
    )
    measure_service = models.ForeignKey(
        Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="service"
    )
    better = models.CharField(max_length=6, choices=Better.choices, default=Better.LOWER)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    concerns = models.ManyToManyField(Concern, blank=True, related_name="priorities")
    trend_signals = models.ManyToManyField(TrendSignal, blank=True, related_name="priorities")
    alerts = models.ManyToManyField(Alert, blank=True, related_name="priorities")
    reviews = models.ManyToManyField(Review, blank=True, related_name="priorities")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="priorities")
    agreed_on = models.DateField("date the board agreed it")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "priorities"
        indexes = [models.Index(fields=["locality", "status"], name="priority_area_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"P-{self.pk:04d}"


class PriorityFigure(models.Model):
    """One month's value of a priority's figure, when the figure is entered by hand."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="figures")
    month = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["month"]
        constraints = [models.UniqueConstraint(fields=["priority", "month"], name="one_figure_per_month")]

    def __str__(self) -> str:
        return f"{self.priority}: {self.month:%B %Y} {self.value}"


class PriorityAction(models.Model):
    """Something a named body will do about a priority, by a date."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=500)
    owner_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name="who will do it")
    due_on = models.DateField("due by")
    done_on = models.DateField("done on", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.action

    def is_overdue(self, on: datetime.date) -> bool:
        return self.done_on is None and on > self.due_on


class PriorityUpdate(models.Model):
    """Progress reported on a priority, with its status in words at the time."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=Priority.Status.choices)
    progress = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.get_status_display()}"
