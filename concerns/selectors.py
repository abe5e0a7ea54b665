"""Reads for the concerns pages. Each runs a fixed number of queries whatever the data size."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies import access as agency_access
from agencies.models import Body, Locality, Role, ServiceType, User

from .models import COUNTED_STATUSES, Concern, ConcernTheme, Status, Theme, TrendSignal

PAGE_SIZE = 50
# The list counts its matches exactly up to this many ("More than 1,000 experiences" above):
# counting reads every match, so a higher cap makes every large list slower, and above a
# thousand the trends page and the downloads are the way to exact figures. It stays above
# SELECTION_MAX, so "act on all matching" still knows when there are too many.
COUNT_CAP = 1_000
# How many of a theme's tags are read for one page of the list, while other filters leave it short.
TAG_BATCHES = (4 * PAGE_SIZE, 16 * PAGE_SIZE, 64 * PAGE_SIZE)


def service_bodies(locality: Locality) -> QuerySet[Body]:
    """Bodies people can give feedback about in the area today: active, with a service type."""
    return Body.objects.serving(locality).active().exclude(service_type="").order_by("name")


def service_choices(locality: Locality) -> list[tuple[int, str]]:
    """The list's service filter: (id, name) of each active body with a service type serving the
    area today, by name. An area has up to 1,500, so they are cached under the version that every
    change to a body or footprint moves (agencies.person_cache) and the day."""
    from django.core.cache import cache

    from agencies import person_cache
    from quality_system import db_router

    version = person_cache.access_version()
    key = f"service-choices:{locality.pk}:{version}:{timezone.localdate().isoformat()}"
    found = cache.get(key) if version is not None else None
    if found is None:
        with db_router.primary():  # a lagging replica's list must not be kept
            found = list(service_bodies(locality).values_list("pk", "name"))
        if version is not None:
            cache.set(key, found, timeout=60 * 60)
    return found


def filtered_concerns(user: User, locality: Locality, filters: dict) -> QuerySet[Concern]:
    """The concerns this user may see in the area, narrowed by the list's filters."""
    qs: QuerySet[Concern] = Concern.all_objects.for_user(user).filter(locality=locality)
    if filters.get("received_from"):
        qs = qs.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        qs = qs.filter(received_on__lte=filters["received_to"])
    if filters.get("service"):
        qs = qs.filter(service_id=filters["service"])
    if not filters.get("status"):  # spam stays out of the list and its exports unless asked for
        qs = qs.exclude(status=Status.REJECTED)
    for field in ("service_type", "sentiment", "status", "channel"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    if filters.get("severity") is not None:
        qs = qs.filter(severity__gte=filters["severity"])
    tags = theme_tags(locality, filters)
    if tags is not None:
        qs = with_theme(qs, tags)
    if filters.get("safeguarding") in ("yes", "no"):
        qs = qs.filter(safeguarding=filters["safeguarding"] == "yes")
    if filters.get("from_public") == "yes":
        qs = qs.filter(from_public=True)
    if filters.get("q"):
        qs = search(qs, filters["q"], user)
    return qs


def theme_tags(locality: Locality | int, filters: dict) -> QuerySet[ConcernTheme] | None:
    """The list's theme filter as the theme's tags in the area and dates (None without one). The
    tags carry copies of their concern's area and date (kept equal by services), so this reads
    one index and nothing else."""
    if not filters.get("theme"):
        return None
    tags = ConcernTheme.objects.filter(locality=locality, theme_id=filters["theme"])
    if filters.get("received_from"):
        tags = tags.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        tags = tags.filter(received_on__lte=filters["received_to"])
    return tags


def with_theme(qs: QuerySet[Concern], tags: QuerySet[ConcernTheme]) -> QuerySet[Concern]:
    """Narrow to the concerns with one of these tags."""
    return qs.filter(pk__in=tags.values("concern_id"))


def search(qs: QuerySet[Concern], text: str, user: User) -> QuerySet[Concern]:
    """Words match the narrative only of experiences collected by a body where the user is staff
    (full-text on PostgreSQL, stemmed, with "quotes" and -exclusions; on SQLite every word);
    elsewhere they match only the approved shareable summary, so a search cannot reveal what a
    narrative says to anyone who may not read it."""
    words = text.split()
    summary = Q(summary_approved_at__isnull=False)
    narrative = Q()
    for word in words:
        summary &= Q(shareable_summary__icontains=word)
        narrative &= Q(narrative__icontains=word)
    if connection.vendor == "postgresql":
        narrative = Q(search=SearchQuery(text, config="english", search_type="websearch"))
    own = [seat.body_id for seat in agency_access.seats(user, min_role=Role.MEMBER)]
    return qs.filter((Q(collecting_body_id__in=own) & narrative) | summary)


@dataclasses.dataclass
class Page:
    rows: list[Concern]
    next_cursor: str | None
    count: int
    count_capped: bool


def parse_cursor(cursor: str | None) -> tuple[datetime.date, int] | None:
    """A cursor is '<received_on>.<id>' of the last row shown; anything else starts again."""
    if not cursor:
        return None
    try:
        day, pk = cursor.split(".")
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def _after(position: tuple[datetime.date, int] | None, pk: str) -> Q:
    """Rows after `position` (a received date and id) in the list's order; all of them without."""
    if position is None:
        return Q()
    day, last = position
    return Q(received_on__lt=day) | Q(received_on=day, **{f"{pk}__lt": last})


def _newest(qs: QuerySet[Concern]) -> list[Concern]:
    """The first PAGE_SIZE + 1 rows, newest first."""
    return list(qs.order_by("-received_on", "-id")[: PAGE_SIZE + 1])


def _newest_with_theme(
    qs: QuerySet[Concern], tags: QuerySet[ConcernTheme], position: tuple[datetime.date, int] | None
) -> list[Concern]:
    """A theme's page, read from its newest tags: a batch of the theme's tags in list order (one
    index; a tag's date and concern id order it exactly as the list is ordered), then the page's
    rows among their concerns, with bigger batches while other filters leave the page short,
    then the rest the plain way (`qs` is already narrowed to the theme). Asked plainly, the
    database fetched and sorted every tagged concern (about 10,000 for a common theme in a busy
    area): its statistics are per table, and the country's tags make one area's theme look rare
    among that area's concerns."""
    tags = tags.order_by("-received_on", "-concern_id")
    rows: list[Concern] = []
    for size in TAG_BATCHES:
        found = list(tags.filter(_after(position, "concern_id")).values_list("received_on", "concern_id")[:size])
        rows += _newest(qs.filter(pk__in=[pk for _, pk in found]))
        if len(rows) > PAGE_SIZE or len(found) < size:
            return rows[: PAGE_SIZE + 1]
        position = found[-1]
    return rows + _newest(qs.filter(_after(position, "id")))[: PAGE_SIZE + 1 - len(rows)]


def concern_page(qs: QuerySet[Concern], cursor: str | None, tags: QuerySet[ConcernTheme] | None = None) -> Page:
    """One page of the list, newest first, by keyset (cheap at any depth). With a theme filter,
    `tags` are its tags (`theme_tags`)."""
    position = parse_cursor(cursor)
    count = qs.order_by()[: COUNT_CAP + 1].count()
    qs = qs.filter(_after(position, "id"))
    # A theme with more matches than the count shows is common in the area: read it from its
    # tags. A rarer one, or one that another filter narrows, is left to the database's plan.
    rows = _newest_with_theme(qs, tags, position) if tags is not None and count > COUNT_CAP else _newest(qs)
    # Services and themes are fetched for the page's rows afterwards, not joined: a join lets
    # the planner sort every match by service before the newest 50 are taken.
    prefetch_related_objects(
        rows,
        "service",
        Prefetch("theme_tags", queryset=ConcernTheme.objects.select_related("theme").order_by("theme__name")),
    )
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = f"{last.received_on.isoformat()}.{last.pk}"
    return Page(rows, next_cursor, min(count, COUNT_CAP), count > COUNT_CAP)


def waiting_for_review(user: User, locality: Locality) -> int:
    return (
        Concern.all_objects.for_user(user)
        .filter(locality=locality, status="new", from_public=True)
        .order_by()[: COUNT_CAP + 1]
        .count()
    )


# ---------------------------------------------------------------- trends


def month_starts(end_month: datetime.date, count: int) -> list[datetime.date]:
    """`count` first-of-month dates ending with `end_month`, oldest first."""
    months = []
    year, month = end_month.year, end_month.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def last_complete_month(today: datetime.date) -> datetime.date:
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def theme_month_counts(locality: Locality, months: list[datetime.date]) -> dict[int, dict[datetime.date, int]]:
    """Counted concerns per theme per month (one grouped query)."""
    rows = (
        ConcernTheme.objects.filter(
            locality=locality,
            received_on__gte=months[0],
            received_on__lt=next_month(months[-1]),
            concern__status__in=COUNTED_STATUSES,
        )
        .annotate(month=TruncMonth("received_on"))
        .values("theme_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for row in rows:
        out[row["theme_id"]][_as_date(row["month"])] = row["n"]
    return out


def service_month_counts(
    locality: Locality, months: list[datetime.date], field: str = "service_id"
) -> dict[object, dict[datetime.date, int]]:
    """Counted concerns per service (or service type) per month (one grouped query)."""
    rows = (
        Concern.all_objects.counted()
        .filter(locality=locality, received_on__gte=months[0], received_on__lt=next_month(months[-1]))
        .exclude(**{f"{field}__isnull": True})
        .annotate(month=TruncMonth("received_on"))
        .values(field, "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[object, dict[datetime.date, int]] = defaultdict(dict)
    for row in rows:
        out[row[field]][_as_date(row["month"])] = row["n"]
    return out


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@dataclasses.dataclass
class TrendRow:
    label: str
    counts: list[int]
    current: int
    previous: int
    link_filter: str = ""
    chart: str = ""  # the URL name of the row's chart page (themes and services have one)
    key: Any = None

    @property
    def recent(self) -> list[int]:
        return self.counts[-12:]

    @property
    def recent_latest_first(self) -> list[int]:
        """The last 12 months' counts, newest first: a table read (or cut off) from the left
        shows the latest months, where a rise would be."""
        return self.recent[::-1]

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_text(self) -> str:
        if self.previous == 0:
            return "new" if self.current else "no change"
        pct = round(100 * self.change / self.previous)
        if pct == 0:
            return "no change"
        return f"{'up' if pct > 0 else 'down'} {abs(pct)}%"


@dataclasses.dataclass
class Trends:
    months: list[datetime.date]
    period: int
    totals: list[int]
    themes: list[TrendRow]
    services: list[TrendRow]
    service_types: list[TrendRow]
    signals: list[TrendSignal]

    @property
    def recent_months(self) -> list[datetime.date]:
        return self.months[-12:]

    @property
    def recent_totals(self) -> list[int]:
        return self.totals[-12:]

    @property
    def recent_months_latest_first(self) -> list[datetime.date]:
        return self.recent_months[::-1]

    @property
    def monthly_totals_latest_first(self) -> list[tuple[datetime.date, int]]:
        return list(zip(self.recent_months, self.recent_totals, strict=True))[::-1]


def _rows(
    series: dict,
    labels: dict,
    months: list[datetime.date],
    period: int,
    link: Callable[[Any], str],
    chart: str = "",
) -> list[TrendRow]:
    rows = []
    for key, by_month in series.items():
        counts = [by_month.get(m, 0) for m in months]
        rows.append(
            TrendRow(
                label=labels.get(key, str(key)),
                counts=counts,
                current=sum(counts[-period:]),
                previous=sum(counts[-2 * period : -period]),
                link_filter=link(key),
                chart=chart,
                key=key,
            )
        )
    rows.sort(key=lambda r: (-r.current, r.label))
    return rows


def _summary_series(
    locality: Locality, dimension: str, months: list[datetime.date], key: Callable[[str], Any] = str
) -> dict[Any, dict[datetime.date, int]]:
    """One dimension's monthly counts from the summary table, as {key: {month: count}}."""
    from . import summaries

    out: dict[object, dict[datetime.date, int]] = {}
    for raw, counts in summaries.series(locality.pk, dimension, months).items():
        out[key(raw)] = dict(zip(months, counts, strict=True))
    return out


def trends(locality: Locality, today: datetime.date, period: int = 3, months_shown: int = 12) -> Trends:
    """Theme, service and service-type counts by month, with change against the previous
    period of the same length. Read from the monthly counts (concerns.summaries), so the cost
    does not grow with the area's concerns."""
    from .models import MonthlyCount

    months = month_starts(last_complete_month(today), max(months_shown, 2 * period))
    dimension = MonthlyCount.Dimension
    theme_series = _summary_series(locality, dimension.THEME, months, int)
    service_series = _summary_series(locality, dimension.SERVICE, months, int)
    type_series = _summary_series(locality, dimension.SERVICE_TYPE, months)
    totals = _summary_series(locality, dimension.TOTAL, months).get("", {})
    theme_names = dict(Theme.all_objects.filter(locality=locality).values_list("id", "name"))
    # The 20 services with most concerns in the period (named in one query).
    recent = months[-period:]
    top = sorted(service_series, key=lambda k: -sum(service_series[k].get(m, 0) for m in recent))[:20]
    names = dict(Body.objects.filter(pk__in=top).values_list("id", "name"))
    service_rows = _rows(
        {k: service_series[k] for k in top}, names, months, period, lambda k: f"service={k}", "concerns:trend-service"
    )
    return Trends(
        months=months,
        period=period,
        totals=[totals.get(m, 0) for m in months],
        themes=_rows(theme_series, theme_names, months, period, lambda k: f"theme={k}", "concerns:trend-theme"),
        services=service_rows,
        service_types=_rows(type_series, dict(ServiceType.choices), months, period, lambda k: f"service_type={k}"),
        signals=list(
            TrendSignal.all_objects.filter(locality=locality)
            .select_related("theme", "service")
            .order_by("-month", "kind")[:20]
        ),
    )


def uploads_stored(locality: Locality) -> tuple[int, int]:
    """How many uploaded import files the area stores now, and their total size in bytes."""
    from .models import ImportJob

    found = (
        ImportJob.objects.filter(locality=locality)
        .exclude(file="")
        .aggregate(files=Count("pk"), size=Sum("file_bytes"))
    )
    return found["files"], found["size"] or 0


# ---------------------------------------------------------------- the public figures


@dataclasses.dataclass
class PublicThemeRow:
    theme: str
    months: list[Any]  # disclosure.Figure for each month
    total: Any


@dataclasses.dataclass
class PublicFigures:
    """Reviewed experiences in a whole area, by theme and month, protected for publication
    (concerns.disclosure). Never by service or provider."""

    months: list[datetime.date]
    themes: list[PublicThemeRow]
    month_totals: list[Any]
    total: Any
    anything_hidden: bool


def public_figures(locality: Locality, today: datetime.date, months_shown: int = 12) -> PublicFigures:
    """The last `months_shown` complete months, latest first, from the monthly counts (three
    queries, whatever the number of experiences). A theme row adds up its months; a month's total counts each
    experience once (it may have several themes, or none), and disclosure treats it as a total."""
    from . import disclosure, summaries
    from .models import MonthlyCount

    months = month_starts(last_complete_month(today), months_shown)
    by_theme = summaries.series(locality.pk, MonthlyCount.Dimension.THEME, months)
    per_month = summaries.series(locality.pk, MonthlyCount.Dimension.TOTAL, months).get("", [0] * len(months))
    counted = {int(key) for key, counts in by_theme.items() if any(counts)}
    themes = list(
        Theme.all_objects.filter(locality=locality)
        .filter(Q(is_active=True) | Q(pk__in=counted))
        .order_by("name")
        .values_list("pk", "name")
    )
    cells = [by_theme.get(str(pk), [0] * len(months)) for pk, _ in themes]
    table = disclosure.protect_table(cells, [sum(row) for row in cells], per_month, sum(per_month))
    # The latest month first, as on the other trend tables.
    rows = [
        PublicThemeRow(name, figures[::-1], total)
        for (_, name), figures, total in zip(themes, table.cells, table.row_totals, strict=True)
    ]
    return PublicFigures(months[::-1], rows, table.column_totals[::-1], table.grand_total, table.anything_hidden)
