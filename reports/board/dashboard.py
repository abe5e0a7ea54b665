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

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate

from agencies.models import Body, BodyKind, Duty, DutyAssessment, Locality
from concerns import spc, summaries
from concerns.models import Alert, AlertRecipient, MonthlyCount, Theme, TrendSignal
from concerns.selectors import last_complete_month, month_starts, next_month

from ..models import (
    BoardPack,
    EvidenceRequest,
    ImplementationUpdate,
    Priority,
    PriorityAction,
    PriorityFigure,
    PriorityUpdate,
    Recommendation,
    Referral,
    Report,
    Response,
    Review,
    SurveillanceView,
)

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
        return spc.xmr(self.values) if self.values else None

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
        words = {1: "unusually high", -1: "unusually low", 0: "no"}
        result = self.result
        return [
            (label, value, words[result.direction[i]] if result.special_cause[i] else "no")
            for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True))
        ]


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
    latest_update_at: datetime.datetime | None
    actions_open: int
    actions_overdue: int

    @property
    def chart_ref(self) -> str:
        return f"chart-priority-{self.priority.pk}"


def chart_months(today: datetime.date) -> list[datetime.date]:
    return month_starts(last_complete_month(today), CHART_MONTHS)


def priority_rows(locality: Locality, today: datetime.date, priorities=None) -> list[PriorityRow]:
    """Every open priority (or those given) with its figure's series. Five queries."""
    months = chart_months(today)
    latest = PriorityUpdate.objects.filter(priority=OuterRef("pk")).order_by("-created_at", "-id")
    if priorities is None:
        priorities = Priority.objects.filter(locality=locality).exclude(status=Priority.Status.RESOLVED)
    priorities = list(
        priorities.select_related("owner_body", "measure_theme", "measure_service")
        .annotate(
            latest_update=Subquery(latest.values("progress")[:1]),
            latest_update_at=Subquery(latest.values("created_at")[:1]),
            actions_open=Count("actions", filter=Q(actions__done_on__isnull=True), distinct=True),
            actions_overdue=Count(
                "actions", filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today), distinct=True
            ),
        )
        .order_by("title")
    )
    by_theme = {
        str(p.measure_theme_id) for p in priorities if p.measure == Priority.Measure.THEME and p.measure_theme_id
    }
    by_service = {
        str(p.measure_service_id) for p in priorities if p.measure == Priority.Measure.SERVICE and p.measure_service_id
    }
    theme_series = summaries.series(locality.pk, Dimension.THEME, months, sorted(by_theme)) if by_theme else {}
    service_series = summaries.series(locality.pk, Dimension.SERVICE, months, sorted(by_service)) if by_service else {}
    manual_ids = [p.pk for p in priorities if p.measure == Priority.Measure.MANUAL]
    manual: dict[int, list[PriorityFigure]] = {}
    if manual_ids:
        for figure in PriorityFigure.objects.filter(priority_id__in=manual_ids).order_by("month")[
            : 120 * len(manual_ids)
        ]:
            manual.setdefault(figure.priority_id, []).append(figure)
    rows = []
    for p in priorities:
        series = None
        target = float(p.target) if p.target is not None else None
        title = p.measure_name or p.title
        if p.measure == Priority.Measure.THEME and p.measure_theme_id:
            m, v = _trim_leading_zeros(
                months, [float(x) for x in theme_series.get(str(p.measure_theme_id), [0] * len(months))]
            )
            series = Series(title, m, v, p.better, target)
        elif p.measure == Priority.Measure.SERVICE and p.measure_service_id:
            values = [float(x) for x in service_series.get(str(p.measure_service_id), [0] * len(months))]
            m, v = _trim_leading_zeros(months, values)
            series = Series(title, m, v, p.better, target)
        elif p.measure == Priority.Measure.MANUAL:
            figures = manual.get(p.pk, [])[-CHART_MONTHS:]
            series = Series(title, [f.month for f in figures], [float(f.value) for f in figures], p.better, target)
        rows.append(
            PriorityRow(
                priority=p,
                series=series if series and series.values else None,
                latest_update=p.latest_update or "",
                latest_update_at=p.latest_update_at,
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
    counted_at: datetime.datetime | None
    first_month: datetime.date | None = None  # the first month with any counted concern

    @property
    def previous_incomplete(self) -> bool:
        return self.first_month is not None and self.first_month > self.period_previous_start

    period_previous_start: datetime.date | None = None


def concern_section(locality: Locality, period: Period) -> ConcernSection:
    months = chart_months(period.today)
    both = period.previous_complete_months + period.complete_months
    rows = MonthlyCount.objects.filter(
        locality=locality,
        month__gte=min(months[0], both[0]),
        month__lte=months[-1],
        dimension__in=[Dimension.TOTAL, Dimension.THEME, Dimension.SAFEGUARDING, Dimension.PUBLIC],
    ).values_list("dimension", "key", "month", "count")
    totals: dict[datetime.date, int] = {}
    current_set, previous_set = set(period.complete_months), set(period.previous_complete_months)
    theme_now: dict[str, int] = {}
    theme_before: dict[str, int] = {}
    safeguarding = public = 0
    for dimension, key, month, count in rows:
        if dimension == Dimension.TOTAL:
            totals[month] = count
        elif dimension == Dimension.THEME:
            if month in current_set:
                theme_now[key] = theme_now.get(key, 0) + count
            elif month in previous_set:
                theme_before[key] = theme_before.get(key, 0) + count
        elif month in current_set:
            if dimension == Dimension.SAFEGUARDING:
                safeguarding += count
            else:
                public += count
    names = dict(Theme.all_objects.filter(locality=locality).values_list("id", "name"))
    themes = [
        ThemeChange(int(key), names.get(int(key), "Theme removed"), theme_now.get(key, 0), theme_before.get(key, 0))
        for key in set(theme_now) | set(theme_before)
    ]
    themes.sort(key=lambda t: (-t.current, t.name))
    m, v = _trim_leading_zeros(months, [float(totals.get(month, 0)) for month in months])
    state = summaries.state_for(locality.pk)
    first_month = (
        MonthlyCount.objects.filter(locality=locality, dimension=Dimension.TOTAL)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    return ConcernSection(
        volume=Series("Concerns counted each month", m, v),
        period_total=sum(totals.get(month, 0) for month in period.complete_months),
        previous_total=sum(totals.get(month, 0) for month in period.previous_complete_months),
        safeguarding=safeguarding,
        from_public=public,
        themes=themes[:8],
        rises=list(
            TrendSignal.all_objects.filter(
                locality=locality, kind=TrendSignal.Kind.SERVICE, month__gte=period.complete_months[0]
            )
            .select_related("service")
            .order_by("-month", "-count")[:10]
        ),
        counted_at=state.refreshed_at if state else None,
        first_month=first_month,
        period_previous_start=period.previous_complete_months[0],
    )


# ---------------------------------------------------------------- alerts


@dataclasses.dataclass
class AlertBodyRow:
    body: str
    received: int
    on_time: int
    waiting: int
    overdue: int


@dataclasses.dataclass
class AlertSection:
    raised: int
    sent_to: int
    acknowledged_on_time: int
    overdue: int
    by_body: list[AlertBodyRow]

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.acknowledged_on_time / self.sent_to) if self.sent_to else None


def alert_section(locality: Locality, period: Period) -> AlertSection:
    today = period.today
    raised = Alert.all_objects.filter(locality=locality, sent_on__gte=period.start).count()
    on_time = Q(acknowledged_at__isnull=False, ack_day__lte=F("due_on"))
    rows = (
        AlertRecipient.objects.filter(alert__locality=locality)
        .filter(Q(alert__sent_on__gte=period.start) | Q(state=AlertRecipient.State.SENT))
        .annotate(ack_day=TruncDate("acknowledged_at"))
        .values("body__name")
        .annotate(
            received=Count("id", filter=Q(alert__sent_on__gte=period.start)),
            on_time=Count("id", filter=on_time & Q(alert__sent_on__gte=period.start)),
            waiting=Count("id", filter=Q(state=AlertRecipient.State.SENT)),
            overdue=Count("id", filter=Q(state=AlertRecipient.State.SENT, due_on__lt=today)),
        )
        .order_by("body__name")
    )
    by_body = [AlertBodyRow(r["body__name"], r["received"], r["on_time"], r["waiting"], r["overdue"]) for r in rows]
    return AlertSection(
        raised=raised,
        sent_to=sum(r.received for r in by_body),
        acknowledged_on_time=sum(r.on_time for r in by_body),
        overdue=sum(r.overdue for r in by_body),
        by_body=by_body,
    )


# ---------------------------------------------------------------- recommendations

OVERDUE_SHOWN = 10


@dataclasses.dataclass
class RecommendationBodyRow:
    body: str
    responses: int
    on_time: int
    awaiting: int
    overdue: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.responses) if self.responses else None


@dataclasses.dataclass
class RecommendationSection:
    awaiting: int
    overdue: int
    overdue_rows: list[Recommendation]
    by_body: list[RecommendationBodyRow]
    implementation: list[tuple[str, int]]
    made_in_period: int


def recommendation_section(locality: Locality, period: Period) -> RecommendationSection:
    today = period.today
    recs = Recommendation.objects.filter(locality=locality)
    overdue_q = Q(state=Recommendation.State.AWAITING, clock_stopped_on__isnull=True, due_on__lt=today)
    body_rows = (
        recs.filter(Q(response__responded_on__gte=period.start) | Q(state=Recommendation.State.AWAITING))
        .values("addressed_to__name")
        .annotate(
            responses=Count("id", filter=Q(response__responded_on__gte=period.start)),
            on_time=Count(
                "id", filter=Q(response__responded_on__gte=period.start, response__responded_on__lte=F("due_on"))
            ),
            awaiting=Count("id", filter=Q(state=Recommendation.State.AWAITING)),
            overdue=Count("id", filter=overdue_q),
        )
        .order_by("addressed_to__name")
    )
    by_body = [
        RecommendationBodyRow(r["addressed_to__name"], r["responses"], r["on_time"], r["awaiting"], r["overdue"])
        for r in body_rows
    ]
    latest_status = ImplementationUpdate.objects.filter(recommendation=OuterRef("pk")).order_by("-created_at", "-id")
    implementation_rows = (
        recs.filter(response__decision__in=[Response.Decision.ACCEPTED, Response.Decision.PARTIALLY])
        .annotate(latest=Subquery(latest_status.values("status")[:1]))
        .values("latest")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = dict(ImplementationUpdate.Status.choices)
    counts = {row["latest"]: row["n"] for row in implementation_rows}
    implementation = [(labels[s], counts.get(s, 0)) for s in ImplementationUpdate.Status.values]
    implementation.append(("No progress reported yet", counts.get(None, 0)))
    overdue_rows = list(recs.filter(overdue_q).select_related("addressed_to").order_by("due_on", "id")[:OVERDUE_SHOWN])
    for rec in overdue_rows:
        rec.days_overdue = (today - rec.due_on).days
    return RecommendationSection(
        awaiting=sum(r.awaiting for r in by_body),
        overdue=sum(r.overdue for r in by_body),
        overdue_rows=overdue_rows,
        by_body=by_body,
        implementation=implementation,
        made_in_period=recs.filter(sent_on__gte=period.start).count(),
    )


# ---------------------------------------------------------------- quality-system health


@dataclasses.dataclass
class DutyHealth:
    duty: Duty
    status: str
    status_label: str
    evidence: list[str]
    activity: int  # how much counted activity backs it this period

    @property
    def gap(self) -> str:
        """A mismatch worth the board's attention, in words."""
        strong = self.status in ("established", "embedded")
        if strong and self.activity == 0:
            return f"Assessed as {self.status_label.lower()}, but no activity recorded this period"
        if self.status == "not_started":
            return "Not assessed yet"
        return ""


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def activity_counts(locality: Locality, period: Period) -> dict[str, int]:
    """The counts behind the duty evidence, one query per kind of record."""
    start, today = period.start, period.today
    c: dict[str, int] = {}
    months = period.complete_months  # the same months as the dashboard's concern figures
    concern_counts = (
        MonthlyCount.objects.filter(locality=locality, month__gte=months[0], month__lte=months[-1])
        .exclude(dimension=Dimension.THEME)
        .values("dimension")
        .annotate(total=Sum("count"), keys=Count("key", distinct=True))
    )
    for row in concern_counts:
        c[f"concerns_{row['dimension']}"] = row["total"] or 0
        c[f"concerns_{row['dimension']}_keys"] = row["keys"]
    c["signals"] = TrendSignal.all_objects.filter(locality=locality, month__gte=start.replace(day=1)).count()
    commissioners = [BodyKind.ICB, BodyKind.COUNCIL, BodyKind.COUNCIL_EXECUTIVE]
    oversight = [BodyKind.HWB, BodyKind.SCRUTINY]
    providers = [BodyKind.NHS_TRUST, BodyKind.GP_PRACTICE, BodyKind.CARE_HOME, BodyKind.PROVIDER]
    recipients = AlertRecipient.objects.filter(alert__locality=locality, alert__sent_on__gte=start).annotate(
        ack_day=TruncDate("acknowledged_at")
    )
    c.update(
        recipients.aggregate(
            alerted_commissioners=Count("alert", filter=Q(body__kind__in=commissioners), distinct=True),
            alerted_oversight=Count("alert", filter=Q(body__kind__in=oversight), distinct=True),
            alerted_providers=Count("alert", filter=Q(body__kind__in=providers), distinct=True),
            alert_recipients=Count("id"),
            alert_on_time=Count("id", filter=Q(acknowledged_at__isnull=False, ack_day__lte=F("due_on"))),
        )
    )
    c["alerts_raised"] = Alert.all_objects.filter(locality=locality, sent_on__gte=start).count()
    reviews = Review.objects.filter(locality=locality).filter(
        Q(starts_on__gte=start) | Q(created_at__date__gte=start) | Q(state=Review.State.IN_PROGRESS)
    )
    c.update(
        reviews.aggregate(
            **{f"reviews_{kind}": Count("id", filter=Q(kind=kind)) for kind in Review.Kind.values},
            research_consulted=Count("id", filter=Q(kind=Review.Kind.RESEARCH) & ~Q(priority_consultation="")),
        )
    )
    c.update(
        Report.objects.filter(locality=locality, published_on__gte=start).aggregate(
            reports_published=Count("id"),
            reports_healthwatch=Count("id", filter=Q(issuing_body__kind=BodyKind.HEALTHWATCH)),
            reports_scrutiny=Count("id", filter=Q(issuing_body__kind=BodyKind.SCRUTINY)),
        )
    )
    c.update(
        Recommendation.objects.filter(locality=locality, sent_on__gte=start).aggregate(
            recommendations_made=Count("id"),
            recommendations_to_providers=Count("id", filter=Q(addressed_to__kind__in=providers)),
            recommendations_to_commissioners=Count("id", filter=Q(addressed_to__kind__in=commissioners)),
            recommendations_to_hwb=Count("id", filter=Q(addressed_to__kind=BodyKind.HWB)),
        )
    )
    c.update(
        Response.objects.filter(recommendation__locality=locality, responded_on__gte=start).aggregate(
            responses=Count("id"),
            responses_on_time=Count("id", filter=Q(responded_on__lte=F("recommendation__due_on"))),
            responses_published=Count("id", filter=Q(recommendation__report__published_on__isnull=False)),
        )
    )
    c["evidence_requests"] = EvidenceRequest.objects.filter(review__locality=locality, sent_on__gte=start).count()
    c.update(
        Priority.objects.filter(locality=locality).aggregate(
            priorities_open=Count("id", filter=~Q(status=Priority.Status.RESOLVED)),
        )
    )
    c["priority_updates"] = PriorityUpdate.objects.filter(
        priority__locality=locality, created_at__date__gte=start
    ).count()
    c.update(
        PriorityAction.objects.filter(priority__locality=locality).aggregate(
            actions_done=Count("id", filter=Q(done_on__gte=start)),
            actions_overdue=Count("id", filter=Q(done_on__isnull=True, due_on__lt=today)),
        )
    )
    c["referrals"] = Referral.objects.filter(priority__locality=locality, created_at__date__gte=start).count()
    c["qsg_views"] = SurveillanceView.objects.filter(locality=locality, decided_on__gte=start).count()
    c["board_packs"] = BoardPack.objects.filter(
        locality=locality, state=BoardPack.State.READY, created_at__date__gte=start
    ).count()
    return c


def _evidence(code: int, c: dict[str, int]) -> tuple[list[str], int]:
    """The activity that backs one duty of the guide (by its number), in words."""
    g = c.get

    def pick(*keys):
        return sum(g(k, 0) or 0 for k in keys)

    lines: dict[int, list[tuple[str, int]]] = {
        1: [
            (
                f"{_plural(g('priorities_open', 0), 'open board priority', 'open board priorities')}",
                g("priorities_open", 0),
            ),
            (f"{_plural(g('board_packs', 0), 'board pack')} produced", g("board_packs", 0)),
        ],
        2: [
            (f"{_plural(g('concerns_total', 0), 'experience')} counted", g("concerns_total", 0)),
            (f"{g('concerns_public', 0)} shared by the public online", g("concerns_public", 0)),
            (f"{_plural(g('concerns_channel_keys', 0), 'channel')} used", g("concerns_channel_keys", 0)),
        ],
        3: [
            (f"{_plural(g('reports_published', 0), 'report')} published", g("reports_published", 0)),
            (f"{_plural(g('responses_published', 0), 'response')} published", g("responses_published", 0)),
        ],
        4: [
            (f"{_plural(g('alerted_providers', 0), 'alert')} to providers", g("alerted_providers", 0)),
            (
                f"{_plural(g('recommendations_to_providers', 0), 'recommendation')} to providers",
                g("recommendations_to_providers", 0),
            ),
        ],
        5: [
            (f"{_plural(g('alerted_commissioners', 0), 'alert')} to commissioners", g("alerted_commissioners", 0)),
            (
                f"{_plural(g('recommendations_to_commissioners', 0), 'recommendation')} to commissioners",
                g("recommendations_to_commissioners", 0),
            ),
        ],
        6: [
            (f"{_plural(g('priorities_open', 0), 'open priority', 'open priorities')}", g("priorities_open", 0)),
            (f"{_plural(g('priority_updates', 0), 'progress update')} on priorities", g("priority_updates", 0)),
        ],
        7: [
            (f"{_plural(g('actions_done', 0), 'action')} completed", g("actions_done", 0)),
            (f"{_plural(g('actions_overdue', 0), 'action')} overdue now", 0),
        ],
        8: [
            (
                f"{g('alert_on_time', 0)} of {_plural(g('alert_recipients', 0), 'alert')} acknowledged on time",
                g("alert_recipients", 0),
            ),
            (
                f"{g('responses_on_time', 0)} of {_plural(g('responses', 0), 'response')} to recommendations on time",
                g("responses", 0),
            ),
        ],
        9: [(f"{_plural(g('qsg_views', 0), 'Quality Surveillance Group view')} recorded", g("qsg_views", 0))],
        10: [
            (f"{_plural(g('referrals', 0), 'priority', 'priorities')} referred for fuller scrutiny", g("referrals", 0))
        ],
        11: [(f"{_plural(g('concerns_total', 0), 'experience')} counted", g("concerns_total", 0))],
        12: [
            (f"{g('concerns_source', 0)} came through community groups and other bodies", g("concerns_source", 0)),
            (f"{_plural(g('signals', 0), 'rise')} found by the trend check", g("signals", 0)),
        ],
        13: [
            (f"{_plural(g('alerts_raised', 0), 'alert')} raised", g("alerts_raised", 0)),
            (
                f"{g('alerted_commissioners', 0)} to commissioners, "
                f"{g('alerted_oversight', 0)} to the board or scrutiny",
                0,
            ),
            (f"{g('alert_on_time', 0)} of {g('alert_recipients', 0)} acknowledged on time", 0),
        ],
        14: [
            (
                f"{_plural(g('reviews_research', 0), 'research project')}, "
                f"{g('research_consulted', 0)} with the consultation on priorities recorded",
                pick("reviews_research"),
            )
        ],
        15: [(f"{_plural(g('reports_healthwatch', 0), 'Healthwatch report')} published", g("reports_healthwatch", 0))],
        16: [
            (f"{_plural(g('reports_scrutiny', 0), 'scrutiny report')} published", g("reports_scrutiny", 0)),
            (f"{g('concerns_total', 0)} local experiences available to the committee", 0),
        ],
        17: [
            (f"{_plural(g('reviews_service_change', 0), 'proposed change')} considered", g("reviews_service_change", 0))
        ],
        18: [(f"{_plural(g('reviews_follow_up', 0), 'follow-up check')}", g("reviews_follow_up", 0))],
        19: [(f"{_plural(g('reviews_scrutiny_review', 0), 'scrutiny review')}", g("reviews_scrutiny_review", 0))],
        20: [(f"{_plural(g('evidence_requests', 0), 'request')} to gather people's views", g("evidence_requests", 0))],
        21: [
            (f"{_plural(g('recommendations_made', 0), 'recommendation')} made", g("recommendations_made", 0)),
            (f"{g('responses_on_time', 0)} of {_plural(g('responses', 0), 'response')} on time", g("responses", 0)),
        ],
    }
    chosen = lines.get(code, [])
    return [text for text, _ in chosen], sum(weight for _, weight in chosen)


def duty_health(locality: Locality, period: Period) -> list[DutyHealth]:
    counts = activity_counts(locality, period)
    assessments = {a.duty_id: a for a in DutyAssessment.objects.filter(locality=locality)}
    rows = []
    for duty in Duty.objects.select_related("function").order_by("number"):
        assessment = assessments.get(duty.pk)
        status = assessment.status if assessment else "not_started"
        evidence, activity = _evidence(duty.number, counts)
        rows.append(
            DutyHealth(
                duty=duty,
                status=status,
                status_label=dict(DutyAssessment._meta.get_field("status").choices)[status],
                evidence=evidence,
                activity=activity,
            )
        )
    return rows


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

    @property
    def duty_gaps(self) -> int:
        return sum(1 for d in self.duties if d.gap)


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
    )


def providers(locality: Locality):
    return Body.objects.filter(
        locality=locality,
        is_active=True,
        kind__in=[BodyKind.NHS_TRUST, BodyKind.GP_PRACTICE, BodyKind.CARE_HOME, BodyKind.PROVIDER, BodyKind.ICB],
    ).order_by("name")
