"""Writes that span apps (reports may use concerns and agencies)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.models import ClosureDay, Locality
from concerns.alerts import recompute_due_dates


def closure_day_add(*, locality: Locality, date: datetime.date, reason: str) -> tuple[ClosureDay, int]:
    """Add a non-working day and work out again every open deadline. Returns the day and how
    many deadlines moved."""
    try:
        with transaction.atomic():
            day = ClosureDay.objects.create(locality=locality, date=date, reason=reason)
            moved = recompute_due_dates(locality)
    except IntegrityError:
        raise ValidationError({"date": f"{date:%-d %B %Y} is already a closure day."}) from None
    return day, moved


def closure_day_remove(*, day: ClosureDay) -> int:
    with transaction.atomic():
        locality = day.locality
        day.delete()
        return recompute_due_dates(locality)
