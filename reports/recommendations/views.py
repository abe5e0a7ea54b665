"""Recommendations and responses; the scrutiny officer's tracker; closure days (reviews and
reports are in review_views.py). Each view parses, authorises, calls one service or selector
and renders or redirects; each button or form posts to its own action."""

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

from agencies import handover
from agencies.access import require_administrator
from agencies.answer_links import answer_by_link
from agencies.http import area_view, posted
from agencies.links import LinkProblem
from agencies.models import ClosureDay
from quality_system.forms import apply_service_errors
from quality_system.text import spreadsheet_safe

from .. import access
from ..independence import FLAG, is_self_addressed
from ..models import Recommendation
from ..word import response as docx_response
from . import selectors, services
from .forms import ClosureDayForm, ExtensionForm, LetterForm, ResponseForm, TrackerFigureForm, UpdateForm
from .pages import submit_form
from .word import tracker_document

# ---------------------------------------------------------------- the tracker


@area_view
@require_safe
def tracker(request, locality):
    today = timezone.localdate()
    word = request.GET.get("format") == "word"
    printable = word or request.GET.get("print") == "yes"
    figures = TrackerFigureForm(request.GET)
    context = selectors.tracker(
        request.user, locality, request.GET, printable=printable, today=today, figure=_figure(figures)
    )
    if word:  # the committee paper as a real Word document, ready to edit
        document = tracker_document(locality=locality, today=today, context=context)
        return docx_response(document, f"recommendations-{locality.slug}-{today:%Y-%m-%d}.docx")
    template = "reports/tracker_print.html" if printable else "reports/tracker.html"
    return render(
        request,
        template,
        {"locality": locality, "today": today, "figures": figures, **context},
        status=400 if figures.errors else 200,
    )


def _figure(figures: TrackerFigureForm) -> selectors.Figure:
    """The board figure asked for: (figure, counted from), None for none, or NOTHING for a
    figure that was not understood (never "all" for a filter with errors)."""
    if not figures.is_valid():
        return selectors.NOTHING
    data = figures.cleaned_data
    return (data["figure"], data["since"]) if data["figure"] else None


@area_view
@require_safe
def tracker_csv(request, locality):
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recommendations-{locality.slug}-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    rows = selectors.tracker_rows(request.user, locality, request.GET, today, _figure(TrackerFigureForm(request.GET)))
    for cells in selectors.tracker_csv_rows(rows, today):
        writer.writerow([spreadsheet_safe(c) for c in cells])
    return response


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
            "lost_challenge": FLAG if is_self_addressed(rec, timezone.localdate()) else "",
            "errors_form": failed,
            "custody": handover.custody("report", rec.report_id),
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
    response = submit_form(
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
    if rec.state == Recommendation.State.WITHDRAWN or not rec.is_sent():
        messages.error(
            request,
            f"{rec.reference} was withdrawn: {rec.withdrawn_reason}. It needs no response."
            if rec.is_sent()
            else f"{rec.reference} has not been sent yet, so it cannot be answered.",
        )
        return redirect("reports:recommendation", locality.slug, rec.pk)
    return _respond(request, rec, user=request.user)


def _respond_by_link(request, rec: Recommendation, link) -> HttpResponse:
    if hasattr(rec, "response"):
        raise LinkProblem("done", "This recommendation already has a response.")
    if rec.state == Recommendation.State.WITHDRAWN:
        raise LinkProblem(
            "done",
            f"{rec.reference} was withdrawn on {rec.withdrawn_on:%-d %B %Y} ({rec.withdrawn_reason}). "
            "It needs no response, and none was recorded.",
        )
    return _respond(request, rec, link=link)


@require_http_methods(["GET", "POST"])
def respond_by_link(request, recommendation_id: int, token: str):
    rec = (
        Recommendation.objects.select_related("addressed_to", "report__issuing_body", "report__locality", "duty")
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
    added = submit_form(request, form, lambda data: services.closure_day_add(locality=locality, **data))
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
