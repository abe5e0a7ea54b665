"""Pages for handover plans, for the area's administrators: the list, drafting and changing a
plan, cancelling it, the preview of what moves where, and one record's part."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quality_system.forms import apply_service_errors

from . import access, handover, handover_services, parts
from .handover_forms import HandoverOverrideForm, HandoverPlanForm
from .handover_models import CustodyChange, HandoverPlan
from .http import area_view, posted
from .models import Function, Locality


def _plan(request, locality: Locality, pk: int) -> HandoverPlan:
    access.require_administrator(request.user, locality)
    return get_object_or_404(HandoverPlan.objects.select_related("function", "locality"), pk=pk, locality=locality)


@area_view
@require_GET
def handover_list(request, locality: Locality):
    access.require_administrator(request.user, locality)
    plans = HandoverPlan.objects.filter(locality=locality).select_related("function").order_by("-takes_effect_on")
    divided = Function.objects.filter(parts__isnull=False).distinct().order_by("order")
    return render(request, "agencies/handovers.html", {"locality": locality, "plans": plans, "divided": divided})


@area_view
@require_http_methods(["GET", "POST"])
def handover_edit(request, locality: Locality, function: str = "", pk: int | None = None):
    plan = _plan(request, locality, pk) if pk else None
    if plan is None:
        access.require_administrator(request.user, locality)
        function_obj = get_object_or_404(Function.objects.filter(parts__isnull=False).distinct(), code=function)
    else:
        function_obj = plan.function
        if not plan.is_editable():
            raise Http404("This handover can no longer be changed")
    form = HandoverPlanForm(posted(request), locality=locality, function=function_obj, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan = handover_services.handover_plan_save(
                locality=locality,
                function=function_obj,
                takes_effect_on=form.cleaned_data["takes_effect_on"],
                successors=form.successors(),
                user=request.user,
                plan=plan,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Handover plan saved. Check the preview of what will move.")
            return redirect("agencies:handover", locality.slug, plan.pk)
    context = {"locality": locality, "form": form, "function": function_obj, "plan": plan}
    return render(request, "agencies/handover_form.html", context, status=400 if form.errors else 200)


@area_view
@require_POST
def handover_cancel(request, locality: Locality, pk: int):
    plan = _plan(request, locality, pk)
    try:
        handover_services.handover_plan_cancel(plan=plan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Handover plan cancelled. Nothing will move.")
    return redirect("agencies:handover", locality.slug, plan.pk)


@area_view
@require_GET
def handover_preview(request, locality: Locality, pk: int):
    plan = _plan(request, locality, pk)
    selection = handover.select(plan) if plan.is_editable() else None
    moved = CustodyChange.objects.filter(plan=plan).count() if plan.state == HandoverPlan.State.DONE else 0
    moved_by_kind = [(getattr(handover.kind(code), "label", code), number) for code, number in plan.moved.items()]
    overrides = plan.overrides.select_related("part", "chosen_by")
    context = {
        "locality": locality,
        "plan": plan,
        "selection": selection,
        "moved": moved,
        "moved_by_kind": moved_by_kind,
        "overrides": overrides,
    }
    return render(request, "agencies/handover.html", context)


@area_view
@require_http_methods(["GET", "POST"])
def handover_record(request, locality: Locality, pk: int, kind: str, rid: int):
    plan = _plan(request, locality, pk)
    kind_obj = handover.kind(kind)
    if not plan.is_editable() or kind_obj is None or kind_obj.move is None:
        raise Http404("No such record in this handover")
    line = next((ln for k, ln in handover.select(plan).moving_lines() if k.code == kind and ln.record.pk == rid), None)
    if line is None:
        raise Http404("No such record in this handover")
    rules = parts.rules_for(locality, plan.function)
    rule_part = parts.part_for(rules, line.record.service_types)
    form = HandoverOverrideForm(posted(request), function=plan.function, rule_part_name=rule_part.name)
    if request.method == "GET":
        form.initial["part"] = str(line.part.pk) if line.overridden else "rule"
    if request.method == "POST" and form.is_valid():
        handover_services.handover_override(plan=plan, kind=kind, record_id=rid, part=form.chosen(), user=request.user)
        messages.success(request, f"Part saved for {line.record.label}.")
        return redirect("agencies:handover", locality.slug, plan.pk)
    context = {"locality": locality, "plan": plan, "kind": kind_obj, "line": line, "form": form}
    return render(request, "agencies/handover_record.html", context, status=400 if form.errors else 200)
