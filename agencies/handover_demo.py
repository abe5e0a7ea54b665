"""The demo's planned handover: Northmoor's local Healthwatch divided on the next 1 April at
least two months away, its health part to the integrated care board and its social care part to
the county council, for a newcomer to preview (issue 16). Nothing moves until that date."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .demo import DEMO_DOMAIN, DemoArea
from .handover_models import HandoverPlan
from .handover_services import Successor, handover_plan_save
from .models import Function, User

ICB = "NHS Northmoor and Eastvale Integrated Care Board"
COUNCIL = "Northmoor County Council"
PENDING_ACT = "To be confirmed: the act abolishing local Healthwatch (health functions to integrated care boards)"
PENDING_SCHEME = "To be confirmed: the transfer scheme for social care functions to Northmoor County Council"


def handover_date(today: datetime.date) -> datetime.date:
    """The next 1 April at least 60 days after today (1 April 2027 when loaded in late 2026)."""
    year = today.year if today < datetime.date(today.year, 4, 1) - datetime.timedelta(days=60) else today.year + 1
    return datetime.date(year, 4, 1)


def seed(area: DemoArea) -> HandoverPlan:
    """Plan the handover once (a second load finds the plan already there)."""
    function = Function.objects.get(code=Function.LOCAL_HEALTHWATCH)
    existing = HandoverPlan.objects.filter(
        locality=area.northmoor, function=function, state=HandoverPlan.State.PLANNED
    ).first()
    if existing is not None:
        return existing
    parts = {p.code: p for p in function.parts.all()}
    return handover_plan_save(
        locality=area.northmoor,
        function=function,
        takes_effect_on=handover_date(timezone.localdate()),
        successors=[
            Successor(parts["health"], area.bodies[ICB], PENDING_ACT),
            Successor(parts["social_care"], area.bodies[COUNCIL], PENDING_SCHEME),
        ],
        user=User.objects.get(email=f"admin@{DEMO_DOMAIN}"),
    )
