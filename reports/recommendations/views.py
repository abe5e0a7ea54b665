"""Reviews, reports, recommendations and responses; the scrutiny officer's tracker."""

from __future__ import annotations

import csv
import statistics

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import access as agency_access
from agencies.http import area_view, posted
from agencies.links import LinkProblem, link_check, link_consume
from agencies.models import ROLE_RANK, Body, ResponseDuty, Role
from quality_system.forms import GovDateField, GovForm, LongTextField, apply_service_errors
from quality_system.text import spreadsheet_safe

from .. import access
from ..models import EvidenceRequest, ImplementationUpdate, Recommendation, Referral, Report, Response, Review
from ..references import ReferencesMixin, small_int
from . import services


def response_duties(locality):
    """The rules for responses to reports and requests (not the alert acknowledgement rules)."""
    rules = ResponseDuty.objects.filter(locality__isnull=True) | ResponseDuty.objects.filter(locality=locality)
    return rules.exclude(code__startswith="alert-")


working_bodies = access.review_bodies
require_worker = access.require_reviewer


# ---------------------------------------------------------------- the tracker


def _tracker_rows(request, locality):
    qs = Recommendation.objects.for_user(request.user).filter(locality=locality)
    body, committee, state, year = (request.GET.get(k, "") for k in ("body", "committee", "state", "year"))
    today = timezone.localdate()
    if small_int(body):
        qs = qs.filter(addressed_to_id=int(body))
    if small_int(committee):
        qs = qs.filter(report__issuing_body_id=int(committee))
    if state == "overdue":
        qs = qs.filter(state=Recommendation.State.AWAITING, due_on__lt=today, clock_stopped_on__isnull=True)
    elif state in Recommendation.State.values:
        qs = qs.filter(state=state)
    if small_int(year) and 2000 <= int(year) <= 2100:
        qs = qs.filter(sent_on__year=int(year))
    return (
        qs.select_related("addressed_to", "report__issuing_body", "response")
        .prefetch_related("updates")
        .order_by("due_on", "reference")
    )


def _filter_words(params, bodies, committees) -> str:
    """The filters in words, for the printed committee document."""
    names = {str(b.pk): b.name for b in list(bodies) + list(committees)}
    words = []
    if params.get("committee") in names:
        words.append(f"made by {names[params['committee']]}")
    if params.get("body") in names:
        words.append(f"to {names[params['body']]}")
    state = {"awaiting": "awaiting a response", "overdue": "overdue", "responded": "responded", "closed": "closed"}
    if params.get("state") in state:
        words.append(state[params["state"]])
    if small_int(params.get("year", "")):
        words.append(f"made in {params['year']}")
    return ", ".join(words)


def _statistics(locality) -> list[dict]:
    """Per body: recommendations made, on-time response rate, median days to respond, outstanding."""
    rows: dict[int, dict] = {}
    today = timezone.localdate()
    for rec in Recommendation.objects.filter(locality=locality).select_related("addressed_to", "response"):
        row = rows.setdefault(
            rec.addressed_to_id,
            {
                "body": rec.addressed_to.name,
                "made": 0,
                "on_time": 0,
                "answered": 0,
                "days": [],
                "outstanding": 0,
                "overdue": 0,
            },
        )
        row["made"] += 1
        response = getattr(rec, "response", None)
        if response:
            row["answered"] += 1
            row["on_time"] += response.on_time()
            row["days"].append((response.responded_on - rec.sent_on).days)
        elif rec.state == Recommendation.State.AWAITING:
            row["outstanding"] += 1
            row["overdue"] += rec.is_overdue(today)
    for row in rows.values():
        row["on_time_rate"] = round(100 * row["on_time"] / row["answered"]) if row["answered"] else None
        row["median_days"] = round(statistics.median(row["days"])) if row["days"] else None
    return sorted(rows.values(), key=lambda r: r["body"].lower())


