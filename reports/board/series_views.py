"""A priority's chart page, where board members record a change to the process or a note on
its figure (Making Data Count: the limits are worked out again from a change) and withdraw one
recorded in error. Everyone who can read the priority sees them; only board members record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.http import area_view, posted
from concerns import series_notes
from quality_system.forms import apply_service_errors

from .. import access
from . import selectors
from .forms import SeriesNoteForm, SeriesNoteWithdrawForm


def _chart_page(request, locality, priority, form: SeriesNoteForm | None = None):
    row = selectors.priority_row(priority=priority, today=timezone.localdate())
    if row.series is None:
        raise Http404("This priority has no figures yet")
    can_record = access.can_manage_board(request.user, locality)
    if can_record and form is None:
        form = SeriesNoteForm()
    if can_record:
        form.helper.form_action = reverse("reports:priority-chart-record", args=[locality.slug, priority.pk])
    return render(
        request,
        "reports/chart.html",
        {
            "locality": locality,
            "priority": priority,
            "series": row.series,
            "title": row.series.title,
            "caption": priority.title,
            "back": (reverse("reports:priority", args=[locality.slug, priority.pk]), "Back to the priority"),
            "series_notes": selectors.priority_series_notes(priority=priority),
            "form": form if can_record else None,
        },
        status=400 if form is not None and form.errors else 200,
    )


@area_view
@require_safe
def priority_chart(request, locality, pk: int):
    priority = selectors.priority_for(user=request.user, locality=locality, pk=pk)
    return _chart_page(request, locality, priority)


@area_view
@require_POST
def priority_chart_record(request, locality, pk: int):
    """Record a change or a note on the priority's figure; the chart page again, with a banner."""
    priority = selectors.priority_for(user=request.user, locality=locality, pk=pk)
    access.require_board_member(request.user, locality)
    form = SeriesNoteForm(request.POST)
    if form.is_valid():
        try:
            note = series_notes.record(
                user=request.user,
                locality=locality,
                series=series_notes.series_key("priority", priority.pk),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            what = "Change" if note.kind == "change" else "Note"
            messages.success(request, f"{what} recorded for {note.month:%B %Y}.")
            return redirect("reports:priority-chart", locality.slug, priority.pk)
    return _chart_page(request, locality, priority, form)


@area_view
@require_http_methods(["GET", "POST"])
def priority_chart_withdraw(request, locality, pk: int, note_pk: int):
    """Withdraw a change or note recorded in error, saying why (it is kept, not deleted)."""
    priority = selectors.priority_for(user=request.user, locality=locality, pk=pk)
    access.require_board_member(request.user, locality)
    note = selectors.priority_series_note_for(priority=priority, pk=note_pk)
    form = SeriesNoteWithdrawForm(posted(request))
    back = reverse("reports:priority-chart", args=[locality.slug, priority.pk])
    if request.method == "POST" and form.is_valid():
        try:
            series_notes.withdraw(user=request.user, note=note, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"‘{note.reason}’ ({note.month:%B %Y}) withdrawn.")
            return redirect(back)
    kind = "change" if note.kind == "change" else "note"
    return render(
        request,
        "reports/form.html",
        {
            "locality": locality,
            "form": form,
            "title": f"Withdraw the {kind} for {note.month:%B %Y}: ‘{note.reason}’",
            "caption": priority.title,
            "back_url": back,
        },
        status=400 if form.errors else 200,
    )
