"""Healthwatch staff's pages: log, find, read and change experiences; themes and trends."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import can_administer
from agencies.http import area_view, posted
from quality_system.forms import apply_service_errors, approx_date_initial

from . import (
    access,
    citations,
    people_updates,
    person_references,
    redaction,
    seal_services,
    selection,
    selectors,
    services,
    summaries,
)
from .alert_views import can_raise
from .forms import ConcernFilterForm, ConcernForm, PersonalDetailsForm, SummaryForm, ThemeForm
from .models import Concern, ConcernContact, PersonalDataAccess, Status, Theme


@area_view
@require_safe
def index(request, locality):
    return list_page(request, locality)


def list_filters(request, locality) -> ConcernFilterForm:
    """The list's filters, from the address (a selection posted from the list keeps them there)."""
    staff = bool(access.collecting_bodies(request.user, locality))
    return ConcernFilterForm(request.GET or None, locality=locality, staff=staff)


def matching(request, locality):
    """The experiences the list's filters match (what "all matching these filters" selects)."""
    filters = list_filters(request, locality)
    if not filters.is_valid():  # never "all" for filters that were not understood
        raise selection.Refused("Correct the filters first, then select all the experiences that match them")
    return selectors.filtered_concerns(request.user, locality, filters.cleaned_data)


def list_page(request, locality, *, problem: str = "", status: int = 200):
    """The list; with `problem`, shown again after a refused selection, with its ticks kept."""
    collectors = access.collecting_bodies(request.user, locality)
    filters = ConcernFilterForm(request.GET or None, locality=locality, staff=bool(collectors))
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    if collectors and person_references.normalise(cleaned.get("q", "")):
        found = person_references.concern_for_staff(request.user, locality, cleaned["q"])
        if found is not None:  # a person quoted their reference: straight to their experience
            return redirect("concerns:detail", locality.slug, found.pk)
    qs = selectors.filtered_concerns(request.user, locality, cleaned)
    page = selectors.concern_page(qs, request.GET.get("after"), selectors.theme_tags(locality, cleaned))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "concerns/list.html",
        {
            "locality": locality,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_log": bool(collectors),
            "waiting": selectors.waiting_for_review(request.user, locality) if collectors else 0,
            "can_manage_themes": access.can_manage_themes(request.user, locality),
            "can_export_personal": bool(access.collecting_officer_bodies(request.user, locality)),
            "first_page": "after" not in request.GET,
            "here": request.GET.urlencode(),
            "actions": selection.actions_for(request.user, locality),
            "selection_cap": selection.cap(),
            "problem": problem,
            "ticked": set(selection.plain_ids(request.POST.getlist("concern"))),
            "all_matching": request.POST.get("all_matching") == "yes",
        },
        status=400 if status == 200 and filters.errors else status,
    )


def _concern(request, locality, pk: int) -> Concern:
    return get_object_or_404(
        Concern.all_objects.for_user(request.user).select_related(
            "service", "source_body", "collecting_body", "created_by", "summary_approved_by"
        ),
        pk=pk,
        locality=locality,
    )


def saved_banner(before: str, concern) -> str:
    """The success banner names the record with a link to it: after "Save and log another" the
    page is the empty form, and the banner is the way back to what was just saved."""
    url = reverse("concerns:detail", args=[concern.locality.slug, concern.pk])
    return format_html(
        '{} <a class="govuk-notification-banner__link" href="{}">{}</a> saved.', before, url, concern.reference
    )


@area_view
@require_http_methods(["GET", "POST"])
def create(request, locality):
    bodies = access.require_collector(request.user, locality)
    form = ConcernForm(posted(request), locality=locality)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_log(
                locality=locality, collecting_body=bodies[0], details=form.details(), created_by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, saved_banner("Experience", concern))
            if "another" in request.POST:
                return redirect("concerns:create", locality.slug)
            return redirect("concerns:detail", locality.slug, concern.pk)
    return render(
        request,
        "concerns/form.html",
        {"locality": locality, "form": form.embedded(), "title": "Log an experience", "log_another": True},
        status=400 if form.errors else 200,
    )