@area_view
@require_safe
def tracker(request, locality):
    today = timezone.localdate()
    printable = request.GET.get("print") == "yes" or request.GET.get("format") == "word"
    qs = _tracker_rows(request, locality)
    page = None
    if printable:  # the committee document lists them all (up to 2,000)
        rows = list(qs[:2000])
        total = len(rows)
    else:
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        rows, total = list(page.object_list), page.paginator.count
    for row in rows:  # whole days, for "due in 3 days" and "overdue by 2 days"
        row.days_left = (row.due_on - today).days
        row.days_late = -row.days_left
    bodies = Body.objects.filter(locality=locality, recommendations_received__isnull=False).distinct().order_by("name")
    committees = Body.objects.filter(locality=locality, reports_issued__isnull=False).distinct().order_by("name")
    template = "reports/tracker_print.html" if printable else "reports/tracker.html"
    query = request.GET.copy()
    query.pop("print", None)
    query.pop("format", None)
    query.pop("page", None)
    response = render(
        request,
        template,
        {
            "locality": locality,
            "rows": rows,
            "total": total,
            "page": page,
            "today": today,
            "bodies": bodies,
            "committees": committees,
            "states": [
                ("awaiting", "Awaiting response"),
                ("overdue", "Overdue"),
                ("responded", "Responded"),
                ("closed", "Closed"),
            ],
            "filters": request.GET,
            "query": query.urlencode(),
            "stats": _statistics(locality),
            "filter_words": _filter_words(request.GET, bodies, committees),
            "can_work": bool(working_bodies(request.user, locality)),
        },
    )
    if request.GET.get("format") == "word":
        # Word opens an HTML page saved as .doc: the committee paper, ready to edit.
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
    writer.writerow(["reference", "body", "made", "due", "days_left", "response", "implementation", "recommendation"])
    for rec in _tracker_rows(request, locality):
        update = rec.updates.all()[0] if rec.updates.all() else None
        decision = rec.response.get_decision_display() if hasattr(rec, "response") else "No response"
        cells = [
            rec.reference,
            rec.addressed_to.name,
            f"{rec.sent_on:%d/%m/%Y}",
            f"{rec.due_on:%d/%m/%Y}",
            rec.days_left(today),
            decision,
            update.get_status_display() if update else "",
            rec.text,
        ]
        writer.writerow([spreadsheet_safe(c) for c in cells])
    return response


# ---------------------------------------------------------------- reviews and reports


class ReviewForm(ReferencesMixin, GovForm):
    submit_label = "Create the review"
    kind = forms.ChoiceField(label="Kind of work", choices=Review.Kind.choices, widget=forms.RadioSelect)
    topic = forms.CharField(label="Topic", max_length=200)
    scope = LongTextField(
        label="Scope", max_length=5000, required=False, help_text="What the work will and will not look at."
    )
    priority_consultation = LongTextField(
        label="How the priority was consulted on",
        max_length=3000,
        required=False,
        help_text="For Healthwatch research projects.",
    )
    starts_on = GovDateField(label="Start date", required=False)
    ends_on = GovDateField(label="Planned end date", required=False)
    concern_refs = forms.CharField(
        label="Experiences behind it",
        max_length=2000,
        required=False,
        help_text="Optional. References separated by commas, like C-001234, C-001240.",
    )
    alert_refs = forms.CharField(
        label="Alerts behind it", max_length=500, required=False, help_text="Optional. Like A-00012, A-00015."
    )

    def __init__(self, *args, locality, user, **kwargs):
        self.locality, self.user = locality, user
        super().__init__(*args, **kwargs)


@area_view
@require_safe
def reviews(request, locality):
    items = Review.objects.for_user(request.user).filter(locality=locality).select_related("lead_body")[:200]
    return render(
        request,
        "reports/reviews.html",
        {"locality": locality, "reviews": items, "can_work": bool(working_bodies(request.user, locality))},
    )


