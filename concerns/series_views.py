"""One theme's, one service's or the whole area's experiences by month, as an XmR chart
(Making Data Count), with the changes and notes people recorded on it.

Whoever sees the trends page sees these. Healthwatch officers (and the area's administrators:
`access.can_manage_themes`) record a change to the process (the limits are worked out again
from that month) or a note on a month, and withdraw one recorded in error; everyone else sees
what was recorded, and who recorded it, but no forms (403 if they post).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.http import area_view, posted
from agencies.models import Body, Locality
from quality_system.forms import apply_service_errors

from . import access, series_figures, series_notes, spc, summaries
from .charts import Marks, trim_leading_zeros, xmr_svg
from .models import Concern, MonthlyCount, Theme
from .selectors import last_complete_month, month_starts
from .series_forms import SeriesNoteForm, WithdrawForm
from .series_models import SeriesNote

WINDOW_MONTHS = 24  # as the nightly trend job (concerns.trends)


@dataclasses.dataclass(frozen=True)
class Subject:
    """The series a page draws: its key, name, summary-table dimension and list filter."""

    series: str
    name: str
    dimension: str
    key: str
    list_filter: str
    url: str


def _subject(locality: Locality, kind: str, pk: int | None) -> Subject:
    """The theme or service named by the address, in this area (404 otherwise)."""
    if kind == "theme":
        theme = get_object_or_404(Theme.all_objects.filter(locality=locality), pk=pk)
        name, dimension, list_filter = f"the theme ‘{theme.name}’", MonthlyCount.Dimension.THEME, f"theme={pk}"
    elif kind == "service":
        in_area = Q(pk__in=Body.objects.serving(locality).values("pk")) | Q(
            pk__in=Concern.all_objects.filter(locality=locality, service_id=pk).values("service_id")
        )
        body = get_object_or_404(Body.objects.filter(in_area), pk=pk)
        name, dimension, list_filter = body.name, MonthlyCount.Dimension.SERVICE, f"service={pk}"
    else:
        name, dimension, list_filter = f"all experiences in {locality.name}", MonthlyCount.Dimension.TOTAL, ""
    url = reverse(f"concerns:trend-{kind}", args=[locality.slug, *([pk] if pk is not None else [])])
    key = str(pk) if pk is not None else ""
    return Subject(series_notes.series_key(kind, pk), name, dimension, key, list_filter, url)


def subject_for_series(locality: Locality, series: str) -> Subject:
    """The page of a series key ("theme:12", "service:3", "volume"); 404 for series these
    pages do not draw (a priority's belongs to the board's pages)."""
    kind, _, pk = series.partition(":")
    if (
        kind not in series_notes.CONCERN_SERIES
        or (kind == series_notes.VOLUME) != (pk == "")
        or not (pk == "" or (pk.isascii() and pk.isdigit()))
    ):
        raise Http404("Not a series on the concerns pages")
    return _subject(locality, kind, int(pk) if pk else None)


def _month_filter(month: datetime.date) -> str:
    """The list's filter for one month received (as the trend signals' links use)."""
    return (
        f"received_from_1={month.month}&received_from_2={month.year}"
        f"&received_to_1={month.month}&received_to_2={month.year}"
    )


def _month_rows(subject: Subject, months, counts, marks: Marks, result: spc.XmRResult) -> list[dict]:
    rows = []
    for i, month in enumerate(months):
        notes = [(text, series_notes.is_automatic(text)) for text in marks.notes.get(i, [])]
        filters = "&".join(f for f in (subject.list_filter, _month_filter(month)) if f)
        rows.append(
            {
                "month": month,
                "count": counts[i],
                "change": marks.change_reasons.get(i, ""),
                "notes": notes,
                "special": "" if result.provisional else result.finding(i),
                "filter": filters,
            }
        )
    return rows[::-1]


def _periods(result: spc.XmRResult, labels: list[str]) -> list[dict]:
    return [
        {
            "first": labels[p.start],
            "last": labels[p.end - 1],
            "months": len(p),
            "mean": p.mean,
            "lower": result.floored(p),
            "upper": p.upper,
            "limits": len(p) >= result.min_points,
        }
        for p in result.periods
    ]


def _chart_context(locality: Locality, subject: Subject) -> dict:
    summaries.ensure_current(locality.pk)
    window = month_starts(last_complete_month(timezone.localdate()), WINDOW_MONTHS)
    found = summaries.series(locality.pk, subject.dimension, window, keys=[subject.key])
    months, counts = window, found.get(subject.key, [0] * len(window))
    if any(counts):  # drawn from the first month with data, as the trend job and the board's charts
        months, counts = trim_leading_zeros(window, counts)
    marks = series_notes.marks_for(locality, subject.series, months)
    labels = [m.strftime("%b %Y") for m in months]
    title = f"Experiences each month: {subject.name}"
    result = spc.xmr(counts, changes=marks.changes, min_points=settings.SPC_MIN_POINTS)
    return {
        "months": window,  # a change or note may be recorded on any month of the window
        "chart": xmr_svg([float(c) for c in counts], labels, title, marks=marks, ref="series-chart", large=True),
        "rows": _month_rows(subject, months, counts, marks, result),
        "periods": _periods(result, labels),
        "share": _share_context(locality, subject, months),
    }


def _share_context(locality: Locality, subject: Subject, months: list[datetime.date]) -> dict | None:
    """For a theme or a service: the share of its experiences that were negative, month by
    month, with the counts behind each share (months with none are left out, not 0%). A busy
    outreach month raises the count, not the share."""
    kind = subject.series.partition(":")[0]
    if kind not in series_figures.SHARE_DIMENSIONS:
        return None
    counts = series_figures.share_negative(locality.pk, months, kind, subject.key)
    kept, values, behind = series_figures.percentages(months, counts)
    if not kept:
        return None
    marks = series_notes.marks_for(locality, subject.series, kept)
    title = f"Share of experiences that were negative (%): {subject.name}"
    labels = [m.strftime("%b %Y") for m in kept]
    rows = [
        {"month": m, "negative": n, "total": t, "percent": v} for m, v, (n, t) in zip(kept, values, behind, strict=True)
    ]
    return {
        "chart": xmr_svg(values, labels, title, marks=marks, ref="share-chart", large=True, better="lower"),
        "rows": rows[::-1],
    }


def _series_page(request, locality: Locality, subject: Subject):
    can_record = access.can_manage_themes(request.user, locality)
    if request.method == "POST":
        access.require_theme_manager(request.user, locality)
    context = _chart_context(locality, subject)
    this_month = timezone.localdate().replace(day=1)
    form = SeriesNoteForm(posted(request), months=context["months"], this_month=this_month) if can_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            note = series_notes.record(user=request.user, locality=locality, series=subject.series, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            what = "Change" if note.kind == SeriesNote.Kind.CHANGE else "Note"
            messages.success(request, f"{what} recorded for {note.month:%B %Y}: ‘{note.reason}’.")
            return redirect(subject.url)
    context |= {
        "locality": locality,
        "subject": subject,
        "form": form,
        "history": series_notes.history(locality, subject.series),
        "can_record": can_record,
    }
    return render(request, "concerns/series.html", context, status=400 if form is not None and form.errors else 200)


@area_view
@require_http_methods(["GET", "POST"])
def theme(request, locality, pk: int):
    return _series_page(request, locality, _subject(locality, "theme", pk))


@area_view
@require_http_methods(["GET", "POST"])
def service(request, locality, pk: int):
    return _series_page(request, locality, _subject(locality, "service", pk))


@area_view
@require_http_methods(["GET", "POST"])
def volume(request, locality):
    return _series_page(request, locality, _subject(locality, series_notes.VOLUME, None))


@area_view
@require_http_methods(["GET", "POST"])
def withdraw(request, locality, pk: int):
    """Withdraw a change or note recorded in error: it stays in the list, struck through, with
    who withdrew it and why."""
    access.require_theme_manager(request.user, locality)
    note = get_object_or_404(SeriesNote.objects.filter(locality=locality), pk=pk)
    subject = subject_for_series(locality, note.series)
    if note.is_withdrawn and request.method == "GET":
        messages.error(request, f"‘{note.reason}’ was already withdrawn by {note.withdrawn_by}.")
        return redirect(subject.url)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            series_notes.withdraw(user=request.user, note=note, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Withdrawn: ‘{note.reason}’ ({note.month:%B %Y}).")
            return redirect(subject.url)
    what = "change" if note.kind == SeriesNote.Kind.CHANGE else "note"
    context = {
        "locality": locality,
        "form": form,
        "title": f"Withdraw the {what} for {note.month:%B %Y}",
        "back": subject.url,
        "warning": f"‘{note.reason}’, on the chart of {subject.name}. It stays in the list, marked as withdrawn.",
    }
    return render(request, "concerns/form.html", context, status=400 if form.errors else 200)
