"""The board's priority dashboard: what it computes, in a fixed number of queries.

Concern figures come only from the monthly counts (concerns.summaries), never from the
concerns themselves; alerts, recommendations and the rest are read per area through their
indexes. So the work does not grow with the size of the area's history or of the country.
The view caches the rendered result under the area's figures version (agencies.figures).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery

from agencies.models import Locality
from concerns import spc, summaries
from concerns.follow_ups import Outcome, outcome_measure
from concerns.models import MonthlyCount, Theme, TrendSignal
from concerns.selectors import last_complete_month, month_starts, next_month

from ..models import (
    Priority,
    PriorityFigure,
    PriorityUpdate,
    SurveillanceView,
)
from .answers import AlertSection, RecommendationSection, alert_section, recommendation_section
from .count_links import dashboard_links
from .duty_evidence import DutyHealth, duty_health

Dimension = MonthlyCount.Dimension
CHART_MONTHS = 24
PERIODS = {3: "3 months", 6: "6 months", 12: "12 months"}
DEFAULT_PERIOD = 3


@dataclasses.dataclass(frozen=True)
class Period:
    months: int
    today: datetime.date

    @property
    def start(self) -> datetime.date:
        """The first day of the month `months - 1` months before this one."""
        return month_starts(self.today.replace(day=1), self.months)[0]

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.today:%-d %B %Y}"

    @property
    def complete_months(self) -> list[datetime.date]:
        """The last `months` complete months (for concern counts, which a part month would
        make look like a fall)."""
        return month_starts(last_complete_month(self.today), self.months)

    @property
    def previous_complete_months(self) -> list[datetime.date]:
        return month_starts(self.complete_months[0] - datetime.timedelta(days=1), self.months)

    @staticmethod
    def _span(months: list[datetime.date]) -> str:
        first, last = months[0], months[-1]
        if first == last:
            return f"{first:%B %Y}"
        return f"{first:%B}{'' if first.year == last.year else f' {first.year}'} to {last:%B %Y}"

    @property
    def complete_label(self) -> str:
        return self._span(self.complete_months)

    @property
    def previous_label(self) -> str:
        return self._span(self.previous_complete_months)

    @property
    def next_month(self) -> datetime.date:
        return next_month(self.today.replace(day=1))


def period_from(value: str | None, today: datetime.date) -> Period:
    try:
        months = int(value or DEFAULT_PERIOD)
    except ValueError:
        months = DEFAULT_PERIOD
    return Period(months if months in PERIODS else DEFAULT_PERIOD, today)


# ---------------------------------------------------------------- variation and assurance


@dataclasses.dataclass(frozen=True)
class Variation:
    """What an XmR chart says about the latest point, in words (Making Data Count icons)."""

    code: str  # improving | concerning | common | high | low | too_few
    text: str


@dataclasses.dataclass(frozen=True)
class Assurance:
    code: str  # pass | fail | hit_and_miss
    text: str


def variation(result: spc.XmRResult, better: str | None) -> Variation:
    if result.provisional:
        return Variation("too_few", f"Too few points to judge variation ({len(result.values)} of 12 months)")
    direction = result.latest_direction
    if direction == 0:
        return Variation("common", "Common cause variation: no significant change")
    if better is None:
        return Variation(
            "high" if direction > 0 else "low", f"Special cause variation: unusually {('high', 'low')[direction < 0]}"
        )
    good = (direction > 0) == (better == Priority.Better.HIGHER)
    if good:
        return Variation("improving", f"Special cause variation: improving ({('higher', 'lower')[direction < 0]})")
    return Variation("concerning", f"Special cause variation: concerning ({('higher', 'lower')[direction < 0]})")


def assurance(result: spc.XmRResult, target: float | None, better: str) -> Assurance | None:
    """Whether the process will meet its target: only with a target and 12 or more points."""
    if target is None or result.provisional:
        return None
    higher = better == Priority.Better.HIGHER
    passing = result.lower >= target if higher else result.upper <= target
    failing = result.upper < target if higher else result.lower > target
    if passing:
        return Assurance("pass", "Consistently meets the target")
    if failing:
        return Assurance("fail", "Consistently misses the target: the process must change to meet it")
    return Assurance("hit_and_miss", "Hit and miss: the target lies within the process limits")


@dataclasses.dataclass
class Series:
    title: str
    months: list[datetime.date]
    values: list[float]
    better: str | None = None
    target: float | None = None

    @functools.cached_property
    def labels(self) -> list[str]:
        return [f"{m:%b %Y}" for m in self.months]

    @functools.cached_property
    def result(self) -> spc.XmRResult | None:
        return spc.xmr(self.values, min_points=settings.SPC_MIN_POINTS) if self.values else None

    @property
    def variation(self) -> Variation | None:
        return variation(self.result, self.better) if self.values else None

    @property
    def assurance(self) -> Assurance | None:
        return assurance(self.result, self.target, self.better or Priority.Better.LOWER) if self.values else None

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def latest_label(self) -> str:
        return self.labels[-1] if self.values else ""

    @property
    def lower_limit(self) -> float | None:
        """The lower process limit, no lower than 0 for a series that cannot go below 0."""
        if not self.values:
            return None
        return self.result.lower_floored

    def table(self) -> list[tuple[str, float, str]]:
        """Month, value and, in words, any special cause, for the data table."""
        if not self.values:
            return []
        result = self.result
        return [
            (label, value, result.finding(i) if not result.provisional else "not judged: too few points")
            for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True))
        ]

    def table_latest_first(self) -> list[tuple[str, float, str]]:
        """The data table newest month first, so the latest months are seen first."""
        return self.table()[::-1]


def _trim_leading_zeros(months: list[datetime.date], values: list[float]) -> tuple[list, list]:
    """Start the chart at the first month with data (a new theme has no history)."""
    first = next((i for i, v in enumerate(values) if v), None)
    if first is None:
        return [], []
    return months[first:], values[first:]


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


def _figures(
    locality: Locality, priorities: list[Priority], months: list[datetime.date]
) -> dict[int, tuple[list[datetime.date], list[float]]]:
    """Each measured priority's months and values: from the monthly counts for a figure counted
    from concerns, else the figures entered by hand. A query per kind of measure in use."""
    found = {}
    for measure, (dimension, field) in COUNTED_MEASURES.items():
        keys = {p.pk: str(getattr(p, field)) for p in priorities if p.measure == measure and getattr(p, field)}
        if keys:
            counts = summaries.series(locality.pk, dimension, months, sorted(set(keys.values())))
            for pk, key in keys.items():
                found[pk] = _trim_leading_zeros(months, [float(x) for x in counts.get(key, [0] * len(months))])
    manual_ids = [p.pk for p in priorities if p.measure == Priority.Measure.MANUAL]
    if manual_ids:
        entered: dict[int, list[PriorityFigure]] = {}
        for figure in PriorityFigure.objects.filter(priority_id__in=manual_ids).order_by("month")[
            : 120 * len(manual_ids)
        ]:
            entered.setdefault(figure.priority_id, []).append(figure)
        for pk in manual_ids:
            figures = entered.get(pk, [])[-CHART_MONTHS:]
            found[pk] = ([f.month for f in figures], [float(f.value) for f in figures])
    return found


def priority_rows(locality: Locality, today: datetime.date, priorities=None) -> list[PriorityRow]:
    """Every open priority (or those given) with its figure's series. Five queries."""
    if priorities is None:
        priorities = Priority.objects.filter(locality=locality).exclude(status=Priority.Status.RESOLVED)
    priorities = _with_thread_counts(priorities, today)
    figures = _figures(locality, priorities, chart_months(today))
    rows = []
    for p in priorities:
        months, values = figures.get(p.pk, ([], []))
        target = float(p.target) if p.target is not None else None
        rows.append(
            PriorityRow(
                priority=p,
                series=Series(p.measure_name or p.title, months, values, p.better, target) if values else None,
                latest_update=p.latest_update or "",
                actions_open=p.actions_open,
                actions_overdue=p.actions_overdue,
            )
        )
    return rows


