"""Reviews, evidence requests and reports (the recommendations room). A joint committee's review
or report concerns several areas: it is reachable under each area's URLs and shows there,
labelled with the other areas. Each view parses, authorises, calls one service or selector and
renders or redirects."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import handover
from agencies.answer_links import answer_by_link
from agencies.http import area_view, posted
from agencies.links import LinkProblem
from concerns.selection_views import add_reviewed_to

from .. import access
from ..models import EvidenceRequest, Review
from . import lifecycle, selectors, services
from .forms import (
    AgreeForm,
    EvidenceAnswerForm,
    EvidenceForm,
    RecommendationForm,
    ReportForm,
    ReviewChoiceForm,
    ReviewForm,
)
from .pages import form_page, submit_form
from .review_concerns import review_concerns_add


@area_view
@require_safe
def reviews(request, locality):
    return render(
        request,
        "reports/reviews.html",
        {
            "locality": locality,
            "reviews": selectors.visible_reviews(request.user, locality),
            "can_work": bool(access.review_bodies(request.user, locality)),
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def review_create(request, locality):
    body = access.require_reviewer(request.user, locality)[0]
    coverable = access.coverable_areas(body)
    form = ReviewForm(posted(request), locality=locality, user=request.user, coverable=coverable)
    review = submit_form(
        request,
        form,
        lambda data: services.review_create(
            locality=locality,
            lead_body=body,
            created_by=request.user,
            concerns=data.pop("concern_refs"),
            alerts=data.pop("alert_refs"),
            **data,
        ),
    )
    if review:
        messages.success(request, f"Review ‘{review.topic}’ created.")
        return redirect("reports:review", locality.slug, review.pk)
    return form_page(request, locality, form, "Start a review")


def _review_page(request, locality, review: Review, evidence_form: EvidenceForm | None = None) -> HttpResponse:
    can_work = bool(access.review_bodies(request.user, locality))
    form = evidence_form or (EvidenceForm(locality=locality) if can_work else None)
    if form is not None:
        form.embedded_with_button()  # inside the page's form that posts to review-evidence
    page = selectors.review_page(review, locality)
    page["evidence"] = list(page["evidence"])
    held_before = handover.custody_map("evidence-request", [e.pk for e in page["evidence"]])
    for item in page["evidence"]:
        item.custody = held_before.get(item.pk, [])
    return render(
        request,
        "reports/review.html",
        {
            "locality": locality,
            "review": review,
            "can_work": can_work,
            "form": form,
            "today": timezone.localdate(),
            "custody": handover.custody("review", review.pk),
            **page,
        },
        status=400 if form is not None and form.errors else 200,
    )


@area_view
@require_safe
def review(request, locality, pk: int):
    return _review_page(request, locality, selectors.review_for(request.user, locality, pk))


def _review_to_change(request, locality, pk: int, refusal: str) -> Review:
    item = selectors.review_for(request.user, locality, pk)
    if not access.review_bodies(request.user, locality):
        raise PermissionDenied(refusal)
    return item


@area_view
@require_POST
def review_state(request, locality, pk: int):
    item = _review_to_change(request, locality, pk, "Only scrutiny and Healthwatch officers can change a review.")
    try:
        services.review_set_state(review=item, state=request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Review status is now ‘{item.get_state_display().lower()}’.")
    return redirect("reports:review", locality.slug, item.pk)


@area_view
@require_POST
def review_evidence(request, locality, pk: int):
    item = _review_to_change(request, locality, pk, "Only scrutiny and Healthwatch officers can ask for evidence.")
    form = EvidenceForm(request.POST, locality=locality)
    sent = submit_form(
        request,
        form,
        lambda data: services.evidence_request_send(review=item, sent_on=timezone.localdate(), **data),
    )
    if sent:
        messages.success(request, f"Request sent to {sent.to_body.name}: answer due {sent.due_on:%-d %B %Y}.")
        return redirect("reports:review", locality.slug, item.pk)
    return _review_page(request, locality, item, form)


def _answer_evidence(request, item: EvidenceRequest, link) -> HttpResponse:
    form = EvidenceAnswerForm(posted(request))
    answered = submit_form(request, form, lambda data: services.evidence_answer(item=item, link=link, **data))
    if answered:
        return render(request, "reports/evidence_answered.html", {"item": item, "receipt": answered.receipt})
    return render(
        request, "reports/evidence_answer.html", {"item": item, "form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def evidence_by_link(request, request_id: int, token: str):
    """For a body without an account: GET shows the request; POST records the answer."""
    item = EvidenceRequest.objects.select_related("review__lead_body", "to_body").filter(pk=request_id).first()
    return answer_by_link(
        request,
        found=item is not None,
        not_found=LinkProblem("unknown", "This link is not valid. Use the link in the email about this request."),
        purpose=services.EVIDENCE_PURPOSE,
        object_id=request_id,
        token=token,
        answer=lambda link: _answer_evidence(request, item, link),
    )


# ---------------------------------------------------------------- reports


@area_view
@require_http_methods(["GET", "POST"])
def report_create(request, locality, pk: int):
    item = selectors.review_for(request.user, locality, pk)
    bodies = access.require_reviewer(request.user, locality)
    body = item.lead_body if item.lead_body in bodies else bodies[0]
    # A joint review's report concerns the review's areas unless the officer changes it.
    joint_with = [area.pk for area in item.other_areas(locality)]
    form = ReportForm(
        posted(request), locality=locality, coverable=access.coverable_areas(body), initial={"areas": joint_with}
    )
    report = submit_form(
        request,
        form,
        lambda data: services.report_create(locality=locality, issuing_body=body, review=item, **data),
    )
    if report:
        messages.success(request, "Report created. Now add its recommendations.")
        return redirect("reports:report", locality.slug, report.pk)
    return form_page(request, locality, form, f"Write a report for ‘{item.topic}’")


def report_page(request, locality, item, *, form=None, agree_form=None) -> HttpResponse:
    """The report with each recommendation's state and the actions its state allows; `form` or
    `agree_form` is the one whose POST had errors (400)."""
    can_work = item.issuing_body in access.review_bodies(request.user, locality)
    if can_work:
        form = form or RecommendationForm(locality=locality, areas=item.area_list())
        agree_form = agree_form or AgreeForm()
        agree_form.embedded_with_button()
    failed = form if form is not None and form.errors else agree_form
    return render(
        request,
        "reports/report.html",
        {
            "locality": locality,
            "report": item,
            "recommendations": item.recommendations.select_related("addressed_to"),
            "form": form,
            "agree_form": agree_form,
            "errors_form": failed if failed is not None and failed.errors else None,
            "can_work": can_work,
            "custody": handover.custody("report", item.pk),
        },
        status=400 if failed is not None and failed.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def report(request, locality, pk: int):
    """The report; a POST saves a draft recommendation (nothing is sent, no clock runs)."""
    item = selectors.report_for(request.user, locality, pk)
    if request.method == "POST" and item.issuing_body not in access.review_bodies(request.user, locality):
        raise PermissionDenied("Only officers of the body that wrote the report can add recommendations.")
    form = None
    if request.method == "POST":
        form = RecommendationForm(request.POST, locality=locality, areas=item.area_list())
        rec = submit_form(request, form, lambda data: lifecycle.recommendation_draft(report=item, **data))
        if rec:
            messages.success(request, f"{rec.reference} saved as a draft to {rec.addressed_to.name}. Nothing is sent.")
            return redirect("reports:report", locality.slug, item.pk)
    return report_page(request, locality, item, form=form)


@area_view
@require_POST
def report_publish(request, locality, pk: int):
    item = selectors.report_for(request.user, locality, pk)
    if item.issuing_body not in access.review_bodies(request.user, locality):
        raise PermissionDenied("Only officers of the body that wrote the report can publish it.")
    try:
        services.report_publish(report=item, on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Report published. It is now on the public pages.")
    return redirect("reports:report", locality.slug, item.pk)


@area_view
@require_POST
def review_add_concerns(request, locality):
    """Add experiences selected in the concerns list to an open review led by the user's body."""
    bodies = access.require_reviewer(request.user, locality)
    reviews = (
        Review.objects.for_user(request.user)
        .filter(locality=locality, lead_body__in=bodies)
        .exclude(state=Review.State.CLOSED)
        .order_by("-created_at")
    )

    return add_reviewed_to(
        request,
        locality,
        form_class=ReviewChoiceForm,
        choices=reviews,
        add=lambda review, concerns: review_concerns_add(review=review, concerns=concerns),
        noun="review",
    )
