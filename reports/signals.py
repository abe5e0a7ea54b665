"""Tell the dashboards when something they show has changed (agencies.figures).

Each model the dashboards read is listed with the path from it to its area. Bulk updates
(`QuerySet.update`) send no signals: the services that use them call `figures.changed`
themselves.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from agencies import figures
from agencies.models import Body, DutyAssessment
from concerns.models import Alert, AlertRecipient, Theme, TrendSignal

from .models import (
    EvidenceRequest,
    Extension,
    ImplementationUpdate,
    Priority,
    PriorityAction,
    PriorityFigure,
    PriorityUpdate,
    Recommendation,
    Referral,
    Report,
    Response,
    Review,
    SurveillanceView,
)

# model -> the attribute path to the area's id
AREA_OF = {
    Body: "locality_id",
    DutyAssessment: "locality_id",
    Theme: "locality_id",
    TrendSignal: "locality_id",
    Alert: "locality_id",
    AlertRecipient: "alert.locality_id",
    Review: "locality_id",
    Report: "locality_id",
    EvidenceRequest: "review.locality_id",
    Recommendation: "locality_id",
    Response: "recommendation.locality_id",
    Extension: "recommendation.locality_id",
    ImplementationUpdate: "recommendation.locality_id",
    Priority: "locality_id",
    PriorityFigure: "priority.locality_id",
    PriorityAction: "priority.locality_id",
    PriorityUpdate: "priority.locality_id",
    Referral: "priority.locality_id",
    SurveillanceView: "locality_id",
}


def follow(instance, path: str):
    """The value at a dotted attribute path ("recommendation.locality_id"), or None when a parent
    is already deleted (the parent's own signal covered it)."""
    value = instance
    for part in path.split("."):
        try:
            value = getattr(value, part)
        except Exception:
            return None
    return value


def _area(instance) -> int | None:
    return follow(instance, AREA_OF[type(instance)])


def _changed(sender, instance, **kwargs) -> None:
    figures.changed(_area(instance))


def _thread_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Priority):
        figures.changed(instance.locality_id)


def connect() -> None:
    for model in AREA_OF:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")
    for field in ("concerns", "trend_signals", "alerts", "reviews", "recommendations"):
        through = getattr(Priority, field).through
        m2m_changed.connect(_thread_changed, sender=through, dispatch_uid=f"figures-thread-{field}")
