"""The board's referral as the receiving body sees it: the suggestion with its question and
evidence, answered by its officers (accept: a review in their own programme; decline: with
reasons). Everyone in the area reads it, as they read the priority; the board sees the answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.http import area_view, posted
from quality_system.forms import apply_service_errors

from .. import access
from ..models import Referral
from . import referrals, selectors
from .forms import ReferralDeclineForm


def _referral(request, locality, pk: int) -> Referral:
    return selectors.referral_for(user=request.user, locality=locality, pk=pk)


def _page(request, locality, referral: Referral, form: ReferralDeclineForm | None = None):
    """The page; for the receiving body's officers while it waits, the buttons to answer."""
    can_answer = referral.state == Referral.State.SUGGESTED and access.can_answer_referral(request.user, referral)
    if can_answer and form is None:
        form = ReferralDeclineForm()
    return render(
        request,
        "reports/referral.html",
        {
            "locality": locality,
            "referral": referral,
            "priority": referral.priority,
            **selectors.referral_evidence(user=request.user, referral=referral),
            "can_answer": can_answer,
            "form": form.embedded_with_button() if can_answer and form is not None else None,
        },
        status=400 if can_answer and form is not None and form.errors else 200,
    )


@area_view
@require_safe
def referral_detail(request, locality, pk: int):
    return _page(request, locality, _referral(request, locality, pk))


@area_view
@require_POST
def referral_accept(request, locality, pk: int):
    referral = _referral(request, locality, pk)
    access.require_referral_answerer(request.user, referral)
    try:
        review = referrals.referral_accept(referral=referral, user=request.user)
    except ValidationError as error:  # answered already (another tab), or no longer theirs to take on
        messages.error(request, " ".join(error.messages))
        return redirect("reports:referral", locality.slug, referral.pk)
    messages.success(
        request, f"Accepted. ‘{review.topic}’ is in your programme as a planned review. The board is told."
    )
    return redirect("reports:review", locality.slug, review.pk)


@area_view
@require_http_methods(["GET", "POST"])
def referral_decline(request, locality, pk: int):
    referral = _referral(request, locality, pk)
    access.require_referral_answerer(request.user, referral)
    if referral.state != Referral.State.SUGGESTED:
        if request.method == "POST":
            messages.error(request, referrals.already_answered(referral))
        return redirect("reports:referral", locality.slug, referral.pk)
    form = ReferralDeclineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_decline(referral=referral, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) != referrals.ANSWERED:
                apply_service_errors(form, error)
                return _page(request, locality, referral, form)
            messages.error(request, " ".join(error.messages))  # answered in another tab meanwhile
        else:
            messages.success(request, "Declined. The board is told, with your reasons.")
        return redirect("reports:referral", locality.slug, referral.pk)
    return _page(request, locality, referral, form)
