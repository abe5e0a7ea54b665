"""Writes for parts of a divided function: giving a part to a body from a date, and changing
which part an area's records belong to.

A part has one holder at a time in an area (whether or not the whole function is single-holder):
giving it to a body ends the part's current holding the day before, and ends the holding of the
whole function too, so each part moves without a gap or an overlap. `agencies.services.
function_assign` calls `part_assign` when a part is named.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .access import serves
from .models import Body, Function, FunctionHolding, Locality, User
from .part_models import FunctionPart, PartRule
from .parts import rules_for


def _when(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _check_part(function: Function, part: FunctionPart, body: Body, locality: Locality, starts_on) -> None:
    if part.function_id != function.pk:
        raise ValidationError({"part": f"{part.name} is not a part of {function.name}. Choose one of its parts."})
    if not serves(locality, body, on=starts_on):
        raise ValidationError(
            {"body": f"{body.name} does not serve {locality.name} on {_when(starts_on)}. Choose a body that serves it."}
        )


def _refuse_conflicts(existing: list[FunctionHolding], part: FunctionPart, body: Body, starts_on) -> None:
    """A part cannot be held by two bodies at once: refuse when the same body already holds the
    part that day, or when a holding of the part (or of the whole function) starts on or after
    the date (a move already planned: change that one first)."""
    for holding in existing:
        if holding.part_id not in (None, part.pk):
            continue
        if holding.part_id == part.pk and holding.body_id == body.pk and holding.is_current(starts_on):
            raise ValidationError({"body": f"{body.name} already holds the {part.name.lower()} part on that date."})
        if holding.starts_on >= starts_on:
            what = f"the {part.name.lower()} part" if holding.part_id else "the whole function"
            raise ValidationError(
                {
                    "starts_on": (
                        f"{holding.body.name} holds {what} from {_when(holding.starts_on)}. "
                        "Enter a start date after that, or end that holding first."
                    )
                }
            )


def part_assign(
    *,
    function: Function,
    part: FunctionPart,
    body: Body,
    locality: Locality,
    starts_on: datetime.date,
    notes: str = "",
    legal_basis: str = "",
) -> FunctionHolding:
    """Give one part of a function to a body in an area from a date, with its legal basis. The
    part's current holder, and the holder of the whole function, stop holding it the day before."""
    _check_part(function, part, body, locality, starts_on)
    with transaction.atomic():
        # Lock the area's holdings of this function so two moves cannot interleave.
        existing = list(
            FunctionHolding.objects.select_for_update()
            .filter(function=function, locality=locality)
            .select_related("body")
            .order_by("starts_on")
        )
        _refuse_conflicts(existing, part, body, starts_on)
        day_before = starts_on - datetime.timedelta(days=1)
        for holding in existing:
            if holding.part_id not in (None, part.pk):
                continue
            if holding.is_current(starts_on) or (holding.ends_on is None and holding.starts_on < starts_on):
                holding.ends_on = day_before
                holding.save(update_fields=["ends_on"])
        holding = FunctionHolding(
            function=function,
            part=part,
            body=body,
            locality=locality,
            starts_on=starts_on,
            notes=notes,
            legal_basis=legal_basis.strip(),
        )
        holding.full_clean()
        holding.save()
    return holding


def part_rules_save(
    *, locality: Locality, function: Function, chosen: dict[str, FunctionPart], changed_by: User | None
) -> int:
    """Set the area's rules: for each service type (or "" for records about no service or
    several), the part its records belong to. Only the rules that change are written (their
    history keeps who changed what and when). Returns how many changed."""
    parts = {p.pk for p in function.parts.all()}
    if any(part.pk not in parts for part in chosen.values()):
        raise ValidationError(f"Choose parts of {function.name} only.")
    changed = 0
    with transaction.atomic():
        current = rules_for(locality, function)
        rows = {
            r.service_type: r
            for r in PartRule.objects.select_for_update().filter(Q(locality=locality) & Q(function=function))
        }
        for service_type, part in chosen.items():
            if current.get(service_type) is not None and current[service_type].pk == part.pk:
                continue
            rule = rows.get(service_type) or PartRule(locality=locality, function=function, service_type=service_type)
            rule.part = part
            rule.changed_by = changed_by
            rule.save()
            changed += 1
    return changed
