"""Requests to add a body from elsewhere to an area's footprint (tables of the agencies app).

Nobody attaches a body to their area alone: an area's administrator asks, and the body's own
administrators accept (a footprint row starts) or decline (with a reason the area sees).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .models import Body, BodyArea, Locality, User


class AttachRequest(models.Model):
    """An area asks a body that serves other areas to serve it too."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="attach_requests")
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="attach_requests", verbose_name="area asking"
    )
    note = models.CharField("message to the body's administrators", max_length=500, blank=True)
    asked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    asked_at = models.DateTimeField("asked", default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    answered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField("answered", null=True, blank=True)
    decline_reason = models.CharField("reason for declining", max_length=500, blank=True)
    footprint = models.ForeignKey(
        BodyArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="area served"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = "request to add a body to an area"
        constraints = [
            # One open question per body and area: asking twice adds nothing.
            models.UniqueConstraint(
                fields=["body", "locality"], condition=models.Q(state="pending"), name="one_pending_attach_request"
            )
        ]
        # The requests page: an area's requests, and the requests waiting for a body's answer.
        indexes = [models.Index(fields=["locality", "-asked_at"], name="attach_request_area")]

    def __str__(self) -> str:
        return f"{self.locality} asks {self.body} to serve it"

    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
