"""Answering a request for evidence in the app, for a member of the body it was sent to (the
emailed link, for bodies without an account, is `review_views.evidence_by_link`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from agencies import handover
from agencies.http import area_view, posted
from quality_system.forms import apply_service_errors

from .. import access
from ..models import EvidenceRequest, Review
from . import services
from .forms import EvidenceAnswerForm


@area_view
@require_http_methods(["GET", "POST"])
def evidence_answer_in_app(request, locality, pk: int):
    item = get_object_or_404(
        EvidenceRequest.objects.select_related("review__lead_body", "review__locality", "to_body"),
        pk=pk,
        review__in=Review.objects.for_user(request.user).in_area(locality),
    )
    if not access.can_answer_for(request.user, item.to_body_id):
        raise PermissionDenied(f"Only members of {item.to_body.name} can answer for it.")
    form = EvidenceAnswerForm(posted(request), ask_name=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_answer(item=item, answer=form.cleaned_data["answer"], name=request.user.full_name)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Your answer to {item.review.lead_body.name} is recorded.")
            return redirect("bodies:work", item.to_body_id)
    return render(
        request,
        "reports/evidence_answer.html",
        {
            "item": item,
            "form": form,
            "locality": locality,
            "in_app": True,
            "custody": handover.custody("evidence-request", item.pk),
        },
        status=400 if form.errors else 200,
    )
