"""Reviews, reports, recommendations and responses; the scrutiny officer's tracker; closure
days. Each view parses, authorises, calls one service or selector and renders or redirects;
each button or form posts to its own action."""

from __future__ import annotations

import csv
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import require_administrator
from agencies.answer_links import answer_by_link
from agencies.http import area_view, posted
from agencies.links import LinkProblem
from agencies.models import ClosureDay
from quality_system.forms import apply_service_errors
from quality_system.text import spreadsheet_safe

from .. import access
from ..models import EvidenceRequest, Recommendation, Report, Review
from . import selectors, services
from .forms import (
    ClosureDayForm,
    EvidenceAnswerForm,
    EvidenceForm,
    ExtensionForm,
    LetterForm,
    RecommendationForm,
    ReportForm,
    ResponseForm,
    ReviewForm,
    UpdateForm,
)


def _submit(request, form: BaseForm, run: Callable[[dict], object]):
    """What the service returned for a valid POSTed form, or None (the errors are on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def _form_page(request, locality, form: BaseForm, title: str) -> HttpResponse:
    return render(
        request,
        "reports/form.html",
        {"locality": locality, "form": form, "title": title},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- the tracker


@area_view
@require_safe
def tracker(request, locality):
    today = timezone.localdate()
    word = request.GET.get("format") == "word"
    printable = word or request.GET.get("print") == "yes"
    context = selectors.tracker(request.user, locality, request.GET, printable=printable, today=today)
    template = "reports/tracker_print.html" if printable else "reports/tracker.html"
    response = render(request, template, {"locality": locality, "today": today, **context})
    if word:  # Word opens an HTML page saved as .doc: the committee paper, ready to edit.
        response["Content-Type"] = "application/msword"
        response["Content-Disposition"] = f'attachment; filename="recommendations-{locality.slug}-{today:%Y-%m-%d}.doc"'
    return response


@area_view
@require_safe
def tracker_csv(request, locality):
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recommendations-{locality.slug}-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    rows = selectors.tracker_rows(request.user, locality, request.GET, today)
    for cells in selectors.tracker_csv_rows(rows, today):
        writer.writerow([spreadsheet_safe(c) for c in cells])
    return response


# ---------------------------------------------------------------- reviews


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
    form = ReviewForm(posted(request), locality=locality, user=request.user)
    review = _submit(
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
    return _form_page(request, locality, form, "Start a review")


def _review_page(request, locality, review: Review, evidence_form: EvidenceForm | None = None) -> HttpResponse:
    can_work = bool(access.review_bodies(request.user, locality))
    form = evidence_form or (EvidenceForm(locality=locality) if can_work else None)
    if form is not None:
        form.embedded_with_button()  # inside the page's form that posts to review-evidence
    return render(
        request,
        "reports/review.html",
        {
            "locality": locality,
            "review": review,
            "can_work": can_work,
            "form": form,
            "today": timezone.localdate(),
            **selectors.review_page(review),
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
    sent = _submit(
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
    answered = _submit(request, form, lambda data: services.evidence_answer(item=item, link=link, **data))
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
    body = access.require_reviewer(request.user, locality)[0]
    form = ReportForm(posted(request))
    report = _submit(
        request,
        form,
        lambda data: services.report_create(locality=locality, issuing_body=body, review=item, **data),
    )
    if report:
        messages.success(request, "Report created. Now add its recommendations.")
        return redirect("reports:report", locality.slug, report.pk)
    return _form_page(request, locality, form, f"Write a report for ‘{item.topic}’")


@area_view
@require_http_methods(["GET", "POST"])
def report(request, locality, pk: int):
    item = get_object_or_404(Report.objects.select_related("issuing_body"), pk=pk, locality=locality)
    can_work = item.issuing_body in access.review_bodies(request.user, locality)
    if request.method == "POST" and not can_work:
        raise PermissionDenied("Only officers of the body that wrote the report can add recommendations.")
    form = None
    if can_work:
        form = RecommendationForm(posted(request), locality=locality, initial={"sent_on": timezone.localdate()})
        rec = _submit(request, form, lambda data: services.recommendation_issue(report=item, **data))
        if rec:
            messages.success(
                request, f"{rec.reference} made to {rec.addressed_to.name}: response due {rec.due_on:%-d %B %Y}."
            )
            return redirect("reports:report", locality.slug, item.pk)
    return render(
        request,
        "reports/report.html",
        {
            "locality": locality,
            "report": item,
            "recommendations": item.recommendations.select_related("addressed_to"),
            "form": form,
            "can_work": can_work,
        },
        status=400 if form is not None and form.errors else 200,
    )


@area_view
@require_POST
def report_publish(request, locality, pk: int):
    item = get_object_or_404(Report, pk=pk, locality=locality)
    if item.issuing_body not in access.review_bodies(request.user, locality):
        raise PermissionDenied("Only officers of the body that wrote the report can publish it.")
    try:
        services.report_publish(report=item, on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Report published. It is now on the public pages.")
    return redirect("reports:report", locality.slug, item.pk)


# ---------------------------------------------------------------- one recommendation


def _recommendation_page(request, locality, rec: Recommendation, failed: BaseForm | None = None) -> HttpResponse:
    """The recommendation, with its forms; `failed` is the form whose POST had errors (400)."""
    forms_ = {"extension_form": ExtensionForm(), "update_form": UpdateForm(), "letter_form": LetterForm()}
    for slot, form in forms_.items():
        forms_[slot] = (failed if type(failed) is type(form) else form).embedded_with_button()
    return render(
        request,
        "reports/recommendation.html",
        {
            "locality": locality,
            "r": rec,
            "can_work": rec.report.issuing_body in access.review_bodies(request.user, locality),
            "can_answer": access.can_answer_for(request.user, rec.addressed_to_id),
            "today": timezone.localdate(),
            "errors_form": failed,
            **forms_,
            **selectors.recommendation_page(rec),
        },
        status=400 if failed is not None else 200,
    )


@area_view
@require_safe
def recommendation(request, locality, pk: int):
    return _recommendation_page(request, locality, selectors.recommendation_for(request.user, locality, pk))


CHANGE_REFUSAL = "Only officers of the body that made the recommendation can change it."


def _recommendation_to_change(request, locality, pk: int, *, answering_too: bool = False) -> Recommendation:
    """The recommendation, for officers of the body that made it (and, when `answering_too`,
    members of the body it is addressed to)."""
    rec = selectors.recommendation_for(request.user, locality, pk)
    if rec.report.issuing_body in access.review_bodies(request.user, locality):
        return rec
    if answering_too and access.can_answer_for(request.user, rec.addressed_to_id):
        return rec
    raise PermissionDenied(CHANGE_REFUSAL)


def _action(
    run: Callable[[Recommendation, dict, object], object],
    done: Callable[[Recommendation], str],
    *,
    form_class: type[BaseForm] | None = None,
    answering_too: bool = False,
):
    """A POST-only view for one action on a recommendation: authorise, check the form (if any),
    run the service, and go back to the page with `done`; on an error, show the page again with
    the form's errors (400). A button's refusal shows with the extension form, as it always has."""

    @area_view
    @require_POST
    def view(request, locality, pk: int):
        rec = _recommendation_to_change(request, locality, pk, answering_too=answering_too)
        form = form_class(request.POST, request.FILES) if form_class else ExtensionForm()
        if form_class is None:
            form.cleaned_data = {}  # a button's refusal goes on the empty extension form (add_error needs it)
        if form_class and not form.is_valid():
            return _recommendation_page(request, locality, rec, failed=form)
        try:
            run(rec, form.cleaned_data if form_class else {}, request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
            return _recommendation_page(request, locality, rec, failed=form)
        messages.success(request, done(rec))
        return redirect("reports:recommendation", locality.slug, rec.pk)

    return view


def _letter(rec: Recommendation, data: dict, user) -> object:
    data["responded_on"] = data.pop("received_on")
    return services.response_record(recommendation=rec, user=user, **data)


recommendation_extend = _action(
    lambda rec, data, user: services.extension_record(recommendation=rec, user=user, **data),
    lambda rec: "Extension recorded.",
    form_class=ExtensionForm,
)
recommendation_clock_stop = _action(
    lambda rec, data, user: services.clock_stop(recommendation=rec, on=timezone.localdate()),
    lambda rec: "Clock stopped.",
)
recommendation_clock_restart = _action(
    lambda rec, data, user: services.clock_restart(recommendation=rec, on=timezone.localdate()),
    lambda rec: "Clock restarted: the deadline moved on.",
)
recommendation_close = _action(
    lambda rec, data, user: services.recommendation_close(recommendation=rec),
    lambda rec: f"{rec.reference} closed.",
)
recommendation_reopen = _action(
    lambda rec, data, user: services.recommendation_close(recommendation=rec, reopen=True),
    lambda rec: f"{rec.reference} reopened.",
)
recommendation_update = _action(
    lambda rec, data, user: services.update_record(recommendation=rec, user=user, **data),
    lambda rec: "Progress update added.",
    form_class=UpdateForm,
    answering_too=True,
)
recommendation_letter_record = _action(
    _letter, lambda rec: f"Response recorded for {rec.addressed_to.name}.", form_class=LetterForm
)


def _respond(request, rec: Recommendation, *, user=None, link=None) -> HttpResponse:
    """The response form, for a member in the app (`user`) or a body by link (`link`)."""
    form = ResponseForm(posted(request), signed_in=user is not None)
    response = _submit(
        request, form, lambda data: services.response_record(recommendation=rec, user=user, link=link, **data)
    )
    if response:
        return render(request, "reports/responded.html", {"r": rec, "receipt": response.receipt})
    return render(request, "reports/respond.html", {"r": rec, "form": form}, status=400 if form.errors else 200)


@area_view
@require_http_methods(["GET", "POST"])
def recommendation_respond(request, locality, pk: int):
    rec = selectors.recommendation_for(request.user, locality, pk)
    if not access.can_answer_for(request.user, rec.addressed_to_id):
        raise PermissionDenied(f"Only members of {rec.addressed_to.name} can respond for it.")
    return _respond(request, rec, user=request.user)


def _respond_by_link(request, rec: Recommendation, link) -> HttpResponse:
    if hasattr(rec, "response"):
        raise LinkProblem("done", "This recommendation already has a response.")
    return _respond(request, rec, link=link)


@require_http_methods(["GET", "POST"])
def respond_by_link(request, recommendation_id: int, token: str):
    rec = (
        Recommendation.objects.select_related("addressed_to", "report__issuing_body", "duty")
        .filter(pk=recommendation_id)
        .first()
    )
    return answer_by_link(
        request,
        found=rec is not None,
        not_found=LinkProblem(
            "unknown", "This link is not valid. Use the link in the email about this recommendation."
        ),
        purpose=services.LINK_PURPOSE,
        object_id=recommendation_id,
        token=token,
        answer=lambda link: _respond_by_link(request, rec, link),
    )


@area_view
@require_safe
def letter(request, locality, pk: int):
    """The letter a response came in, for the two bodies involved."""
    rec = selectors.recommendation_for(request.user, locality, pk)
    allowed = rec.report.issuing_body in access.review_bodies(request.user, locality) or access.can_answer_for(
        request.user, rec.addressed_to_id
    )
    if not allowed:
        raise PermissionDenied("Only the two bodies involved can open the letter.")
    response = getattr(rec, "response", None)
    if response is None or not response.letter:
        raise Http404("No letter")
    return FileResponse(
        response.letter.open("rb"), as_attachment=True, filename=response.letter.name.rsplit("/", 1)[-1]
    )


# ---------------------------------------------------------------- closure days


def _moved(moved: int) -> str:
    return f"{moved} open deadline{'s' if moved != 1 else ''} moved."


@area_view
@require_http_methods(["GET", "POST"])
def closure_days(request, locality):
    """Extra non-working days for this area; adding or removing one moves open deadlines."""
    require_administrator(request.user, locality)
    form = ClosureDayForm(posted(request))
    added = _submit(request, form, lambda data: services.closure_day_add(locality=locality, **data))
    if added:
        day, moved = added
        messages.success(request, f"{day.date:%-d %B %Y} added. {_moved(moved)}")
        return redirect("reports:closure-days", locality.slug)
    return render(
        request,
        "reports/closure_days.html",
        {"locality": locality, "form": form, "days": ClosureDay.objects.filter(locality=locality).order_by("-date")},
        status=400 if form.errors else 200,
    )


@area_view
@require_POST
def closure_day_remove(request, locality, pk: int):
    require_administrator(request.user, locality)
    day = get_object_or_404(ClosureDay, pk=pk, locality=locality)
    moved = services.closure_day_remove(day=day)
    messages.success(request, f"{day.date:%-d %B %Y} removed. {_moved(moved)}")
    return redirect("reports:closure-days", locality.slug)
