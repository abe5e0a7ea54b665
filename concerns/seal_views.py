"""Pages for people's details after a handover: the area's seals (administrators), recording a
transfer (the outgoing Healthwatch's administrator), the retention period and destruction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import can_administer, require_administrator
from agencies.http import area_view, posted
from agencies.models import Body
from quality_system.forms import apply_service_errors

from . import holder_news, seal_services, seals
from .seal_forms import DetailsTransferForm, SealRetentionForm
from .transfer_models import SealDestruction


@area_view
@require_safe
def seal_list(request, locality):
    """The area's sealed personal details, the transfers recorded and the destructions done."""
    require_administrator(request.user, locality)
    context = {
        "locality": locality,
        "seals": seals.seals(locality),
        "retention_days": seals.retention_days(locality),
        "withheld": holder_news.withheld(locality),
        "destructions": SealDestruction.objects.filter(locality=locality).select_related("from_body", "run_by")[:50],
    }
    return render(request, "concerns/seals.html", context)


@area_view
@require_http_methods(["GET", "POST"])
def transfer(request, locality, body_id: int):
    """Record that an outgoing Healthwatch's personal details pass to a successor."""
    from_body = get_object_or_404(Body.objects.serving(locality), pk=body_id)
    refusal = seal_services.transfer_refusal(request.user, locality, from_body)
    if refusal:
        raise PermissionDenied(refusal)
    known = seals.successors(locality) + seal_services.future_successors(locality)
    successors = [b for b in known if b.pk != from_body.pk]
    form = DetailsTransferForm(posted(request), successors=successors)
    if request.method == "POST" and form.is_valid():
        try:
            done = seal_services.transfer_record(
                user=request.user, locality=locality, from_body=from_body, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"The transfer of personal details to {done.to_body.name} has been recorded.")
            target = "concerns:seals" if can_administer(request.user, locality) else "concerns:access-log"
            return redirect(target, locality.slug)
    return render(
        request,
        "concerns/form.html",
        {
            "locality": locality,
            "form": form,
            "title": f"Record the transfer of {from_body.name}'s personal details",
            "back": reverse("concerns:access-log", args=[locality.slug]),
        },
        status=400 if form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def retention(request, locality):
    require_administrator(request.user, locality)
    form = SealRetentionForm(posted(request), initial={"days": seals.retention_days(locality)})
    if request.method == "POST" and form.is_valid():
        try:
            seal_services.retention_set(user=request.user, locality=locality, days=form.cleaned_data["days"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "How long sealed personal details are kept has been saved.")
            return redirect("concerns:seals", locality.slug)
    return render(
        request,
        "concerns/form.html",
        {
            "locality": locality,
            "form": form,
            "title": "How long to keep sealed personal details",
            "back": reverse("concerns:seals", args=[locality.slug]),
        },
        status=400 if form.errors else 200,
    )


@area_view
@require_POST
def destroy(request, locality, body_id: int):
    require_administrator(request.user, locality)
    from_body = get_object_or_404(Body.objects.serving(locality), pk=body_id)
    try:
        done = seal_services.seal_destroy(locality=locality, from_body=from_body, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{done.contacts} sealed personal details of {from_body.name} were destroyed.")
    return redirect("concerns:seals", locality.slug)
