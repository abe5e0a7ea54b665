"""The board's pages: the priority dashboard, priorities and their thread, referrals, the
Quality Surveillance Group's views and board packs; the Healthwatch and scrutiny landing pages.
Each view parses, authorises, calls one selector or service, and renders or redirects."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import figures, person_cache
from agencies.http import area_view, posted
from concerns.selection_views import add_reviewed_to
from quality_system import db_router
from quality_system.forms import apply_service_errors

from .. import access, word
from ..models import BoardPack, Priority
from . import dashboard, pack_render, referrals, selectors
from . import services as board
from .forms import (
    ActionForm,
    BoardPackForm,
    FigureForm,
    PriorityChoiceForm,
    PriorityFilterForm,
    PriorityForm,
    ProgressForm,
    ReferralForm,
    SurveillanceForm,
    ThreadForm,
)

# ---------------------------------------------------------------- the dashboard


def _cached_html(key: str, render) -> str:
    """A rendered part of the dashboard, kept under `key` (which names the versions it depends
    on), so it is worked out once per change, not once per visit."""
    html = cache.get(key)
    if html is None:
        with db_router.primary():  # kept for everyone under this version: never a lagging replica's rows
            html = render()
        cache.set(key, html, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return html


def _dashboard_body(locality, period: dashboard.Period) -> str:
    """The computed part of the dashboard, under the area's figures version."""
    key = f"dashboard:{locality.pk}:{period.months}:{period.today.isoformat()}:{figures.version(locality.pk)}"
    return _cached_html(
        key,
        lambda: render_to_string(
            "reports/dashboard_body.html", {"board": dashboard.build(locality, period), "locality": locality}
        ),
    )


def _surveillance_section(locality, today) -> str:
    """The Quality Surveillance Group's latest views, under the area's figures version (a view
    recorded) and the access version (a provider renamed). Only ever shown to those who may see
    them (the caller asks first)."""
    versions = f"{figures.version(locality.pk)}:{person_cache.access_version()}"
    key = f"dashboard-qsg:{locality.pk}:{today.isoformat()}:{versions}"
    return _cached_html(
        key,
        lambda: render_to_string(
            "reports/dashboard_surveillance.html", {"surveillance": dashboard.latest_surveillance(locality)}
        ),
    )


@area_view
@require_safe
def dashboard_view(request, locality):
    """The board member's landing page, for a period."""
    period = dashboard.period_from(request.GET.get("period"), timezone.localdate())
    state = selectors.counts_current(locality)
    return render(
        request,
        "reports/dashboard.html",
        {
            "locality": locality,
            "period": period,
            "periods": dashboard.PERIODS,
            "body": _dashboard_body(locality, period),
            # Per viewer, outside the shared body: only the named group sees the QSG's views.
            "surveillance": _surveillance_section(locality, period.today)
            if access.can_see_surveillance(request.user, locality)
            else None,
            "summary_state": state,
            "can_manage": access.can_manage_board(request.user, locality),
        },
    )


@area_view
@require_safe
def concerns_chart(request, locality):
    """The concerns-by-month chart, larger, with its data table."""
    period = dashboard.period_from(request.GET.get("period"), timezone.localdate())
    selectors.counts_current(locality)
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


def _priority(request, locality, pk: int) -> Priority:
    return selectors.priority_for(user=request.user, locality=locality, pk=pk)


@area_view
@require_safe
def priorities(request, locality):
    show = request.GET.get("show", "open")
    dates = PriorityFilterForm(request.GET)
    rows = (
        selectors.priority_rows(
            user=request.user,
            locality=locality,
            show=show,
            today=timezone.localdate(),
            referred_from=dates.cleaned_data["referred_from"],
        )
        if dates.is_valid()
        else []  # never "all" for a date that was not understood
    )
    return render(
        request,
        "reports/priorities.html",
        {
            "locality": locality,
            "rows": rows,
            "show": show,
            "dates": dates,
            "can_manage": access.can_manage_board(request.user, locality),
        },
        status=400 if dates.errors else 200,
    )


