"""The board's priorities with their figures: counted from the monthly counts (a theme's or a
service's concerns, or the share of them that were negative), or entered by hand, with the
changes and notes recorded on each figure. A fixed number of queries for any number of
priorities."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, OuterRef, Q, Subquery

from agencies.models import Locality
from concerns import series_figures, series_notes, summaries
from concerns.models import MonthlyCount
from concerns.selectors import last_complete_month, month_starts

from ..models import Priority, PriorityFigure, PriorityUpdate
from .series import Series, trim_leading_zeros

Dimension = MonthlyCount.Dimension
CHART_MONTHS = 24


# ---------------------------------------------------------------- priorities


@dataclasses.dataclass
class PriorityRow:
    priority: Priority
    series: Series | None
    latest_update: str
    actions_open: int
    actions_overdue: int

    @property
    def chart_ref(self) -> str:
        return f"chart-priority-{self.priority.pk}"


def chart_months(today: datetime.date) -> list[datetime.date]:
    return month_starts(last_complete_month(today), CHART_MONTHS)


# The measures counted from concerns: which monthly count, keyed by which field.
COUNTED_MEASURES = {
    Priority.Measure.THEME: (Dimension.THEME, "measure_theme_id"),
    Priority.Measure.SERVICE: (Dimension.SERVICE, "measure_service_id"),
}
# The shares of negative experiences: which kind of key (concerns.series_figures), which field.
SHARE_MEASURES = {
    Priority.Measure.THEME_SHARE: ("theme", "measure_theme_id"),
    Priority.Measure.SERVICE_SHARE: ("service", "measure_service_id"),
}


@dataclasses.dataclass(frozen=True)
class Figures:
    months: list[datetime.date]
    values: list[float]
    counts: list[tuple[int, int]] | None = None  # a share's (negative, total) for each month


def _with_thread_counts(priorities, today: datetime.date) -> list[Priority]:
    """The priorities, with their latest progress and how many actions are open and overdue."""
    latest = PriorityUpdate.objects.filter(priority=OuterRef("pk")).order_by("-created_at", "-id")
    return list(
        priorities.select_related("owner_body", "measure_theme", "measure_service")
        .annotate(
            latest_update=Subquery(latest.values("progress")[:1]),
            actions_open=Count("actions", filter=Q(actions__done_on__isnull=True), distinct=True),
            actions_overdue=Count(
                "actions", filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today), distinct=True
            ),
        )
        .order_by("title")
    )


def _keys(priorities: list[Priority], measure: str, field: str) -> dict[int, str]:
    return {p.pk: str(getattr(p, field)) for p in priorities if p.measure == measure and getattr(p, field)}


def _counted(locality: Locality, priorities: list[Priority], months: list[datetime.date]) -> dict[int, Figures]:
    """Counts and shares from the monthly counts: a query per kind of measure in use. A share
    leaves out a month with no experiences at all (a gap, not 0%)."""
    found = {}
    for measure, (dimension, field) in COUNTED_MEASURES.items():
        if keys := _keys(priorities, measure, field):
            counts = summaries.series(locality.pk, dimension, months, sorted(set(keys.values())))
            for pk, key in keys.items():
                found[pk] = Figures(*trim_leading_zeros(months, [float(x) for x in counts.get(key, [0] * len(months))]))
    for measure, (kind, field) in SHARE_MEASURES.items():
        if keys := _keys(priorities, measure, field):
            shares = series_figures.shares_negative(locality.pk, months, kind, sorted(set(keys.values())))
            for pk, key in keys.items():
                found[pk] = Figures(*series_figures.percentages(months, shares[key]))
    return found


def _figures(locality: Locality, priorities: list[Priority], months: list[datetime.date]) -> dict[int, Figures]:
    """Each measured priority's months and values: from the monthly counts for a figure counted
    from concerns, else the figures entered by hand."""
    found = _counted(locality, priorities, months)
    manual_ids = [p.pk for p in priorities if p.measure == Priority.Measure.MANUAL]
    if manual_ids:
        entered: dict[int, list[PriorityFigure]] = {}
        for figure in PriorityFigure.objects.filter(priority_id__in=manual_ids).order_by("month")[
            : 120 * len(manual_ids)
        ]:
            entered.setdefault(figure.priority_id, []).append(figure)
        for pk in manual_ids:
            figures = entered.get(pk, [])[-CHART_MONTHS:]
            found[pk] = Figures([f.month for f in figures], [float(f.value) for f in figures])
    return found


def priority_rows(locality: Locality, today: datetime.date, priorities=None) -> list[PriorityRow]:
    """Every open priority (or those given) with its figure's series and the changes and notes
    recorded on it. A fixed number of queries, however many priorities."""
    if priorities is None:
        priorities = Priority.objects.filter(locality=locality).exclude(status=Priority.Status.RESOLVED)
    priorities = _with_thread_counts(priorities, today)
    figures = _figures(locality, priorities, chart_months(today))
    marks = series_notes.marks_for_many(
        locality, {series_notes.series_key("priority", pk): f.months for pk, f in figures.items() if f.values}
    )
    rows = []
    for p in priorities:
        found = figures.get(p.pk, Figures([], []))
        target = float(p.target) if p.target is not None else None
        series = None
        if found.values:
            title = p.measure_name or p.title
            if p.measure in SHARE_MEASURES:
                title = f"{title}: share of experiences that were negative (%)"
            mark = marks[series_notes.series_key("priority", p.pk)]
            better = Priority.Better.LOWER if p.measure in SHARE_MEASURES else p.better  # fewer negative is better
            series = Series(title, found.months, found.values, better, target, mark, found.counts)
        rows.append(
            PriorityRow(
                priority=p,
                series=series,
                latest_update=p.latest_update or "",
                actions_open=p.actions_open,
                actions_overdue=p.actions_overdue,
            )
        )
    return rows
