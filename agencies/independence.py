"""Where independent challenge is lost: the one rule, on the functions a body holds on a day.

Local Healthwatch exists to challenge the bodies that commission and run services. When a
body that holds local Healthwatch (or a part of it) on the day it raises an alert or makes a
recommendation is also the body the alert or recommendation is sent to, it is challenging
itself: the challenge is no longer independent. This follows the functions held on the item's
date, never a body's kind, so it appears exactly when a handover makes it true (for example an
integrated care board holding local Healthwatch's health part raising an alert to itself).

The record-level conditions live with the records (concerns.independence for alerts,
reports.independence for recommendations); both use `holds_challenge` below.
"""

from __future__ import annotations

from django.db.models import Exists, Expression, OuterRef, Q

from .handover_models import CustodyChange
from .models import Function, FunctionHolding

FLAG = "Raised and received by the same body: independent challenge lost"


def holds_challenge(body_field: str, date_field: str | Expression, locality_field: str = "locality") -> Exists:
    """A condition on records: the body in `body_field` held local Healthwatch (the whole
    function or a part of it) in the record's area on the date in `date_field` (a field name or
    an expression). Pure SQL: no query until the records are fetched."""
    on = OuterRef(date_field) if isinstance(date_field, str) else date_field
    return Exists(
        FunctionHolding.objects.filter(
            function__code=Function.LOCAL_HEALTHWATCH,
            body_id=OuterRef(body_field),
            locality_id=OuterRef(locality_field),
            starts_on__lte=on,
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    )


def handed_to(kind: str, record_field: str, body_field: str) -> Exists:
    """A condition on records: a handover gave the record (`record_field`, of handover kind
    `kind`) to the body in `body_field`. An open alert Healthwatch raised to the ICB, moved to
    the ICB with Healthwatch's health part, is the ICB challenging itself from then on."""
    return Exists(
        CustodyChange.objects.filter(kind=kind, record_id=OuterRef(record_field), to_body_id=OuterRef(body_field))
    )
