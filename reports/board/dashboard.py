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

from django.db.models import OuterRef, Subquery

from agencies.models import Locality
from concerns.follow_ups import Outcome, outcome_measure
from concerns.models import MonthlyCount, Theme, TrendSignal
from concerns.selectors import last_complete_month, month_starts, next_month

from ..independence import LostChallenge, lost_challenge
from ..models import (
    SurveillanceView,
)
from .answers import AlertSection, RecommendationSection, alert_section, recommendation_section
from .count_links import dashboard_links
from .duty_evidence import DutyHealth, duty_health
from .priority_figures import CHART_MONTHS, PriorityRow, chart_months, priority_rows  # noqa: F401 - used by views
from .series import Assurance, Series, Variation, assurance, trim_leading_zeros, variation  # noqa: F401

Dimension = MonthlyCount.Dimension
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
    m, v = trim_leading_zeros(months, [float(tally.totals.get(month, 0)) for month in months])
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
    independence: LostChallenge

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
        independence=lost_challenge(locality, period.today),
    )