# ---------------------------------------------------------------- concerns


@dataclasses.dataclass
class ThemeChange:
    theme_id: int
    name: str
    current: int
    previous: int

    @property
    def change_text(self) -> str:
        if self.previous == 0:
            return "new" if self.current else "no change"
        pct = round(100 * (self.current - self.previous) / self.previous)
        return "no change" if pct == 0 else f"{'up' if pct > 0 else 'down'} {abs(pct)}%"


@dataclasses.dataclass
class ConcernSection:
    volume: Series
    period_total: int
    previous_total: int
    safeguarding: int
    from_public: int
    themes: list[ThemeChange]
    rises: list[TrendSignal]
    first_month: datetime.date | None = None  # the first month with any counted concern

    @property
    def previous_incomplete(self) -> bool:
        return self.first_month is not None and self.first_month > self.period_previous_start

    period_previous_start: datetime.date | None = None


@dataclasses.dataclass
class _Tally:
    """The monthly counts a concern section needs, added up for the period and the one before."""

    totals: dict[datetime.date, int] = dataclasses.field(default_factory=dict)
    theme_now: dict[str, int] = dataclasses.field(default_factory=dict)
    theme_before: dict[str, int] = dataclasses.field(default_factory=dict)
    safeguarding: int = 0
    public: int = 0

    def add(self, dimension: str, key: str, month: datetime.date, count: int, current: set, previous: set) -> None:
        if dimension == Dimension.TOTAL:
            self.totals[month] = count
        elif dimension == Dimension.THEME:
            if month in current:
                self.theme_now[key] = self.theme_now.get(key, 0) + count
            elif month in previous:
                self.theme_before[key] = self.theme_before.get(key, 0) + count
        elif month in current:
            if dimension == Dimension.SAFEGUARDING:
                self.safeguarding += count
            else:
                self.public += count

    def total(self, months: list[datetime.date]) -> int:
        return sum(self.totals.get(month, 0) for month in months)


