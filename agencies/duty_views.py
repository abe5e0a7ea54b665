"""A duty's page: each holder's self-assessment of it (a split function's duties stay with
every holder of a part, and each keeps its own assessment from the date it holds the part)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from quality_system.forms import apply_service_errors

from . import access, selectors, services
from .forms import AssessmentForm
from .http import area_view, posted
from .models import Body, Duty, DutyAssessment, Locality, Role


def _chosen_holder(request, locality: Locality, holders: list[Body]) -> Body | None:
    """The holder named in ?holder=, else the first the user is an officer of, else the first."""
    wanted = request.GET.get("holder", "")
    for body in holders:
        if str(body.pk) == wanted:
            return body
    mine = {seat.body_id for seat in access.seats(request.user, locality, Role.OFFICER)}
    return next((body for body in holders if body.pk in mine), holders[0] if holders else None)


def _initial(assessment: DutyAssessment | None) -> dict:
    if assessment is None:
        return {"status": "not_started"}
    return {
        "status": assessment.status,
        "evidence": assessment.evidence,
        "owner": assessment.owner_id,
        "last_reviewed_on": assessment.last_reviewed_on,
    }


@area_view
@require_http_methods(["GET", "POST"])
def duty_detail(request, locality: Locality, number: int):
    duty = get_object_or_404(Duty.objects.select_related("function"), number=number)
    holders = selectors.duty_holders(locality, duty)
    holder = _chosen_holder(request, locality, holders)
    mine = DutyAssessment.objects.for_user(request.user).filter(locality=locality, duty=duty).select_related("owner")
    # A holder that has not assessed the duty yet sees the area's own assessment (made while nobody held it).
    assessment = mine.filter(body=holder).first() or (mine.filter(body__isnull=True).first() if holder else None)
    can_edit = access.can_assess(request.user, locality, duty, body=holder)
    if request.method == "POST":
        access.require_assessor(request.user, locality, duty, body=holder)
    form = None
    if can_edit:
        form = AssessmentForm(posted(request), initial=_initial(assessment), locality=locality)
        if request.method == "POST" and form.is_valid():
            try:
                services.assessment_update(locality=locality, duty=duty, body=holder, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Duty {duty.number} assessment saved.")
                return redirect("agencies:quality-system", locality.slug)
    history = (
        assessment.history.select_related("history_user", "owner").order_by("-history_date")[:20] if assessment else []
    )
    context = {"locality": locality, "duty": duty, "assessment": assessment, "form": form, "history": history}
    context.update(holders=holders if len(holders) > 1 else [], holder=holder)
    return render(
        request, "agencies/duty_detail.html", context, status=400 if form is not None and form.errors else 200
    )
