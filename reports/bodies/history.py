"""The recent changes to what was addressed to a body, from the audit trail (simple_history).

One query per kind of item, each bounded, plus one to name the areas and topics the history rows
only hold ids for: the count stays the same however long the history grows.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from concerns.models import Alert, AlertRecipient

from ..models import EvidenceRequest, Recommendation, Review

SHOWN = 25
VERBS = {"+": "Received", "~": "Changed", "-": "Removed"}


@dataclasses.dataclass(frozen=True)
class Change:
    when: datetime.datetime
    what: str
    area_name: str
    state: str
    due_on: datetime.date
    who: str


def _who(row: Any) -> str:
    user = row.history_user
    if user is not None:
        return user.full_name or user.email
    named = getattr(row, "answered_by_name", "")  # who answered, as the answer recorded it
    if named:
        return f"{named} (by emailed link)" if getattr(row, "via_link", False) else named
    return "The system"


def _describe(row: Any, label: str) -> str:
    return f"{VERBS.get(row.history_type, 'Changed')}: {label}"


def _alert_changes(body_id: int) -> list[Change]:
    rows = list(
        AlertRecipient.history.filter(body_id=body_id).select_related("history_user").order_by("-history_id")[:SHOWN]
    )
    areas = dict(Alert.all_objects.filter(pk__in={r.alert_id for r in rows}).values_list("pk", "locality__name"))
    states = dict(AlertRecipient.State.choices)
    return [
        Change(
            r.history_date,
            _describe(r, f"alert A-{r.alert_id:05d}"),
            areas.get(r.alert_id, ""),
            states.get(r.state, r.state),
            r.due_on,
            _who(r),
        )
        for r in rows
    ]


def _recommendation_changes(body_id: int) -> list[Change]:
    rows = (
        Recommendation.history.filter(addressed_to_id=body_id)
        .select_related("history_user", "locality")
        .order_by("-history_id")[:SHOWN]
    )
    states = dict(Recommendation.State.choices)
    return [
        Change(
            r.history_date,
            _describe(r, f"recommendation {r.reference}"),
            r.locality.name if r.locality else "",
            states.get(r.state, r.state),
            r.due_on,
            _who(r),
        )
        for r in rows
    ]


def _evidence_changes(body_id: int) -> list[Change]:
    rows = list(
        EvidenceRequest.history.filter(to_body_id=body_id)
        .select_related("history_user")
        .order_by("-history_id")[:SHOWN]
    )
    reviews = {
        pk: (topic, area)
        for pk, topic, area in Review.objects.filter(pk__in={r.review_id for r in rows}).values_list(
            "pk", "topic", "locality__name"
        )
    }
    states = dict(EvidenceRequest.State.choices)
    return [
        Change(
            r.history_date,
            _describe(r, f"request for evidence E-{r.id:05d} (‘{reviews.get(r.review_id, ('', ''))[0]}’)"),
            reviews.get(r.review_id, ("", ""))[1],
            states.get(r.state, r.state),
            r.due_on,
            _who(r),
        )
        for r in rows
    ]


def recent_changes(body_id: int) -> list[Change]:
    """The newest changes first, across alerts, recommendations and evidence requests."""
    changes = [*_alert_changes(body_id), *_recommendation_changes(body_id), *_evidence_changes(body_id)]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:SHOWN]
