"""Recording a safeguarding concern's referral to the council's safeguarding team, and the
outcome. Officers of the collecting body do this (they hold the person's details)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.http import area_view, posted
from quality_system.forms import apply_service_errors

from . import access, safeguarding
from .models import Concern
from .safeguarding_forms import OutcomeForm, ReferralForm
from .safeguarding_models import SafeguardingReferral


def _concern(request, locality, pk: int) -> Concern:
    concern = get_object_or_404(Concern.all_objects.for_user(request.user), pk=pk, locality=locality)
    if not access.can_see_personal_details(request.user, concern):
        raise PermissionDenied("Only officers of the body that collected this experience can record its referral.")
    return concern


def _form_page(request, locality, concern, form, title: str, warning: str = ""):
    return render(
        request,
        "concerns/form.html",
        {"locality": locality, "concern": concern, "form": form, "title": title, "warning": warning},
        status=400 if form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def refer(request, locality, pk: int):
    concern = _concern(request, locality, pk)
    teams = safeguarding.safeguarding_teams(locality)
    form = ReferralForm(posted(request), teams=teams, initial={"referred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            referral = safeguarding.referral_record(concern=concern, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Referral of {concern.reference} to {referral.to_body.name} recorded.")
            return redirect("concerns:detail", locality.slug, concern.pk)
    warning = ""
    if not teams.exists():
        warning = (
            "No body holds the adult or children's safeguarding function in this area. Ask your area's "
            "administrator to give that function to the council's safeguarding team on the Bodies page."
        )
    title = f"Record the safeguarding referral of {concern.reference}"
    return _form_page(request, locality, concern, form, title, warning)


@area_view
@require_http_methods(["GET", "POST"])
def outcome(request, locality, pk: int, rid: int):
    concern = _concern(request, locality, pk)
    referral = get_object_or_404(SafeguardingReferral, pk=rid, concern=concern)
    form = OutcomeForm(posted(request), initial={"outcome": referral.outcome, "outcome_on": referral.outcome_on})
    if request.method == "POST" and form.is_valid():
        try:
            safeguarding.outcome_record(referral=referral, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Outcome of the referral of {concern.reference} recorded.")
            return redirect("concerns:detail", locality.slug, concern.pk)
    return _form_page(request, locality, concern, form, f"Outcome of the safeguarding referral of {concern.reference}")