@area_view
@require_http_methods(["GET", "POST"])
def review_create(request, locality):
    body = require_worker(request.user, locality)[0]
    form = ReviewForm(posted(request), locality=locality, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["concerns"] = data.pop("concern_refs")
        data["alerts"] = data.pop("alert_refs")
        if data["starts_on"] and data["ends_on"] and data["ends_on"] < data["starts_on"]:
            form.add_error("ends_on", "The planned end date must be after the start date")
        else:
            review = services.review_create(locality=locality, lead_body=body, created_by=request.user, **data)
            messages.success(request, f"Review ‘{review.topic}’ created.")
            return redirect("reports:review", locality.slug, review.pk)
    return render(
        request,
        "reports/form.html",
        {"locality": locality, "form": form, "title": "Start a review"},
        status=400 if form.errors else 200,
    )


class ReportForm(GovForm):
    submit_label = "Create the report"
    title = forms.CharField(label="Title", max_length=200)
    summary = LongTextField(
        label="Summary", max_length=10_000, help_text="What you found. This becomes public when you publish."
    )
    reference_prefix = forms.RegexField(
        label="Reference prefix",
        max_length=30,
        regex=r"^[A-Za-z0-9-]+$",
        help_text="Recommendations are numbered after it, like HOSC-2026-07-R1.",
        error_messages={"invalid": "Use letters, numbers and hyphens only, like HOSC-2026-07"},
    )


class EvidenceForm(GovForm):
    submit_label = "Send the request"
    to_body = forms.ModelChoiceField(queryset=Body.objects.none(), label="Ask", empty_label="Choose a body")
    request = LongTextField(
        label="What are you asking for?",
        max_length=5000,
        help_text="For example, gather views of people using the service.",
    )
    duty = forms.ModelChoiceField(
        queryset=ResponseDuty.objects.none(), label="Answer due under", empty_label="Choose the rule"
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = Body.objects.filter(
            locality=locality, kind__in=["healthwatch", "vcs"]
        ).active()
        self.fields["to_body"].error_messages.update(
            required="Choose who to ask", invalid_choice="Choose who to ask from the list"
        )
        self.fields["duty"].queryset = response_duties(locality)
        self.fields["duty"].error_messages.update(
            required="Choose when the answer is due", invalid_choice="Choose a rule from the list"
        )
        self.fields["request"].error_messages["required"] = "Enter what you are asking for"


class EvidenceAnswerForm(GovForm):
    submit_label = "Send your answer"
    name = forms.CharField(label="Your name", max_length=150)
    answer = LongTextField(
        label="What did you find?", max_length=10_000, help_text="A summary, with links to anything longer."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = "Enter what you found"


@area_view
@require_http_methods(["GET", "POST"])
def review(request, locality, pk: int):
    item = get_object_or_404(
        Review.objects.for_user(request.user).select_related("lead_body"), pk=pk, locality=locality
    )
    can_work = bool(working_bodies(request.user, locality))
    form = EvidenceForm(posted(request), locality=locality) if can_work else None
    if request.method == "POST" and request.POST.get("action") == "state":
        if not can_work:
            raise PermissionDenied("Only scrutiny and Healthwatch officers can change a review.")
        try:
            services.review_set_state(review=item, state=request.POST.get("state", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Review status is now ‘{item.get_state_display().lower()}’.")
        return redirect("reports:review", locality.slug, item.pk)
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied("Only scrutiny and Healthwatch officers can ask for evidence.")
        if form.is_valid():
            try:
                sent = services.evidence_request_send(review=item, sent_on=timezone.localdate(), **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Request sent to {sent.to_body.name}: answer due {sent.due_on:%-d %B %Y}.")
                return redirect("reports:review", locality.slug, item.pk)
    return render(
        request,
        "reports/review.html",
        {
            "locality": locality,
            "review": item,
            "reports": item.reports.all(),
            "can_work": can_work,
            "form": form,
            "evidence": item.evidence_requests.select_related("to_body"),
            "today": timezone.localdate(),
            "states": Review.State.choices,
            "concerns": item.concerns.all()[:50],
            "alerts": item.alerts.all()[:50],
            "signals": item.trend_signals.select_related("theme", "service")[:50],
            "referral": Referral.objects.filter(review=item).select_related("priority").first(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def evidence_by_link(request, request_id: int, token: str):
    """For a body without an account: GET shows the request; POST consumes the link and records."""
    item = EvidenceRequest.objects.select_related("review__lead_body", "to_body").filter(pk=request_id).first()
    try:
        if item is None:
            raise LinkProblem("unknown", "This link is not valid. Use the link in the email about this request.")
        link = link_check(purpose=services.EVIDENCE_PURPOSE, object_id=item.pk, token=token)
    except LinkProblem as problem:
        status = 410 if problem.reason in ("used", "expired") else 400
        return render(request, "concerns/link_problem.html", {"problem": problem}, status=status)
    form = EvidenceAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                link_consume(link)
                services.evidence_answer(item=item, **form.cleaned_data)
        except LinkProblem as problem:
            return render(request, "concerns/link_problem.html", {"problem": problem}, status=410)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "reports/evidence_answered.html", {"item": item})
    return render(
        request, "reports/evidence_answer.html", {"item": item, "form": form}, status=400 if form.errors else 200
    )


@area_view
@require_http_methods(["GET", "POST"])
def report_create(request, locality, pk: int):
    item = get_object_or_404(Review.objects.for_user(request.user), pk=pk, locality=locality)
    body = require_worker(request.user, locality)[0]
    form = ReportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        report = services.report_create(locality=locality, issuing_body=body, review=item, **form.cleaned_data)
        messages.success(request, "Report created. Now add its recommendations.")
        return redirect("reports:report", locality.slug, report.pk)
    return render(
        request,
        "reports/form.html",
        {"locality": locality, "form": form, "title": f"Write a report for ‘{item.topic}’"},
        status=400 if form.errors else 200,
    )


class RecommendationForm(GovForm):
    submit_label = "Make the recommendation"
    text = LongTextField(label="Recommendation", max_length=5000)
    addressed_to = forms.ModelChoiceField(
        queryset=Body.objects.none(), label="Addressed to", empty_label="Choose a body"
    )
    duty = forms.ModelChoiceField(
        queryset=ResponseDuty.objects.none(), label="Duty to respond", empty_label="Choose the rule"
    )
    sent_on = GovDateField(label="Date sent", allow_future=False)
    reference = forms.CharField(
        label="Reference", max_length=40, required=False, help_text="Leave empty to number it automatically."
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = Body.objects.filter(locality=locality).active()
        self.fields["addressed_to"].error_messages.update(
            required="Choose the body this recommendation is for",
            invalid_choice="Choose a body in this area from the list",
        )
        self.fields["duty"].queryset = response_duties(locality)
        self.fields["duty"].error_messages.update(
            required="Choose the duty to respond", invalid_choice="Choose a duty from the list"
        )
        self.fields["text"].error_messages["required"] = "Enter the recommendation"


@area_view
@require_http_methods(["GET", "POST"])
def report(request, locality, pk: int):
    item = get_object_or_404(Report.objects.select_related("issuing_body"), pk=pk, locality=locality)
    can_work = item.issuing_body in working_bodies(request.user, locality)
    form = (
        RecommendationForm(posted(request), locality=locality, initial={"sent_on": timezone.localdate()})
        if can_work
        else None
    )
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied("Only officers of the body that wrote the report can add recommendations.")
        if form.is_valid():
            try:
                rec = services.recommendation_issue(report=item, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
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
    if item.issuing_body not in working_bodies(request.user, locality):
        raise PermissionDenied("Only officers of the body that wrote the report can publish it.")
    try:
        services.report_publish(report=item, on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Report published. It is now on the public pages.")
    return redirect("reports:report", locality.slug, item.pk)


# ---------------------------------------------------------------- one recommendation


class ResponseForm(GovForm):
    submit_label = "Send the response"
    name = forms.CharField(label="Your name", max_length=150)
    decision = forms.ChoiceField(
        label="Do you accept the recommendation?", choices=Response.Decision.choices, widget=forms.RadioSelect
    )
    reasons = LongTextField(
        label="Reasons", max_length=5000, required=False, help_text="Needed if you do not accept it."
    )
    action_plan = LongTextField(
        label="Action plan", max_length=10_000, required=False, help_text="What you will do, by when."
    )
    target_date = GovDateField(label="Target date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select whether you accept the recommendation"
        self.fields["name"].error_messages["required"] = "Enter your name"


class ExtensionForm(GovForm):
    submit_label = "Record the extension"
    new_due_on = GovDateField(label="New deadline")
    reason = forms.CharField(label="Reason", max_length=500)
    agreed_by = forms.CharField(label="Agreed by", max_length=150, help_text="For example, the committee chair.")


class UpdateForm(GovForm):
    submit_label = "Add the update"
    status = forms.ChoiceField(label="Status", choices=ImplementationUpdate.Status.choices, widget=forms.RadioSelect)
    progress = LongTextField(label="Progress and evidence", max_length=5000)
    new_date = GovDateField(label="New target date", required=False, help_text="If it has slipped.")
    reason = forms.CharField(label="Why it slipped", max_length=500, required=False)


class LetterForm(ResponseForm):
    submit_label = "Record the response"
    received_on = GovDateField(label="Date the letter was received", allow_future=False)
    letter = forms.FileField(label="The letter (PDF or Word)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Who signed the response"

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter and not letter.name.lower().endswith((".pdf", ".doc", ".docx")):
            raise forms.ValidationError("The letter must be a PDF or Word file")
        if letter and letter.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The letter must be smaller than 20 MB")
        return letter


def _recommendation(request, locality, pk) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.for_user(request.user).select_related("addressed_to", "report__issuing_body", "duty"),
        pk=pk,
        locality=locality,
    )


@area_view
@require_http_methods(["GET", "POST"])
def recommendation(request, locality, pk: int):
    rec = _recommendation(request, locality, pk)
    can_work = rec.report.issuing_body in working_bodies(request.user, locality)
    can_answer = agency_access.highest_rank_at(request.user, rec.addressed_to_id) >= ROLE_RANK[Role.MEMBER]
    action = request.POST.get("action") if request.method == "POST" else None
    extension_form = ExtensionForm(posted(request) if action == "extend" else None)
    update_form = UpdateForm(posted(request) if action == "update" else None)
    letter_form = LetterForm(posted(request) if action == "letter" else None, request.FILES or None)
    if action == "update" and (can_work or can_answer):
        if update_form.is_valid():
            try:
                services.update_record(recommendation=rec, user=request.user, **update_form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(update_form, error)
            else:
                messages.success(request, "Progress update added.")
                return redirect("reports:recommendation", locality.slug, rec.pk)
    elif action == "letter" and can_work:
        if letter_form.is_valid():
            data = letter_form.cleaned_data
            try:
                services.response_record(
                    recommendation=rec,
                    decision=data["decision"],
                    reasons=data["reasons"],
                    action_plan=data["action_plan"],
                    target_date=data["target_date"],
                    name=data["name"],
                    user=request.user,
                    letter=data["letter"],
                    responded_on=data["received_on"],
                )
            except ValidationError as error:
                apply_service_errors(letter_form, error)
            else:
                messages.success(request, f"Response recorded for {rec.addressed_to.name}.")
                return redirect("reports:recommendation", locality.slug, rec.pk)
    elif request.method == "POST":
        if not can_work:
            raise PermissionDenied("Only officers of the body that made the recommendation can change it.")
        try:
            if action == "extend" and extension_form.is_valid():
                services.extension_record(recommendation=rec, user=request.user, **extension_form.cleaned_data)
                messages.success(request, "Extension recorded.")
                return redirect("reports:recommendation", locality.slug, rec.pk)
            if action in ("stop", "restart"):
                (services.clock_stop if action == "stop" else services.clock_restart)(
                    recommendation=rec, on=timezone.localdate()
                )
                messages.success(
                    request, "Clock stopped." if action == "stop" else "Clock restarted: the deadline moved on."
                )
                return redirect("reports:recommendation", locality.slug, rec.pk)
            if action in ("close", "reopen"):
                services.recommendation_close(recommendation=rec, reopen=action == "reopen")
                messages.success(request, f"{rec.reference} {'reopened' if action == 'reopen' else 'closed'}.")
                return redirect("reports:recommendation", locality.slug, rec.pk)
            if action not in ("extend", "update", "letter"):
                extension_form = ExtensionForm({})
                extension_form.is_valid()  # an unknown action: show what an extension needs
        except ValidationError as error:
            apply_service_errors(extension_form, error)
    return render(
        request,
        "reports/recommendation.html",
        {
            "locality": locality,
            "r": rec,
            "response": getattr(rec, "response", None),
            "can_work": can_work,
            "can_answer": can_answer,
            "extension_form": extension_form.embedded_with_button(),
            "today": timezone.localdate(),
            "updates": rec.updates.select_related("recorded_by"),
            "extensions": rec.extensions.all(),
            "update_form": update_form.embedded_with_button(),
            "letter_form": letter_form.embedded_with_button(),
            "errors_form": next((f for f in (extension_form, update_form, letter_form) if f.errors), None),
        },
        status=400 if (extension_form.errors or update_form.errors or letter_form.errors) else 200,
    )


def _respond(request, rec, *, via_link: bool, user=None, before=None):
    form = ResponseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if before:
                    before()
                services.response_record(
                    recommendation=rec,
                    decision=data["decision"],
                    reasons=data["reasons"],
                    action_plan=data["action_plan"],
                    target_date=data["target_date"],
                    name=data["name"],
                    user=user,
                    via_link=via_link,
                )
        except LinkProblem as problem:
            return render(request, "concerns/link_problem.html", {"problem": problem}, status=410)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "reports/responded.html", {"r": rec})
    return render(request, "reports/respond.html", {"r": rec, "form": form}, status=400 if form.errors else 200)


@area_view
@require_http_methods(["GET", "POST"])
def recommendation_respond(request, locality, pk: int):
    rec = _recommendation(request, locality, pk)
    if agency_access.highest_rank_at(request.user, rec.addressed_to_id) < ROLE_RANK[Role.MEMBER]:
        raise PermissionDenied(f"Only members of {rec.addressed_to.name} can respond for it.")
    return _respond(request, rec, via_link=False, user=request.user)


@area_view
@require_safe
def letter(request, locality, pk: int):
    """The letter a response came in, for the two bodies involved."""
    rec = _recommendation(request, locality, pk)
    allowed = rec.report.issuing_body in working_bodies(request.user, locality) or (
        agency_access.highest_rank_at(request.user, rec.addressed_to_id) >= ROLE_RANK[Role.MEMBER]
    )
    response = getattr(rec, "response", None)
    if not allowed:
        raise PermissionDenied("Only the two bodies involved can open the letter.")
    if response is None or not response.letter:
        raise Http404("No letter")
    return FileResponse(
        response.letter.open("rb"), as_attachment=True, filename=response.letter.name.rsplit("/", 1)[-1]
    )


@require_http_methods(["GET", "POST"])
def respond_by_link(request, recommendation_id: int, token: str):
    rec = (
        Recommendation.objects.select_related("addressed_to", "report__issuing_body", "duty")
        .filter(pk=recommendation_id)
        .first()
    )
    try:
        if rec is None:
            raise LinkProblem("unknown", "This link is not valid. Use the link in the email about this recommendation.")
        link = link_check(purpose=services.LINK_PURPOSE, object_id=rec.pk, token=token)
    except LinkProblem as problem:
        return render(
            request,
            "concerns/link_problem.html",
            {"problem": problem},
            status=410 if problem.reason in ("used", "expired") else 400,
        )
    if hasattr(rec, "response"):
        return render(
            request,
            "concerns/link_problem.html",
            {"problem": LinkProblem("done", "This recommendation already has a response.")},
            status=410,
        )
    return _respond(request, rec, via_link=True, before=lambda: link_consume(link))
