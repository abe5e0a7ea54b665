"""The review queue of what the public shared online, and the decision on each submission.
Staff of the body that collected it decide; officers also see the person's details (logged)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import can_administer
from agencies.http import area_view, posted
from quality_system.forms import apply_service_errors

from . import access, services, triage
from .models import Concern, Status
from .triage_forms import DecisionForm, RetentionForm


def _submission(request, locality, pk: int) -> Concern:
    bodies = access.require_collector(request.user, locality)
    return get_object_or_404(
        triage.submissions(locality, [b.pk for b in bodies]).select_related("service", "locality"), pk=pk
    )


@area_view
@require_safe
def queue(request, locality):
    bodies = access.require_collector(request.user, locality)
    page = triage.queue_page(locality, [b.pk for b in bodies], request.GET.get("after"))
    return render(request, "concerns/triage/queue.html", {"locality": locality, "page": page})


def _decide(form: DecisionForm, concern: Concern, user) -> Concern:
    data = form.cleaned_data
    outcome, note = data["outcome"], data["note"]
    if outcome == form.ACCEPT:
        return triage.submission_accept(
            concern=concern,
            user=user,
            themes=list(data["themes"]),
            service=data["service"],
            service_type=data["service_type"],
            severity=data["severity"],
            safeguarding=data["safeguarding"],
            note=note,
        )
    if outcome == form.SIGNPOST:
        return triage.submission_signpost(concern=concern, user=user, note=note)
    if outcome == form.DUPLICATE:
        return triage.submission_mark_duplicate(concern=concern, user=user, reference=data["duplicate_of"], note=note)
    return triage.submission_reject(concern=concern, user=user, note=note)


_DONE = {
    Status.REVIEWED: "{ref} accepted into the record.",
    Status.SIGNPOSTED: "{ref} recorded as signposted (advice and information given).",
    Status.DUPLICATE: "{ref} marked as a duplicate.",
    Status.REJECTED: "{ref} rejected as spam. You can restore it for {days} days.",
}


@area_view
@require_http_methods(["GET", "POST"])
def review(request, locality, pk: int):
    concern = _submission(request, locality, pk)
    form = DecisionForm(posted(request), locality=locality, initial={"service_type": concern.service_type})
    if request.method == "POST" and form.is_valid():
        try:
            decided = _decide(form, concern, request.user)
        except triage.AlreadyDecided as refused:  # decided in another tab or by a colleague
            messages.error(request, str(refused))
            return redirect("concerns:submission", locality.slug, concern.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            days = locality.rejected_retention_days
            messages.success(request, _DONE[decided.status].format(ref=decided.reference, days=days))
            return redirect("concerns:submissions", locality.slug)
    return _review_page(request, locality, concern, form)


def _review_page(request, locality, concern: Concern, form: DecisionForm):
    officer = access.can_see_personal_details(request.user, concern)
    purged = concern.submission_decisions.filter(outcome=triage.Outcome.PURGED).exists()
    contact = services.personal_details_read(user=request.user, concern=concern) if officer and not purged else None
    until = triage.restore_until(concern)
    context = {
        "locality": locality,
        "concern": concern,
        "form": form,
        "suggestion": triage.service_index(locality).suggest(concern.service_described),
        "decisions": triage.decisions(concern),
        "officer": officer,
        "contact": contact,
        "restore_until": until if until and until.year < 9999 else None,
        "can_restore": until is not None,
    }
    return render(request, "concerns/triage/review.html", context, status=400 if form.errors else 200)


@area_view
@require_POST
def restore(request, locality, pk: int):
    concern = _submission(request, locality, pk)
    try:
        triage.submission_restore(concern=concern, user=request.user)
    except triage.AlreadyDecided as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{concern.reference} is back in the queue for review.")
    return redirect("concerns:submission", locality.slug, concern.pk)


@area_view
@require_http_methods(["GET", "POST"])
def retention(request, locality):
    """How long experiences rejected as spam keep their details: set by the area's administrators."""
    if not can_administer(request.user, locality):
        raise PermissionDenied("Only the area's administrators can change how long rejected experiences are kept.")
    form = RetentionForm(posted(request), initial={"rejected_retention_days": locality.rejected_retention_days})
    if request.method == "POST" and form.is_valid():
        try:
            triage.retention_set(
                locality=locality, user=request.user, days=form.cleaned_data["rejected_retention_days"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "How long rejected experiences are kept has been saved.")
            return redirect("agencies:quality-system", locality.slug)
    return render(
        request,
        "concerns/form.html",
        {
            "locality": locality,
            "form": form,
            "title": "How long to keep experiences rejected as spam",
            "back": reverse("agencies:quality-system", args=[locality.slug]),
        },
        status=400 if form.errors else 200,
    )
