"""Which part of a divided function a record belongs to (see `agencies.part_models`).

The defaults follow the announced split of local Healthwatch: health services to the health
part (integrated care boards), social care to the social care part (local authorities); a
record about no service, or several, follows the health part unless the area's rule says
otherwise. An area's `PartRule` rows replace any default they name.
"""

from __future__ import annotations

from django.db import models

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


class PartRow:
    """One part of a divided function in an area on a day: who holds it (a holding of the part,
    or of the whole function, or none) and who holds it next, if a move is planned."""

    def __init__(self, part: FunctionPart, holding, next_holding) -> None:
        self.part = part
        self.holding = holding
        self.next_holding = next_holding


def part_rows(locality: Locality, on) -> list[PartRow]:
    """Every part of every divided function, with its holder on `on` and its next holder. Two queries."""
    from .models import FunctionHolding

    parts = list(FunctionPart.objects.select_related("function").order_by("function__order", "order", "name"))
    if not parts:
        return []
    holdings = list(
        FunctionHolding.objects.filter(locality=locality, function_id__in={p.function_id for p in parts})
        .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on))
        .select_related("body", "part")
        .order_by("starts_on")
    )
    rows = []
    for part in parts:
        mine = [h for h in holdings if h.function_id == part.function_id and h.part_id in (None, part.pk)]
        now = next((h for h in mine if h.is_current(on)), None)
        later = next((h for h in mine if h.starts_on > on), None)
        rows.append(PartRow(part, now, later))
    return rows


def in_parts_held(
    function_code: str,
    body_ids,
    on,
    *,
    locality_field: str = "locality_id",
    type_field: str = "service_type",
    collector_field: str | None = None,
) -> models.Q:
    """A condition on records (with an area and a service type column) that are in a part of the
    function that one of these bodies (ids, or a subquery of ids) holds in the record's area on
    `on`: by the area's rule for the type, or else by the default. With `collector_field`, only
    records collected by a body that has held the function (the part's records, not every
    record about such a service). Pure SQL: no query until the records are fetched."""
    from .models import FunctionHolding

    held = (
        FunctionHolding.objects.current(on)
        .filter(function__code=function_code, part__isnull=False, body_id__in=body_ids, body__is_active=True)
        .filter(locality_id=models.OuterRef(locality_field))
    )
    by_rule = models.Exists(
        held.filter(
            part__rules__locality_id=models.OuterRef(locality_field),
            part__rules__service_type=models.OuterRef(type_field),
        )
    )
    overridden = models.Exists(
        PartRule.objects.filter(
            function__code=function_code,
            locality_id=models.OuterRef(locality_field),
            service_type=models.OuterRef(type_field),
        )
    )
    by_default = models.Q(pk__in=[])
    defaults = DEFAULT_PARTS.get(function_code, {})
    for code in sorted(set(defaults.values())):
        types = [t for t, c in defaults.items() if c == code]
        by_default |= models.Q(**{f"{type_field}__in": types}) & models.Exists(held.filter(part__code=code))
    condition = by_rule | (~overridden & by_default)
    if collector_field:
        holders = FunctionHolding.objects.filter(function__code=function_code).values("body_id")
        condition &= models.Q(**{f"{collector_field}__in": holders})
    return condition