@area_view
@require_safe
def detail(request, locality, pk: int):

    concern = _concern(request, locality, pk)
    staff = access.is_collecting_staff(request.user, concern)
    history = []
    if staff:
        history = list(concern.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "concerns/detail.html",
        {
            "locality": locality,
            "concern": concern,
            "themes": [tag.theme for tag in concern.theme_tags.select_related("theme").order_by("theme__name")],
            "is_staff": staff,
            "can_see_personal": access.can_see_personal_details(request.user, concern),
            # Made now for records imported in bulk, which get theirs the first time it is needed.
            "person_reference": person_references.reference_for(concern)
            if access.can_see_person_reference(request.user, concern)
            else "",
            "can_raise_alert": concern.counts_in_figures() and can_raise(request.user, locality),
            "has_contact": access.can_see_personal_details(request.user, concern)
            and ConcernContact.all_objects.filter(concern=concern).exists(),
            "history": _history_rows(history),
            "updates_wish": people_updates.wish_for(concern) if staff else None,
            "back": came_from(request),
            "citations": citations.citing(user=request.user, locality=locality, concern=concern) if staff else [],
            "referrals": list(concern.safeguarding_referrals.select_related("to_body", "referred_by"))
            if staff and concern.safeguarding
            else [],
        },
    )


def came_from(request) -> str:
    """The page a link to this one came from (`?back=`), when it is a path on this site; else ""."""
    back = request.GET.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return ""


def _history_rows(records) -> list[dict]:
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            changes = [Concern._meta.get_field(c.field).verbose_name for c in record.diff_against(previous).changes]
        rows.append({"record": record, "changes": changes})
    return rows


