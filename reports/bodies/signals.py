"""Tell the navigation's counts (reports.bodies.counts) when what a body owes changes.

Each model is listed with the path from it to the body it is addressed to. Bulk updates send no
signals; none of the services changes these states in bulk (the count's expiry is the backstop).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from concerns.models import AlertRecipient

from ..models import EvidenceRequest, Recommendation, Response
from ..signals import follow
from . import counts

BODY_OF = {
    AlertRecipient: "body_id",
    Recommendation: "addressed_to_id",
    EvidenceRequest: "to_body_id",
    Response: "recommendation.addressed_to_id",
}


def _body(instance) -> int | None:
    return follow(instance, BODY_OF[type(instance)])


def _changed(sender, instance, **kwargs) -> None:
    counts.changed(_body(instance))


def connect() -> None:
    for model in BODY_OF:
        post_save.connect(_changed, sender=model, dispatch_uid=f"body-work-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"body-work-delete-{model.__name__}")
