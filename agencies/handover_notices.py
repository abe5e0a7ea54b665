"""What everyone is told about a handover (issue 17, item 3): from the day a plan is made (and
after it has happened) the board's dashboard, the quality-system page and the public front door
say "From 1 April 2027 Northmoor Healthwatch's health functions are carried out by …", one
sentence per part. Reads only: two queries however many plans."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format

from .handover_models import HandoverPart, HandoverPlan
from .models import FunctionHolding, Locality

SHOWN = [HandoverPlan.State.PLANNED, HandoverPlan.State.DONE]


def handover_notices(locality: Locality) -> list[str]:
    return notices_by_area([locality]).get(locality.pk, [])


def notices_by_area(localities: list[Locality]) -> dict[int, list[str]]:
    """Each area's sentences (the public front door lists every area). Two queries."""
    ids = [loc.pk for loc in localities]
    parts = list(
        HandoverPart.objects.filter(plan__locality_id__in=ids, plan__state__in=SHOWN)
        .select_related("plan", "part", "successor")
        .order_by("plan__takes_effect_on", "plan_id", "part__order")
    )
    if not parts:
        return {}
    function_ids = {p.plan.function_id for p in parts}
    wholes = list(
        FunctionHolding.objects.filter(locality_id__in=ids, function_id__in=function_ids, part__isnull=True)
        .select_related("body")
        .order_by("starts_on")
    )
    notices: dict[int, list[str]] = {}
    for chosen in parts:
        on = chosen.plan.takes_effect_on
        area = chosen.plan.locality_id
        outgoing = _outgoing([h for h in wholes if h.locality_id == area], chosen.plan.function_id, on)
        whose = f"{outgoing.body.name}'s" if outgoing else "The"
        notices.setdefault(area, []).append(
            f"From {date_format(on, 'j F Y')} {whose} {chosen.part.name.lower()} functions are carried out by "
            f"{chosen.successor.name}."
        )
    return notices


def _outgoing(wholes: list[FunctionHolding], function_id: int, on: datetime.date) -> FunctionHolding | None:
    """The body holding the whole function the day before the plan's date."""
    day_before = on - datetime.timedelta(days=1)
    for holding in wholes:
        if holding.function_id != function_id or holding.starts_on > day_before:
            continue
        if holding.ends_on is None or holding.ends_on >= day_before:
            return holding
    return None