@area_view
@require_http_methods(["GET", "POST"])
def edit(request, locality, pk: int):
    concern = _concern(request, locality, pk)
    access.require_collecting_staff(request.user, concern)
    if concern.status in (Status.REJECTED, Status.DUPLICATE):  # restored from the queue, where it is recorded
        messages.error(request, f"{concern.reference} is {concern.get_status_display().lower()}. Restore it first.")
        return redirect("concerns:submission", locality.slug, concern.pk)
    initial = {
        field: getattr(concern, field)
        for field in (
            "received_on",
            "channel",
            "source_body",
            "service",
            "service_type",
            "sentiment",
            "severity",
            "safeguarding",
            "narrative",
            "status",
            "closed_reason",
        )
    }
    initial["themes"] = list(concern.themes.all())
    initial["happened_on"] = approx_date_initial(concern.happened_on, concern.happened_on_precision)
    initial["happened_on_precision"] = concern.happened_on_precision if concern.happened_on else ""
    form = ConcernForm(posted(request), initial=initial, locality=locality)
    if request.method == "POST" and form.is_valid():
        try:
            details = form.details()
            details.service_described = concern.service_described
            details.external_ref = concern.external_ref
            services.concern_update(concern=concern, details=details)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Experience {concern.reference} updated.")
            return redirect("concerns:detail", locality.slug, concern.pk)
    return render(
        request,
        "concerns/form.html",
        {"locality": locality, "form": form, "title": f"Change {concern.reference}", "concern": concern},
        status=400 if form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def summary(request, locality, pk: int):
    """Write or approve the shareable summary: all that leaves the collecting body of an experience."""
    concern = _concern(request, locality, pk)
    access.require_collecting_staff(request.user, concern)
    suggestion = concern.shareable_summary or redaction.suggest_summary(concern.narrative)
    form = SummaryForm(posted(request), initial={"shareable_summary": suggestion})
    if request.method == "POST" and form.is_valid():
        try:
            services.summary_approve(concern=concern, text=form.cleaned_data["shareable_summary"], user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Shareable summary for {concern.reference} approved.")
            return redirect("concerns:detail", locality.slug, concern.pk)
    return render(
        request,
        "concerns/summary.html",
        {
            "locality": locality,
            "concern": concern,
            "form": form,
            "suggested": not concern.shareable_summary,
            "marked": bool(redaction.find_identifiers(concern.narrative)),
        },
        status=400 if form.errors else 200,
    )


@area_view
@require_safe
def personal(request, locality, pk: int):
    """The person's details. Only the collecting body's staff; every view is logged."""
    concern = _concern(request, locality, pk)
    if access.sealed_from(request.user, concern):
        seal_services.refused_read(user=request.user, concern=concern)
        raise Http404("These personal details are sealed")
    access.require_personal_details_access(request.user, concern)
    contact = services.personal_details_read(user=request.user, concern=concern)
    context = {"locality": locality, "concern": concern, "contact": contact, "wish": people_updates.wish_for(concern)}
    return render(request, "concerns/personal.html", context)


@area_view
@require_http_methods(["GET", "POST"])
def personal_edit(request, locality, pk: int):
    concern = _concern(request, locality, pk)
    if access.sealed_from(request.user, concern):
        seal_services.refused_read(user=request.user, concern=concern)
        raise Http404("These personal details are sealed")
    access.require_personal_details_access(request.user, concern)
    contact = ConcernContact.all_objects.filter(concern=concern).first()
    initial = {f: getattr(contact, f) for f in services.CONTACT_FIELDS} if contact else {}
    wish = people_updates.wish_for(concern)
    if wish is not None:
        initial.update(wants_updates=wish.wants_updates, safeguarding_updates=bool(wish.safeguarding_allowed_at))
    form = PersonalDetailsForm(posted(request), initial=initial, safeguarding=concern.safeguarding)
    if request.method == "POST" and form.is_valid():
        services.personal_details_update(user=request.user, concern=concern, details=form.cleaned_data)
        messages.success(request, saved_banner("Personal details for", concern))
        return redirect("concerns:personal", locality.slug, concern.pk)
    return render(
        request,
        "concerns/form.html",
        {
            "locality": locality,
            "form": form,
            "title": f"Personal details for {concern.reference}",
            "concern": concern,
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- themes


@area_view
@require_safe
def themes(request, locality):
    return render(
        request,
        "concerns/themes.html",
        {
            "locality": locality,
            "themes": Theme.all_objects.for_user(request.user).filter(locality=locality).order_by("-is_active", "name"),
            "can_manage": access.can_manage_themes(request.user, locality),
        },
    )


@area_view
@require_POST
def themes_defaults(request, locality):
    access.require_theme_manager(request.user, locality)
    added = services.themes_ensure_defaults(locality=locality)
    messages.success(request, f"{added} default theme{'s' if added != 1 else ''} added.")
    return redirect("concerns:themes", locality.slug)


@area_view
@require_http_methods(["GET", "POST"])
def theme_edit(request, locality, pk: int | None = None):
    access.require_theme_manager(request.user, locality)
    theme = None
    if pk is not None:
        theme = get_object_or_404(Theme.all_objects.for_user(request.user), pk=pk, locality=locality)
    initial = {"name": theme.name, "description": theme.description, "is_active": theme.is_active} if theme else {}
    form = ThemeForm(posted(request), initial=initial, editing=theme is not None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.theme_save(locality=locality, theme=theme, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Theme ‘{saved.name}’ saved.")
            return redirect("concerns:themes", locality.slug)
    title = f"Change the theme ‘{theme.name}’" if theme else "Add a theme"
    return render(
        request,
        "concerns/form.html",
        {
            "locality": locality,
            "form": form,
            "title": title,
            "back": reverse("concerns:themes", args=[locality.slug]),
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- trends


PERIODS = {1: "month", 3: "3 months", 6: "6 months", 12: "12 months"}


@area_view
@require_safe
def trends(request, locality):
    try:
        period = int(request.GET.get("period", 3))
    except ValueError:
        period = 3
    if period not in PERIODS:
        raise Http404("No such period")
    counted = summaries.ensure_current(locality.pk)
    data = selectors.trends(locality, timezone.localdate(), period=period)
    return render(
        request,
        "concerns/trends.html",
        {
            "locality": locality,
            "trends": data,
            "period": period,
            "period_label": PERIODS[period],
            "counted": counted,
            "periods": PERIODS,
            "can_administer": can_administer(request.user, locality),
            "can_raise": can_raise(request.user, locality),
        },
    )


@area_view
@require_safe
def access_log(request, locality):
    """Who viewed, changed or exported personal details: for administrators and Healthwatch officers."""
    access.require_theme_manager(request.user, locality)
    entries = PersonalDataAccess.objects.filter(locality=locality)
    bodies = access.log_bodies(request.user, locality)
    if bodies is not None:
        entries = entries.filter(Q(concern__isnull=True) | Q(concern__collecting_body_id__in=bodies))
    entries = entries.select_related("user", "concern").order_by("-at")[:200]
    return render(request, "concerns/access_log.html", {"locality": locality, "entries": entries})
