"""Which part of a divided function (agencies.parts) a concern or an alert belongs to: by the
service types of the services it concerns.

For a list: fetch the records through `concerns_for_parts` / `alerts_for_parts` (their service
types come with them, in one query per relation), get the area's rules once with
`agencies.parts.rules_for(locality, function)`, then call `concern_part` / `alert_part` per
record (no further query).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from agencies.part_models import FunctionPart
from agencies.parts import part_for

from .models import AlertRecipient, Concern


def concerns_for_parts(concerns: QuerySet) -> QuerySet:
    """A concern's service type is its own column: nothing to fetch."""
    return concerns


def concern_service_types(concern: Concern) -> set[str]:
    return {concern.service_type} if concern.service_type else set()


def concern_part(concern: Concern, rules: dict[str, FunctionPart]) -> FunctionPart | None:
    return part_for(rules, concern_service_types(concern))


def alert_prefetches(prefix: str = "") -> list[Prefetch]:
    """What an alert's service types are read from: the types of the experiences it cites, and
    of the services among its recipients (a commissioner or council has no service type)."""
    return [
        Prefetch(
            f"{prefix}concerns",
            queryset=Concern.all_objects.only("pk", "service_type"),
            to_attr="part_concerns",
        ),
        Prefetch(
            f"{prefix}recipients",
            queryset=AlertRecipient.objects.select_related("body").only("pk", "alert_id", "body__service_type"),
            to_attr="part_recipients",
        ),
    ]


def alerts_for_parts(alerts: QuerySet) -> QuerySet:
    return alerts.prefetch_related(*alert_prefetches())


def alert_service_types(alert) -> set[str]:
    concerns = getattr(alert, "part_concerns", None)
    recipients = getattr(alert, "part_recipients", None)
    if concerns is None:
        concerns = list(alert.concerns.all())
    if recipients is None:
        recipients = list(alert.recipients.select_related("body"))
    types = {c.service_type for c in concerns if c.service_type}
    return types | {r.body.service_type for r in recipients if r.body.service_type}


def alert_part(alert, rules: dict[str, FunctionPart]) -> FunctionPart | None:
    return part_for(rules, alert_service_types(alert))