def _tally(locality: Locality, period: Period, months: list[datetime.date]) -> _Tally:
    both = period.previous_complete_months + period.complete_months
    rows = MonthlyCount.objects.filter(
        locality=locality,
        month__gte=min(months[0], both[0]),
        month__lte=months[-1],
        dimension__in=[Dimension.TOTAL, Dimension.THEME, Dimension.SAFEGUARDING, Dimension.PUBLIC],
    ).values_list("dimension", "key", "month", "count")
    tally = _Tally()
    current, previous = set(period.complete_months), set(period.previous_complete_months)
    for dimension, key, month, count in rows:
        tally.add(dimension, key, month, count, current, previous)
    return tally


def _theme_changes(locality: Locality, tally: _Tally) -> list[ThemeChange]:
    names = dict(Theme.all_objects.filter(locality=locality).values_list("id", "name"))
    themes = [
        ThemeChange(
            int(key), names.get(int(key), "Theme removed"), tally.theme_now.get(key, 0), tally.theme_before.get(key, 0)
        )
        for key in set(tally.theme_now) | set(tally.theme_before)
    ]
    themes.sort(key=lambda t: (-t.current, t.name))
    return themes[:8]


def concern_section(locality: Locality, period: Period) -> ConcernSection:
    months = chart_months(period.today)
    tally = _tally(locality, period, months)
    themes = _theme_changes(locality, tally)
    m, v = _trim_leading_zeros(months, [float(tally.totals.get(month, 0)) for month in months])
    first_month = (
        MonthlyCount.objects.filter(locality=locality, dimension=Dimension.TOTAL)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    return ConcernSection(
        volume=Series("Concerns counted each month", m, v),
        period_total=tally.total(period.complete_months),
        previous_total=tally.total(period.previous_complete_months),
        safeguarding=tally.safeguarding,
        from_public=tally.public,
        themes=themes,
        rises=list(
            TrendSignal.all_objects.filter(
                locality=locality, kind=TrendSignal.Kind.SERVICE, month__gte=period.complete_months[0]
            )
            .select_related("service")
            .order_by("-month", "-count")[:10]
        ),
        first_month=first_month,
        period_previous_start=period.previous_complete_months[0],
    )


# ---------------------------------------------------------------- the whole dashboard


@dataclasses.dataclass
class Dashboard:
    locality: Locality
    period: Period
    priorities: list[PriorityRow]
    concerns: ConcernSection
    alerts: AlertSection
    recommendations: RecommendationSection
    duties: list[DutyHealth]
    surveillance: list[SurveillanceView]
    outcome: Outcome

    @property
    def duty_gaps(self) -> int:
        return sum(1 for d in self.duties if d.gap)

    @functools.cached_property
    def links(self) -> dict[str, str]:
        """Where each count that stands for records opens them."""
        return dashboard_links(self.locality, self.period)


def latest_surveillance(locality: Locality) -> list[SurveillanceView]:
    """The group's latest view of each provider it has looked at (one query)."""
    newest = SurveillanceView.objects.filter(locality=locality, provider=OuterRef("provider")).order_by(
        "-decided_on", "-id"
    )
    return list(
        SurveillanceView.objects.filter(locality=locality, pk=Subquery(newest.values("pk")[:1]))
        .select_related("provider")
        .order_by("-decided_on")[:50]
    )


def build(locality: Locality, period: Period) -> Dashboard:
    return Dashboard(
        locality=locality,
        period=period,
        priorities=priority_rows(locality, period.today),
        concerns=concern_section(locality, period),
        alerts=alert_section(locality, period),
        recommendations=recommendation_section(locality, period),
        duties=duty_health(locality, period),
        surveillance=latest_surveillance(locality),
        outcome=outcome_measure(locality=locality, today=period.today),
    )