def _priority_form_page(request, locality, priority: Priority | None = None):
    access.require_board_member(request.user, locality)
    form = PriorityForm(posted(request), locality=locality, initial=PriorityForm.initial_for(priority))
    if request.method == "POST" and form.is_valid():
        try:
            saved = board.priority_save(locality=locality, user=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Priority ‘{saved.title}’ saved.")
            return redirect("reports:priority", locality.slug, saved.pk)
    back = (
        reverse("reports:priority", args=[locality.slug, priority.pk])
        if priority
        else reverse("reports:priorities", args=[locality.slug])
    )
    return render(
        request,
        "reports/form.html",
        {
            "locality": locality,
            "form": form,
            "title": "Change the priority" if priority else "Add a priority",
            "back_url": back,
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
    today = timezone.localdate()
    row = selectors.priority_row(priority=priority, today=today)
    return render(
        request,
        "reports/priority.html",
        {
            "locality": locality,
            "priority": row.priority,
            "row": row,
            "today": today,
            **selectors.priority_thread(user=request.user, priority=priority),
            "can_manage": access.can_manage_board(request.user, locality),
        },
    )


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
    action = selectors.priority_action_for(priority=priority, pk=action_pk)
    board.action_done(action=action, on=timezone.localdate())
    messages.success(request, f"‘{action.action}’ marked as done.")
    return redirect("reports:priority", locality.slug, priority.pk)


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
            "figures": selectors.priority_figures(priority=priority),
            "chart_notes": selectors.priority_series_notes_by_month(priority=priority),
        },
        status=400 if form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def priority_link(request, locality, pk: int):
    """Add concerns, alerts, recommendations, reviews and signals to the priority's thread."""
    return _priority_step(
        request,
        locality,
        pk,
        make_form=lambda priority: ThreadForm(posted(request), locality=locality, user=request.user),
        title="Link records to the priority",
        act=lambda priority, form: board.thread_link(priority=priority, **form.links()),
        done=lambda added: f"{added} record{'s' if added != 1 else ''} linked to the priority.",
    )


@area_view
@require_POST
def priority_add_concerns(request, locality):
    """Add experiences selected in the concerns list to a priority's golden thread."""
    access.require_board_member(request.user, locality)
    priorities = Priority.objects.for_user(request.user).filter(locality=locality).order_by("title")

    return add_reviewed_to(
        request,
        locality,
        form_class=PriorityChoiceForm,
        choices=priorities,
        add=lambda priority, concerns: board.thread_link(priority=priority, concerns=concerns),
        noun="priority",
    )


@area_view
@require_http_methods(["GET", "POST"])
def priority_refer(request, locality, pk: int):
    return _priority_step(
        request,
        locality,
        pk,
        make_form=lambda priority: ReferralForm(posted(request), locality=locality),
        title="Refer for fuller scrutiny",
        act=lambda priority, form: referrals.referral_make(priority=priority, user=request.user, **form.cleaned_data),
        done=lambda referral: (
            f"Suggested to {referral.to_body.name}. Their officers have been told; it is theirs to accept or "
            "decline, and their answer will show here."
        ),
    )


# ---------------------------------------------------------------- Quality Surveillance Group


@area_view
@require_safe
def surveillance(request, locality):
    access.require_surveillance_reader(request.user, locality)
    views = selectors.surveillance_views(user=request.user, locality=locality, provider=request.GET.get("provider", ""))
    return render(
        request,
        "reports/surveillance.html",
        {
            "locality": locality,
            "latest": dashboard.latest_surveillance(locality),
            "views": views,
            "can_record": access.can_record_surveillance(request.user, locality),
        },
    )


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
    packs = selectors.board_packs(user=request.user, locality=locality)
    return render(
        request,
        "reports/board_packs.html",
        {"locality": locality, "form": form, "packs": packs, "can_build": can_build},
        status=400 if form.errors else 200,
    )


def _pack(request, locality, pk: int) -> BoardPack:
    return selectors.board_pack_for(user=request.user, locality=locality, pk=pk)


@area_view
@require_safe
def board_pack(request, locality, pk: int):
    """The progress page while it builds; the paper itself once ready."""
    pack = _pack(request, locality, pk)
    template = "reports/board_pack.html" if pack.state == BoardPack.State.READY else "reports/board_pack_progress.html"
    part_b = pack.part_b_html if access.can_see_surveillance(request.user, locality) else ""
    return render(request, template, {"locality": locality, "pack": pack, "part_b": part_b})


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


@area_view
@require_safe
def board_pack_docx(request, locality, pk: int):
    """The pack as a Word document, for a council's own template."""
    pack = _pack(request, locality, pk)
    if pack.state != BoardPack.State.READY:
        raise Http404("This board pack is not ready")
    return word.response(pack_render.word_document(pack), f"board-pack-{locality.slug}-{pack.meeting_on:%Y-%m-%d}.docx")


# ---------------------------------------------------------------- landing pages for Healthwatch and scrutiny


@area_view
@require_safe
def healthwatch_home(request, locality):
    """Healthwatch's open work and what is due this week."""
    page = selectors.healthwatch_home(user=request.user, locality=locality, today=timezone.localdate())
    return render(request, "reports/healthwatch_home.html", {"locality": locality, **page})


@area_view
@require_safe
def scrutiny_home(request, locality):
    """The scrutiny officer's open work: responses due this week, overdue, to follow up."""
    page = selectors.scrutiny_home(user=request.user, locality=locality, today=timezone.localdate())
    return render(request, "reports/scrutiny_home.html", {"locality": locality, **page})
