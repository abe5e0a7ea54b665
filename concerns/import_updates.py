"""Rows that name an experience already here, by the reference exports write (C-000123).

Such a row updates that experience instead of adding a copy, so an exported file imports back
without edits. Only experiences of the same area, collected by a body the uploader logs for, can
be named; any other reference is a problem on that row. The row's columns replace only what they
hold: a column the file leaves out (severity in an export for others, say) keeps its value, and
so does the one field no column carries (the service as described). Personal
details on the row are compared only when some are given: blank ones never erase what is kept.
"""

from __future__ import annotations

import dataclasses
import re

from agencies.models import Locality, User
from quality_system import approx_dates

from . import access, services
from .models import Concern, ConcernContact
from .services import ConcernDetails

REFERENCE = re.compile(r"C-(\d{1,12})", re.IGNORECASE)
PERSONAL = ("name", "email", "phone", "consent_to_contact", "consent_to_share")


class Editable:
    """The experiences an import may change: the area's, collected by the uploader's bodies."""

    def __init__(self, locality: Locality, user: User | None):
        self.locality = locality
        self.body_ids = {b.pk for b in access.collecting_bodies(user, locality)} if user else set()
        self.officer_body_ids = {b.pk for b in access.collecting_officer_bodies(user, locality)} if user else set()

    def find(self, reference: str) -> Concern | None:
        found = REFERENCE.fullmatch(reference.strip())
        if not found or not self.body_ids:
            return None
        return (
            Concern.all_objects.filter(
                locality=self.locality, collecting_body_id__in=self.body_ids, pk=int(found.group(1))
            )
            .select_related("service", "source_body", "locality")
            .first()
        )

    def not_found(self, reference: str) -> str:
        return (
            f"Reference {reference} is not an experience in {self.locality.name} that you can change. "
            "Remove the reference to add it as new"
        )


def current_cells(concern: Concern) -> dict[str, str]:
    """The experience's values as the file's columns write them: the values of the columns a row
    leaves out."""
    return {
        "date_received": concern.received_on.strftime("%d/%m/%Y"),
        "date_happened": approx_dates.written(concern.happened_on, concern.happened_on_precision),
        "channel": concern.channel,
        "service_type": concern.service_type,
        "sentiment": concern.sentiment,
        "narrative": concern.narrative,
        "service": concern.service.name if concern.service else "",
        "themes": concern.theme_names,
        "severity": str(concern.severity),
        "safeguarding": "yes" if concern.safeguarding else "no",
        "status": concern.status,
        "closed_reason": concern.closed_reason,
        "source_group": concern.source_body.name if concern.source_body else "",
        "external_ref": concern.external_ref,
    }


def fill(cells: dict[str, str], concern: Concern) -> dict[str, str]:
    """The row's cells, with the experience's own values for the columns the file leaves out.
    An export writes the service as the person described it when no service was chosen: that
    is the same service, not an unknown one."""
    filled = {**current_cells(concern), **cells}
    if concern.service is None and filled["service"].strip() == concern.service_described.strip():
        filled["service"] = ""
    return filled


def keep(details: ConcernDetails, concern: Concern) -> ConcernDetails:
    """The details, with the fields no column carries kept as they are."""
    return dataclasses.replace(details, service_described=concern.service_described)


def given_contact(cells: dict[str, str], contact: dict) -> dict:
    """The personal details the row gives (its personal columns, when any is filled)."""
    given = {k: contact[k] for k in PERSONAL if k in cells}
    return given if any((cells.get(k) or "").strip() for k in given) else {}


def contact_differs(concern: Concern, given: dict) -> bool:
    kept = ConcernContact.all_objects.filter(concern=concern).first()
    return any(getattr(kept, key, "" if isinstance(value, str) else False) != value for key, value in given.items())


def update(*, concern: Concern, details: ConcernDetails, contact: dict, user: User, source: str) -> None:
    """Write one row's changes, each recorded in the history as made by the uploader."""
    concern._history_user = user  # type: ignore[attr-defined]
    concern._change_reason = f"Imported from {source}"[:100]  # type: ignore[attr-defined]
    services.concern_update(concern=concern, details=details)
    if contact:
        services.personal_details_update(user=user, concern=concern, details=contact)
