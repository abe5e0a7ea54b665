"""Which part of a divided function a record belongs to (see `agencies.part_models`).

The defaults follow the announced split of local Healthwatch: health services to the health
part (integrated care boards), social care to the social care part (local authorities); a
record about no service, or several, follows the health part unless the area's rule says
otherwise. An area's `PartRule` rows replace any default they name.
"""

from __future__ import annotations

from .models import Function, Locality, ServiceType
from .part_models import FunctionPart, PartRule

HEALTH = "health"
SOCIAL_CARE = "social_care"
NO_SERVICE = ""  # the rule's key for records about no service, or several

DEFAULT_PARTS: dict[str, dict[str, str]] = {
    Function.LOCAL_HEALTHWATCH: {
        ServiceType.GP: HEALTH,
        ServiceType.HOSPITAL: HEALTH,
        ServiceType.MENTAL_HEALTH: HEALTH,
        ServiceType.DENTISTRY: HEALTH,
        ServiceType.PHARMACY: HEALTH,
        ServiceType.COMMUNITY: HEALTH,
        ServiceType.AMBULANCE: HEALTH,
        ServiceType.CARE_HOME: SOCIAL_CARE,
        ServiceType.HOME_CARE: SOCIAL_CARE,
        ServiceType.SOCIAL_CARE: SOCIAL_CARE,
        ServiceType.OTHER: HEALTH,
        NO_SERVICE: HEALTH,
    }
}


def parts_of(function: Function) -> list[FunctionPart]:
    return list(function.parts.order_by("order", "name"))


def rules_for(locality: Locality, function: Function) -> dict[str, FunctionPart]:
    """Every service type (and NO_SERVICE) of a divided function mapped to its part in this
    area: the area's own rules over the defaults. Empty for a function with no parts. Two queries."""
    parts = {p.code: p for p in parts_of(function)}
    if not parts:
        return {}
    defaults = DEFAULT_PARTS.get(function.code, {})
    first = next(iter(parts.values()))
    mapping = {key: parts.get(defaults.get(key, ""), first) for key in [NO_SERVICE, *ServiceType.values]}
    for rule in PartRule.objects.filter(locality=locality, function=function).select_related("part"):
        mapping[rule.service_type] = rule.part
    return mapping


def part_for(rules: dict[str, FunctionPart], service_types: set[str] | frozenset[str]) -> FunctionPart | None:
    """The part a record belongs to, given the service types it concerns (none, one or several):
    the type's part when there is one type (or several in the same part), otherwise the part for
    records about no service or several."""
    if not rules:
        return None
    found = {rules[t].pk: rules[t] for t in service_types if t in rules}
    if len(found) == 1:
        return next(iter(found.values()))
    return rules[NO_SERVICE]
