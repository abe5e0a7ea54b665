"""The board's pages: the priority dashboard, priorities and their thread, referrals, the
Quality Surveillance Group's views and board packs; the Healthwatch and scrutiny landing pages."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import access as agency_access
from agencies import figures
from agencies.http import area_view, posted
from agencies.models import Body
from concerns import summaries
from concerns.models import Alert, Concern, Theme, TrendSignal
from quality_system.forms import GovDateField, GovForm, LongTextField, apply_service_errors

from .. import access
from ..models import BoardPack, Priority, PriorityAction, Recommendation, Referral, Review, SurveillanceView
from ..references import ReferencesMixin, small_int
from . import dashboard
from . import services as board

# ---------------------------------------------------------------- the dashboard


def _counts_current(locality) -> summaries.SummaryState | None:
    return summaries.ensure_current(locality.pk)


@area_view
@require_safe
def dashboard_view(request, locality):
    """The board member's landing page, for a period. The computed part is cached under the
    area's figures version, so it is worked out once per change, not once per visit."""
    today = timezone.localdate()
    period = dashboard.period_from(request.GET.get("period"), today)
    state = _counts_current(locality)
    key = f"dashboard:{locality.pk}:{period.months}:{today.isoformat()}:{figures.version(locality.pk)}"
    body = cache.get(key)
    if body is None:
        board_data = dashboard.build(locality, period)
        body = render_to_string("reports/dashboard_body.html", {"board": board_data, "locality": locality})
        cache.set(key, body, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return render(
        request,
        "reports/dashboard.html",
        {
            "locality": locality,
            "period": period,
            "periods": dashboard.PERIODS,
            "body": body,
            "summary_state": state,
            "can_manage": access.can_manage_board(request.user, locality),
        },
    )


@area_view
@require_safe
def concerns_chart(request, locality):
    """The concerns-by-month chart, larger, with its data table."""
    period = dashboard.period_from(request.GET.get("period"), timezone.localdate())
    _counts_current(locality)
    section = dashboard.concern_section(locality, period)
    return render(
        request,
        "reports/chart.html",
        {
            "locality": locality,
            "series": section.volume,
            "title": "Concerns counted each month",
            "back": (reverse("reports:dashboard", args=[locality.slug]), "Back to the dashboard"),
            "note": "Concerns count once they have been reviewed. Months are calendar months.",
        },
    )


# ---------------------------------------------------------------- priorities


def _priority(request, locality, pk) -> Priority:
    return get_object_or_404(
        Priority.objects.for_user(request.user).select_related("owner_body", "measure_theme", "measure_service"),
        pk=pk,
        locality=locality,
    )


@area_view
@require_safe
def priorities(request, locality):
    show = request.GET.get("show", "open")
    qs = Priority.objects.for_user(request.user).filter(locality=locality)
    if show != "all":
        qs = qs.exclude(status=Priority.Status.RESOLVED)
    rows = dashboard.priority_rows(locality, timezone.localdate(), priorities=qs)
    return render(
        request,
        "reports/priorities.html",
        {
            "locality": locality,
            "rows": rows,
            "show": show,
            "can_manage": access.can_manage_board(request.user, locality),
        },
    )


class PriorityForm(GovForm):
    submit_label = "Save the priority"
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Waiting times for children's mental health services."
    )
    why = LongTextField(label="Why it matters", max_length=5000)
    owner_body = forms.ModelChoiceField(
        label="Owner", queryset=Body.objects.none(), help_text="The body that leads on it."
    )
    agreed_on = GovDateField(label="Date the board agreed it", help_text="For example, 14 10 2026")
    status = forms.ChoiceField(label="Status", choices=Priority.Status.choices, widget=forms.RadioSelect)
    measure = forms.ChoiceField(
        label="Figure to track",
        choices=Priority.Measure.choices,
        widget=forms.RadioSelect,
        help_text="The dashboard charts this figure month by month.",
    )
    measure_theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.all_objects.none(),
        required=False,
        help_text="If you track concerns with a theme.",
    )
    measure_service = forms.ModelChoiceField(
        label="Service",
        queryset=Body.objects.none(),
        required=False,
        help_text="If you track concerns about a service.",
    )
    measure_name = forms.CharField(
        label="Name of the figure",
        max_length=200,
        required=False,
        help_text="If you enter the figure yourself, like ‘Children waiting over 18 weeks’.",
    )
    better = forms.ChoiceField(label="Which way is better", choices=Priority.Better.choices, widget=forms.RadioSelect)
    target = forms.DecimalField(
        label="Target (optional)",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="A monthly figure to aim for. The dashboard says whether the target will be met.",
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.filter(locality=locality, is_active=True).order_by("name")
        self.fields["owner_body"].queryset = bodies
        self.fields["measure_service"].queryset = bodies
        self.fields["measure_theme"].queryset = Theme.all_objects.filter(locality=locality, is_active=True).order_by(
            "name"
        )
        self.fields["target"].error_messages["invalid"] = "Enter the target as a number, like 40"


def _priority_form_page(request, locality, priority=None):
    access.require_board_member(request.user, locality)
    initial = {"status": Priority.Status.ON_TRACK, "measure": Priority.Measure.NONE, "better": Priority.Better.LOWER}
    if priority is not None:
        initial = {f: getattr(priority, f) for f in PriorityForm.base_fields}
    form = PriorityForm(posted(request), locality=locality, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = board.priority_save(locality=locality, user=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Priority ‘{saved.title}’ saved.")
            return redirect("reports:priority", locality.slug, saved.pk)
    return render(
        request,
        "reports/form.html",
        {
            "locality": locality,
            "form": form,
            "title": "Change the priority" if priority else "Add a priority",
            "back_url": (
                reverse("reports:priority", args=[locality.slug, priority.pk])
                if priority
                else reverse("reports:priorities", args=[locality.slug])
            ),
        },
        status=400 if form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def priority_create(request, locality):
    return _priority_form_page(request, locality)


@area_view
@require_http_methods(["GET", "POST"])
def priority_edit(request, locality, pk: int):
    return _priority_form_page(request, locality, _priority(request, locality, pk))


@area_view
@require_safe
def priority_detail(request, locality, pk: int):
    priority = _priority(request, locality, pk)
    row = dashboard.priority_rows(locality, timezone.localdate(), priorities=Priority.objects.filter(pk=priority.pk))[0]
    today = timezone.localdate()
    return render(
        request,
        "reports/priority.html",
        {
            "locality": locality,
            "priority": row.priority,
            "row": row,
            "today": today,
            "updates": priority.updates.select_related("recorded_by")[:50],
            "actions": priority.actions.select_related("owner_body"),
            "concerns": Concern.all_objects.for_user(request.user)
            .filter(priorities=priority)
            .select_related("service")
            .order_by("-received_on", "-id")[:100],
            "signals": priority.trend_signals.select_related("theme", "service").order_by("-month"),
            "alerts": Alert.all_objects.for_user(request.user).filter(priorities=priority).order_by("-sent_on"),
            "reviews": priority.reviews.select_related("lead_body").order_by("-created_at"),
            "recommendations": priority.recommendations.select_related("addressed_to", "response").order_by(
                "-sent_on", "reference"
            ),
            "referrals": priority.referrals.select_related("to_body", "review"),
            "can_manage": access.can_manage_board(request.user, locality),
        },
    )


@area_view
@require_safe
def priority_chart(request, locality, pk: int):
    priority = _priority(request, locality, pk)
    row = dashboard.priority_rows(locality, timezone.localdate(), priorities=Priority.objects.filter(pk=priority.pk))[0]
    if row.series is None:
        raise Http404("This priority has no figures yet")
    return render(
        request,
        "reports/chart.html",
        {
            "locality": locality,
            "series": row.series,
            "title": row.series.title,
            "caption": priority.title,
            "back": (reverse("reports:priority", args=[locality.slug, priority.pk]), "Back to the priority"),
        },
    )


class ProgressForm(GovForm):
    submit_label = "Save progress"
    status = forms.ChoiceField(label="Status now", choices=Priority.Status.choices, widget=forms.RadioSelect)
    progress = LongTextField(label="What has happened", max_length=5000, help_text="What was done, and what changed.")


def _priority_step(request, locality, pk: int, *, make_form, title: str, act, done):
    """A form about one priority (progress, an action, links, a referral), for board members:
    `act(priority, form)` does the work with the valid form; the priority page then says
    `done(result)`."""
    priority = _priority(request, locality, pk)
    access.require_board_member(request.user, locality)
    form = make_form(priority)
    if request.method == "POST" and form.is_valid():
        try:
            result = act(priority, form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done(result))
            return redirect("reports:priority", locality.slug, priority.pk)
    return render(
        request,
        "reports/form.html",
        {
            "locality": locality,
            "form": form,
            "title": title,
            "caption": priority.title,
            "back_url": reverse("reports:priority", args=[locality.slug, priority.pk]),
        },
        status=400 if form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def priority_progress(request, locality, pk: int):
    return _priority_step(
        request,
        locality,
        pk,
        make_form=lambda priority: ProgressForm(posted(request), initial={"status": priority.status}),
        title="Report progress",
        act=lambda priority, form: board.priority_update_add(priority=priority, user=request.user, **form.cleaned_data),
        done=lambda update: "Progress saved.",
    )


class ActionForm(GovForm):
    submit_label = "Add the action"
    action = forms.CharField(label="What will be done", max_length=500)
    owner_body = forms.ModelChoiceField(label="Who will do it", queryset=Body.objects.none())
    due_on = GovDateField(label="Date it is due", help_text="For example, 31 1 2027")

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_body"].queryset = Body.objects.filter(locality=locality, is_active=True).order_by("name")


@area_view
@require_http_methods(["GET", "POST"])
def priority_action_add(request, locality, pk: int):
    return _priority_step(
        request,
        locality,
        pk,
        make_form=lambda priority: ActionForm(posted(request), locality=locality),
        title="Add an action",
        act=lambda priority, form: board.action_add(priority=priority, user=request.user, **form.cleaned_data),
        done=lambda action: "Action added.",
    )


@area_view
@require_POST
def priority_action_done(request, locality, pk: int, action_pk: int):
    priority = _priority(request, locality, pk)
    access.require_board_member(request.user, locality)
    action = get_object_or_404(PriorityAction, pk=action_pk, priority=priority)
    board.action_done(action=action, on=timezone.localdate())
    messages.success(request, f"‘{action.action}’ marked as done.")
    return redirect("reports:priority", locality.slug, priority.pk)


class FigureForm(GovForm):
    submit_label = "Save the figure"
    month = GovDateField(label="Month", help_text="Any day in the month, for example 1 10 2026")
    value = forms.DecimalField(label="Figure", max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages["invalid"] = "Enter the figure as a number, like 42"
        self.fields["value"].error_messages["required"] = "Enter the figure"
        self.fields["value"].error_messages["min_value"] = "Enter a figure of 0 or more"


@area_view
@require_http_methods(["GET", "POST"])
def priority_figures(request, locality, pk: int):
    priority = _priority(request, locality, pk)
    access.require_board_member(request.user, locality)
    if priority.measure != Priority.Measure.MANUAL:
        messages.info(request, "This priority's figure is counted from concerns; there is nothing to enter.")
        return redirect("reports:priority", locality.slug, priority.pk)
    form = FigureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            figure = board.figure_record(priority=priority, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Figure for {figure.month:%B %Y} saved.")
            return redirect("reports:priority-figures", locality.slug, priority.pk)
    return render(
        request,
        "reports/priority_figures.html",
        {
            "locality": locality,
            "priority": priority,
            "form": form,
            "figures": priority.figures.order_by("-month")[:120],
        },
        status=400 if form.errors else 200,
    )


class ThreadForm(ReferencesMixin, GovForm):
    submit_label = "Link them"
    concern_refs = forms.CharField(
        label="Experiences",
        max_length=2000,
        required=False,
        help_text="References separated by commas, like C-001234, C-001240.",
    )
    alert_refs = forms.CharField(label="Alerts", max_length=500, required=False, help_text="Like A-00012, A-00015.")
    recommendation_refs = forms.CharField(
        label="Recommendations", max_length=500, required=False, help_text="Their references, like HOSC-2026-07-R1."
    )
    review_ids = forms.MultipleChoiceField(
        label="Reviews", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    signal_ids = forms.MultipleChoiceField(
        label="Rises found by the trend check", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, locality, user, **kwargs):
        self.locality, self.user = locality, user
        super().__init__(*args, **kwargs)
        self.reviews = Review.objects.for_user(user).filter(locality=locality).order_by("-created_at")[:50]
        self.signals = (
            TrendSignal.all_objects.filter(locality=locality).select_related("theme", "service").order_by("-month")[:30]
        )
        self.fields["review_ids"].choices = [(str(r.pk), r.topic) for r in self.reviews]
        self.fields["signal_ids"].choices = [
            (str(s.pk), f"{s.subject}: {s.count} in {s.month:%B %Y}") for s in self.signals
        ]

    def clean_recommendation_refs(self):
        raw = self.cleaned_data.get("recommendation_refs", "")
        typed = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        found = list(Recommendation.objects.for_user(self.user).filter(locality=self.locality, reference__in=typed))
        missing = sorted(set(typed) - {r.reference for r in found})
        if missing:
            raise forms.ValidationError(f"No recommendation you can see has the reference {', '.join(missing)}")
        return found

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            data.get(f) for f in ("concern_refs", "alert_refs", "recommendation_refs", "review_ids", "signal_ids")
        ):
            raise forms.ValidationError("Enter at least one reference, or select a review or a rise")
        return data


@area_view
@require_http_methods(["GET", "POST"])
def priority_link(request, locality, pk: int):
    """Add concerns, alerts, recommendations, reviews and signals to the priority's thread."""

    def act(priority, form):
        data = form.cleaned_data
        return board.thread_link(
            priority=priority,
            concerns=data["concern_refs"],
            alerts=data["alert_refs"],
            recommendations=data["recommendation_refs"],
            reviews=[r for r in form.reviews if str(r.pk) in data["review_ids"]],
            signals=[s for s in form.signals if str(s.pk) in data["signal_ids"]],
        )

    return _priority_step(
        request,
        locality,
        pk,
        make_form=lambda priority: ThreadForm(posted(request), locality=locality, user=request.user),
        title="Link records to the priority",
        act=act,
        done=lambda added: f"{added} record{'s' if added != 1 else ''} linked to the priority.",
    )


class ReferralForm(GovForm):
    submit_label = "Refer for fuller scrutiny"
    to_body = forms.ModelChoiceField(label="Who to refer it to", queryset=Body.objects.none(), widget=forms.RadioSelect)
    question = LongTextField(
        label="What the board wants to know",
        max_length=3000,
        help_text="The questions you want answered, and anything they should look at.",
    )
    report_by = GovDateField(label="Report back by (optional)", required=False, help_text="For example, 31 3 2027")

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = board.referral_targets(locality)


@area_view
@require_http_methods(["GET", "POST"])
def priority_refer(request, locality, pk: int):
    return _priority_step(
        request,
        locality,
        pk,
        make_form=lambda priority: ReferralForm(posted(request), locality=locality),
        title="Refer for fuller scrutiny",
        act=lambda priority, form: board.referral_make(priority=priority, user=request.user, **form.cleaned_data),
        done=lambda referral: (
            f"Referred to {referral.to_body.name}. Their officers have been told, and the review is on their list."
        ),
    )


# ---------------------------------------------------------------- Quality Surveillance Group


@area_view
@require_safe
def surveillance(request, locality):
    views = SurveillanceView.objects.for_user(request.user).filter(locality=locality).select_related("provider")
    provider = request.GET.get("provider", "")
    if small_int(provider):
        views = views.filter(provider_id=int(provider))
    return render(
        request,
        "reports/surveillance.html",
        {
            "locality": locality,
            "latest": dashboard.latest_surveillance(locality),
            "views": views[:200],
            "can_record": access.can_record_surveillance(request.user, locality),
        },
    )


class SurveillanceForm(GovForm):
    submit_label = "Record the group's view"
    provider = forms.ModelChoiceField(label="Provider", queryset=Body.objects.none())
    level = forms.ChoiceField(
        label="The group's view", choices=SurveillanceView.Level.choices, widget=forms.RadioSelect
    )
    decided_on = GovDateField(label="Date of the group's meeting", help_text="For example, 12 11 2026")
    summary = LongTextField(label="Summary", max_length=5000, help_text="What the group found and what happens next.")

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = dashboard.providers(locality)


@area_view
@require_http_methods(["GET", "POST"])
def surveillance_record(request, locality):
    access.require_surveillance_recorder(request.user, locality)
    form = SurveillanceForm(posted(request), locality=locality)
    if request.method == "POST" and form.is_valid():
        try:
            view = board.surveillance_record(locality=locality, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"The group's view of {view.provider.name} is recorded.")
            return redirect("reports:surveillance", locality.slug)
    return render(
        request,
        "reports/form.html",
        {
            "locality": locality,
            "form": form,
            "title": "Record a Quality Surveillance Group view",
            "back_url": reverse("reports:surveillance", args=[locality.slug]),
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- board packs


class BoardPackForm(GovForm):
    submit_label = "Build the board pack"
    meeting_on = GovDateField(label="Meeting date", help_text="For example, 10 12 2026")

    def clean_meeting_on(self):
        meeting_on = self.cleaned_data["meeting_on"]
        if meeting_on < timezone.localdate():
            raise forms.ValidationError("The meeting date must be today or in the future")
        return meeting_on


@area_view
@require_http_methods(["GET", "POST"])
def board_packs(request, locality):
    can_build = access.can_manage_board(request.user, locality)
    form = BoardPackForm(posted(request))
    if request.method == "POST":
        access.require_board_member(request.user, locality)
        if form.is_valid():
            pack = board.board_pack_request(locality=locality, user=request.user, **form.cleaned_data)
            return redirect("reports:board-pack", locality.slug, pack.pk)
    packs = BoardPack.objects.for_user(request.user).filter(locality=locality).select_related("requested_by")[:50]
    return render(
        request,
        "reports/board_packs.html",
        {"locality": locality, "form": form, "packs": packs, "can_build": can_build},
        status=400 if form.errors else 200,
    )


def _pack(request, locality, pk) -> BoardPack:
    return get_object_or_404(BoardPack.objects.for_user(request.user), pk=pk, locality=locality)


@area_view
@require_safe
def board_pack(request, locality, pk: int):
    """The progress page while it builds; the paper itself once ready."""
    pack = _pack(request, locality, pk)
    template = "reports/board_pack.html" if pack.state == BoardPack.State.READY else "reports/board_pack_progress.html"
    return render(request, template, {"locality": locality, "pack": pack})


@area_view
@require_safe
def board_pack_pdf(request, locality, pk: int):
    pack = _pack(request, locality, pk)
    if pack.state != BoardPack.State.READY or not pack.pdf:
        raise Http404("This board pack has no PDF")
    return FileResponse(
        pack.pdf.open("rb"),
        as_attachment=True,
        filename=f"board-pack-{locality.slug}-{pack.meeting_on:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


# ---------------------------------------------------------------- landing pages for Healthwatch and scrutiny


def _week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = today - datetime.timedelta(days=today.weekday())
    return start, start + datetime.timedelta(days=6)


@area_view
@require_safe
def healthwatch_home(request, locality):
    """Healthwatch's open work and what is due this week."""
    from concerns.models import AlertRecipient
    from concerns.selectors import waiting_for_review

    from ..models import EvidenceRequest

    today = timezone.localdate()
    week_start, week_end = _week(today)
    bodies = [seat.body_id for seat in agency_access.seats(request.user, locality)]
    raised = AlertRecipient.objects.filter(alert__locality=locality, alert__raised_by_body_id__in=bodies)
    return render(
        request,
        "reports/healthwatch_home.html",
        {
            "locality": locality,
            "today": today,
            "week_end": week_end,
            "waiting": waiting_for_review(request.user, locality),
            "alerts_waiting": raised.filter(state=AlertRecipient.State.SENT).count(),
            "alerts_overdue": list(
                raised.filter(state=AlertRecipient.State.SENT, due_on__lt=today)
                .select_related("alert", "body")
                .order_by("due_on")[:20]
            ),
            "evidence_due": list(
                EvidenceRequest.objects.filter(
                    review__locality=locality, to_body_id__in=bodies, state=EvidenceRequest.State.SENT
                )
                .filter(due_on__lte=week_end)
                .select_related("review")
                .order_by("due_on")[:20]
            ),
            "referrals": _referrals_open(locality, bodies),
            "work": _work_in_progress(locality, bodies),
            "signals": list(
                TrendSignal.all_objects.filter(locality=locality)
                .select_related("theme", "service")
                .order_by("-month", "-count")[:5]
            ),
        },
    )


def _referrals_open(locality, bodies) -> list[Referral]:
    return list(
        Referral.objects.filter(to_body_id__in=bodies, priority__locality=locality)
        .exclude(review__state__in=[Review.State.REPORTED, Review.State.CLOSED])
        .select_related("priority", "review", "to_body")
        .order_by("report_by", "created_at")[:20]
    )


def _work_in_progress(locality, bodies) -> list[Review]:
    return list(
        Review.objects.filter(
            locality=locality, lead_body_id__in=bodies, state__in=[Review.State.PLANNED, Review.State.IN_PROGRESS]
        ).order_by("ends_on", "-created_at")[:20]
    )


@area_view
@require_safe
def scrutiny_home(request, locality):
    """The scrutiny officer's open work: responses due this week, overdue, to follow up."""
    from ..models import EvidenceRequest

    today = timezone.localdate()
    week_start, week_end = _week(today)
    bodies = [seat.body_id for seat in agency_access.seats(request.user, locality)]
    issued = Recommendation.objects.filter(locality=locality, report__issuing_body_id__in=bodies).select_related(
        "addressed_to"
    )
    awaiting = issued.filter(state=Recommendation.State.AWAITING)
    return render(
        request,
        "reports/scrutiny_home.html",
        {
            "locality": locality,
            "today": today,
            "week_end": week_end,
            "due_this_week": list(awaiting.filter(due_on__gte=today, due_on__lte=week_end).order_by("due_on")[:20]),
            "overdue": list(awaiting.filter(due_on__lt=today, clock_stopped_on__isnull=True).order_by("due_on")[:20]),
            "overdue_count": awaiting.filter(due_on__lt=today, clock_stopped_on__isnull=True).count(),
            "awaiting_count": awaiting.count(),
            "follow_up": list(
                issued.filter(state=Recommendation.State.RESPONDED)
                .filter(Q(follow_up_on__lte=week_end))
                .order_by("follow_up_on")[:20]
            ),
            "evidence_waiting": list(
                EvidenceRequest.objects.filter(
                    review__locality=locality, review__lead_body_id__in=bodies, state=EvidenceRequest.State.SENT
                )
                .select_related("to_body", "review")
                .order_by("due_on")[:20]
            ),
            "referrals": _referrals_open(locality, bodies),
            "work": _work_in_progress(locality, bodies),
        },
    )
