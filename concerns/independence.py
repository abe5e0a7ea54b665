"""Alerts whose independent challenge is lost (the rule: agencies.independence): the body that
raised the alert held local Healthwatch on the day it was sent (or a handover gave it the alert
with a part of local Healthwatch) and is also one of the bodies it was sent to."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from agencies.independence import FLAG, handed_to, holds_challenge

from .models import Alert, AlertRecipient

__all__ = ["FLAG", "self_raised", "is_self_raised"]


def self_raised(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Only the alerts raised and received by the same body. Pure SQL."""
    to_itself = Exists(AlertRecipient.objects.filter(alert_id=OuterRef("pk"), body_id=OuterRef("raised_by_body_id")))
    held = holds_challenge("raised_by_body_id", "sent_on") | handed_to("alert-raised", "pk", "raised_by_body_id")
    return alerts.filter(to_itself).filter(held)


def is_self_raised(alert: Alert) -> bool:
    """One query."""
    return self_raised(Alert.all_objects.filter(pk=alert.pk)).exists()
