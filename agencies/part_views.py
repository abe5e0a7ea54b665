"""The area's part rules: which part of a divided function each type of service's records
belong to. Everyone in the area reads them; administrators change them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quality_system.forms import apply_service_errors

from . import access
from .http import area_view, posted
from .models import Function, Locality
from .part_forms import PartRulesForm, type_label
from .part_services import part_rules_save
from .parts import DEFAULT_PARTS, rules_for


def _rows(locality: Locality) -> tuple[dict, list]:
    functions = Function.objects.filter(parts__isnull=False).distinct().order_by("order")
    rules = {function: rules_for(locality, function) for function in functions}
    tables = []
    for function, mapping in rules.items():
        defaults = DEFAULT_PARTS.get(function.code, {})
        rows = [
            {
                "label": type_label(service_type),
                "part": part,
                "is_default": defaults.get(service_type) == part.code,
            }
            for service_type, part in mapping.items()
        ]
        tables.append({"function": function, "rows": rows})
    return rules, tables


@area_view
@require_http_methods(["GET", "POST"])
def part_rules(request, locality: Locality):
    can_change = access.can_administer(request.user, locality)
    if request.method == "POST":
        access.require_administrator(request.user, locality)
    rules, tables = _rows(locality)
    form = PartRulesForm(posted(request), rules=rules) if can_change else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            changed = sum(
                part_rules_save(locality=locality, function=function, chosen=chosen, changed_by=request.user)
                for function, chosen in form.chosen().items()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Part rules for {locality.name} saved: {changed} changed.")
            return redirect("agencies:part-rules", locality.slug)
    return render(
        request,
        "agencies/part_rules.html",
        {"locality": locality, "tables": tables, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
