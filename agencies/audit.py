"""The audit trail: who changed what, newest first, from the history every app keeps.

Each app registers its own sources (a label and how to find an area's history rows) when it is
ready, so this page lists alerts, recommendations and the board's records without this app
importing the ones above it. Reads at most `limit` rows from each source plus what it takes to
say what changed, so a page costs the same however long the history is.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from django.db.models import Field, QuerySet

from .models import Locality


@dataclasses.dataclass(frozen=True)
class Source:
    key: str  # in the page's filter, e.g. "recommendation"
    label: str  # as people say it, e.g. "Recommendation"
    rows: Callable[[Locality], QuerySet]  # the area's history rows


_SOURCES: dict[str, Source] = {}


def register(*sources: Source) -> None:
    """Add an app's history to the audit trail (called from the app's `ready`)."""
    for source in sources:
        _SOURCES[source.key] = source


def sources() -> list[Source]:
    return list(_SOURCES.values())


@dataclasses.dataclass
class AuditEntry:
    when: datetime.datetime
    who: str
    action: str
    what: str
    record: str
    changes: list[str]


@dataclasses.dataclass
class AuditPage:
    entries: list[AuditEntry]
    older_than: datetime.datetime | None  # where the next page starts, if there is one


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def audit_trail(
    locality: Locality,
    *,
    keys: Iterable[str] | None = None,
    person_id: int | None = None,
    before: datetime.datetime | None = None,
    limit: int = 50,
) -> AuditPage:
    """One page of the area's changes, newest first, of some kinds of record and by one person
    if asked, older than `before` (the previous page's last change)."""
    chosen = [s for s in sources() if keys is None or s.key in set(keys)]
    records: list[tuple[str, Any]] = []
    for source in chosen:
        rows = source.rows(locality)
        if person_id is not None:
            rows = rows.filter(history_user_id=person_id)
        if before is not None:
            rows = rows.filter(history_date__lt=before)
        rows = rows.select_related("history_user").order_by("-history_date")
        records.extend((source.label, r) for r in islice(rows, limit + 1))
    records.sort(key=lambda pair: pair[1].history_date, reverse=True)
    page = records[:limit]
    return AuditPage(
        entries=[
            AuditEntry(
                when=r.history_date,
                who=str(r.history_user) if r.history_user else "System",
                action=_ACTIONS.get(r.history_type, r.history_type),
                what=label,
                record=str(r.instance),
                changes=_changes(r),
            )
            for label, r in page
        ],
        older_than=page[-1][1].history_date if len(records) > limit else None,
    )


def _in_words(field: Field, value: Any) -> str:
    """A stored value as a person would say it: labels for choices, dates in words."""
    if value in (None, ""):
        return "blank"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if field.is_relation and isinstance(field.related_model, type):
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"record {value}"
    return str(value)


def _changes(record: Any) -> list[str]:
    previous = record.prev_record
    if record.history_type != "~" or previous is None:
        return []
    delta = record.diff_against(previous)
    changes = []
    for change in delta.changes:
        field = record.instance._meta.get_field(change.field)
        changes.append(f"{field.verbose_name}: ‘{_in_words(field, change.old)}’ → ‘{_in_words(field, change.new)}’")
    return changes


def register_agencies() -> None:
    from .handover_models import HandoverOverride, HandoverPart, HandoverPlan
    from .models import AttachRequest, Body, BodyArea, DutyAssessment, FunctionHolding, Membership

    def ever_served(locality: Locality):
        return BodyArea.objects.filter(locality=locality).values("body_id")

    register(
        Source("body", "Body", lambda a: Body.history.filter(id__in=ever_served(a))),
        Source("area-served", "Area served", lambda a: BodyArea.history.filter(locality_id=a.pk)),
        Source(
            "attach-request",
            "Request to serve the area",
            lambda a: AttachRequest.history.filter(locality_id=a.pk),
        ),
        Source("holding", "Function holding", lambda a: FunctionHolding.history.filter(locality_id=a.pk)),
        Source("membership", "Membership", lambda a: Membership.history.filter(body_id__in=ever_served(a))),
        Source("assessment", "Self-assessment", lambda a: DutyAssessment.history.filter(locality_id=a.pk)),
        Source("area", "Area", lambda a: Locality.history.filter(id=a.pk)),
        Source("handover", "Handover plan", lambda a: HandoverPlan.history.filter(locality_id=a.pk)),
        Source("handover-part", "Handover of a part", lambda a: HandoverPart.history.filter(locality_id=a.pk)),
        Source(
            "handover-override",
            "Record's part in a handover",
            lambda a: HandoverOverride.history.filter(plan__locality_id=a.pk),
        ),
    )
