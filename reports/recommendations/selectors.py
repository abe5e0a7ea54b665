"""Reads for the recommendations room: the tracker's rows and filters, response statistics per
body, and the records one page shows."""

from __future__ import annotations

import dataclasses
import datetime
import statistics
from collections.abc import Iterable, Iterator, Mapping

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from agencies.models import Body, Locality, User

from ..models import Recommendation, Referral, Report, Response, Review
from ..on_time import RECOMMENDATION_FIGURES, RECOMMENDATION_RESPONSE, OnTime, recommendation_figure
from ..references import small_int

TRACKER_STATES = [
    ("awaiting", "Awaiting response"),
    ("overdue", "Overdue"),
    ("responded", "Responded"),
    ("closed", "Closed"),
    ("withdrawn", "Withdrawn"),
]
PRINT_LIMIT = 2000  # the committee document lists them all, up to this many
PAGE_SIZE = 100
# What each row of the tracker shows besides the recommendation itself.
TRACKER_JOINS = ("addressed_to", "report__issuing_body", "report__locality", "response")
TRACKER_PREFETCH = ("updates", "report__areas")


# A board figure for the tracker: (figure, counted from); NOTHING when it was not understood.
Figure = tuple[str, datetime.date] | str | None
NOTHING = "nothing"


def tracker_rows(
    user: User, locality: Locality, params: Mapping[str, str], today: datetime.date, figure: Figure = None
) -> QuerySet:
    """The recommendations this person sees in the area (led there, or a joint report's that
    concerns it), filtered as the query string asks; with a board `figure`, exactly those the
    board's figure counts (led in the area, sent and not withdrawn: reports.on_time)."""
    qs = Recommendation.objects.for_user(user).in_area(locality).sent()  # never a draft
    if figure == NOTHING:
        qs = qs.none()
    elif isinstance(figure, tuple):
        qs = qs.counted().filter(locality=locality).filter(recommendation_figure(*figure, today))
    body, committee, state, year = (params.get(k, "") for k in ("body", "committee", "state", "year"))
    if small_int(body):
        qs = qs.filter(addressed_to_id=int(body))
    if small_int(committee):
        qs = qs.filter(report__issuing_body_id=int(committee))
    if state == "overdue":
        qs = qs.overdue(today)
    elif state in Recommendation.State.values:
        qs = qs.filter(state=state)
    if small_int(year) and 2000 <= int(year) <= 2100:
        qs = qs.filter(sent_on__year=int(year))
    return qs.select_related(*TRACKER_JOINS).prefetch_related(*TRACKER_PREFETCH).order_by("due_on", "reference")


@dataclasses.dataclass
class TrackerPage:
    rows: list[Recommendation]
    total: int
    page: Page | None


def tracker_page(qs: QuerySet, *, printable: bool, page_number: str | None, today: datetime.date) -> TrackerPage:
    """One page of 100 rows, or every row (up to 2,000) for the committee document, each with
    its whole days left and late."""
    page = None
    ids = qs.values_list("pk", flat=True)
    if printable:
        chosen = list(ids[:PRINT_LIMIT])
        total = len(chosen)
    else:
        page = Paginator(ids, PAGE_SIZE).get_page(page_number)
        chosen, total = list(page.object_list), page.paginator.count
    rows = _with_details(chosen)
    for row in rows:  # whole days, for "due in 3 days" and "overdue by 2 days"
        row.days_left = (row.due_on - today).days
        row.days_late = -row.days_left
    return TrackerPage(rows=rows, total=total, page=page)


def _with_details(chosen: list[int]) -> list:
    """The chosen recommendations (ids taken, in order, from the person's scoped tracker query)
    with their bodies, report, response and updates. Choosing the page from the recommendations
    alone first means the joins are made for its rows only: joined before the sort, every
    recommendation the person sees in the area was joined to four tables to show 100."""
    found = (
        Recommendation.objects.filter(pk__in=chosen).select_related(*TRACKER_JOINS).prefetch_related(*TRACKER_PREFETCH)
    )
    by_id = {row.pk: row for row in found}
    return [by_id[pk] for pk in chosen if pk in by_id]


def addressed_bodies(locality: Locality) -> QuerySet[Body]:
    """Bodies that have received recommendations in the area (the tracker's "To" filter)."""
    received = Recommendation.objects.in_area(locality).sent().values("addressed_to_id")
    return Body.objects.filter(pk__in=received).order_by("name")


def issuing_committees(locality: Locality) -> QuerySet[Body]:
    """Bodies that have issued reports in the area (the tracker's "Made by" filter)."""
    return Body.objects.filter(pk__in=Report.objects.in_area(locality).values("issuing_body_id")).order_by("name")


def filter_words(params: Mapping[str, str], bodies: Iterable[Body], committees: Iterable[Body]) -> str:
    """The filters in words, for the printed committee document."""
    names = {str(b.pk): b.name for b in list(bodies) + list(committees)}
    words = []
    if params.get("committee") in names:
        words.append(f"made by {names[params['committee']]}")
    if params.get("body") in names:
        words.append(f"to {names[params['body']]}")
    state = {
        "awaiting": "awaiting a response",
        "overdue": "overdue",
        "responded": "responded",
        "closed": "closed",
        "withdrawn": "withdrawn",
    }
    if params.get("state") in state:
        words.append(state[params["state"]])
    if small_int(params.get("year", "")):
        words.append(f"made in {params['year']}")
    return ", ".join(words)


def response_statistics(
    today: datetime.date,
    *,
    locality: Locality | None = None,
    addressed_to: Body | None = None,
    issued_by: Body | None = None,
) -> list[dict]:
    """Per body: recommendations made, responded on time (reports.on_time: of those answered or
    overdue, with those not yet due apart), median days to respond, outstanding and overdue.

    In one area (a joint report's recommendations count in each area they concern), or for one
    addressed body or one issuing committee across every area: a recommendation is one row, so
    a joint one counts once. Two queries, whatever the number of recommendations."""
    rule = RECOMMENDATION_RESPONSE
    recs = Recommendation.objects.counted()  # not drafts, unsent or withdrawn ones
    if locality is not None:
        recs = recs.in_area(locality)
    if addressed_to is not None:
        recs = recs.filter(addressed_to=addressed_to)
    if issued_by is not None:
        recs = recs.filter(report__issuing_body=issued_by)
    rows = list(
        recs.values("addressed_to_id", "addressed_to__name")
        .annotate(
            made=Count("id"),
            answered=Count("id", filter=rule.answered()),
            outstanding=Count("id", filter=Q(state=Recommendation.State.AWAITING)),
            overdue=Count("id", filter=rule.overdue(today)),
            **rule.counts(today),
        )
        .order_by()
    )
    days: dict[int, list[int]] = {}
    answered = recs.filter(response__isnull=False).values_list("addressed_to_id", "sent_on", "response__responded_on")
    for body_id, sent_on, responded_on in answered:
        days.setdefault(body_id, []).append((responded_on - sent_on).days)
    stats = []
    for row in rows:
        taken = days.get(row["addressed_to_id"], [])
        on_time = OnTime.read(row)
        stats.append(
            {
                "body": row["addressed_to__name"],
                "made": row["made"],
                "answered": row["answered"],
                "on_time": on_time,
                "on_time_rate": on_time.percent,
                "not_yet_due": on_time.not_yet_due,
                "median_days": round(statistics.median(taken)) if taken else None,
                "outstanding": row["outstanding"],
                "overdue": row["overdue"],
            }
        )
    return sorted(stats, key=lambda r: r["body"].lower())


def tracker(
    user: User, locality: Locality, params: QueryDict, *, printable: bool, today: datetime.date, figure: Figure = None
) -> dict:
    """What the tracker page (or the printed committee document) shows for these filters."""
    shown = tracker_page(
        tracker_rows(user, locality, params, today, figure),
        printable=printable,
        page_number=params.get("page"),
        today=today,
    )
    bodies, committees = addressed_bodies(locality), issuing_committees(locality)
    query = params.copy()
    for key in ("print", "format", "page"):
        query.pop(key, None)
    return {
        "rows": shown.rows,
        "total": shown.total,
        "page": shown.page,
        "bodies": bodies,
        "committees": committees,
        "states": TRACKER_STATES,
        "filters": params,
        "query": query.urlencode(),
        "stats": response_statistics(today, locality=locality),
        "filter_words": ", ".join(filter(None, [filter_words(params, bodies, committees), figure_words(figure)])),
    }


def figure_words(figure: Figure) -> str:
    if not isinstance(figure, tuple):
        return ""
    name, since = figure
    return f"in the board's figure ‘{RECOMMENDATION_FIGURES[name]}’ counted from {since:%-d %B %Y}"


def tracker_csv_rows(qs: QuerySet[Recommendation], today: datetime.date) -> Iterator[list]:
    """The spreadsheet's cells, one list per recommendation (unescaped)."""
    yield ["reference", "body", "made", "due", "days_left", "response", "implementation", "recommendation"]
    for rec in qs:
        updates = rec.updates.all()
        update = updates[0] if updates else None
        decision = rec.response.get_decision_display() if hasattr(rec, "response") else "No response"
        yield [
            rec.reference,
            rec.addressed_to.name,
            f"{rec.sent_on:%d/%m/%Y}",
            f"{rec.due_on:%d/%m/%Y}",
            rec.days_left(today),
            decision,
            update.get_status_display() if update else "",
            rec.text,
        ]


# ---------------------------------------------------------------- one record


def visible_reviews(user: User, locality: Locality) -> QuerySet[Review]:
    """The area's reviews: led there, or a joint committee's that concern it."""
    return (
        Review.objects.for_user(user)
        .in_area(locality)
        .select_related("lead_body", "locality")
        .prefetch_related("areas")[:200]
    )


def review_for(user: User, locality: Locality, pk: int) -> Review:
    """A review in the area (led there or concerning it) that the user reads, else 404."""
    found = Review.objects.for_user(user).in_area(locality).select_related("lead_body", "locality")
    return get_object_or_404(found.prefetch_related("areas"), pk=pk)


def report_for(user: User, locality: Locality, pk: int) -> Report:
    """A report in the area (led there or concerning it) that the user reads, else 404."""
    found = Report.objects.for_user(user).in_area(locality).select_related("issuing_body", "locality")
    return get_object_or_404(found.prefetch_related("areas"), pk=pk)


def review_page(review: Review, locality: Locality) -> dict:
    """What the review page shows besides the review: its reports, evidence and what it builds
    on. The experiences, alerts and rises behind a joint review belong to its lead area: shown
    there only (another concerned area's people are not entitled to that area's records)."""
    led_here = review.locality_id == locality.pk
    return {
        "reports": Report.objects.in_area(locality).filter(review=review),
        "evidence": review.evidence_requests.select_related("to_body"),
        "states": Review.State.choices,
        "builds_on_elsewhere": not led_here,
        "concerns": review.concerns.all()[:50] if led_here else [],
        "alerts": review.alerts.all()[:50] if led_here else [],
        "signals": review.trend_signals.select_related("theme", "service")[:50] if led_here else [],
        "referral": Referral.objects.filter(review=review).select_related("priority").first() if led_here else None,
    }


def recommendation_for(user: User, locality: Locality, pk: int) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.for_user(user)
        .in_area(locality)
        .select_related("addressed_to", "report__issuing_body", "report__locality", "duty")
        .prefetch_related("report__areas"),
        pk=pk,
    )


def recommendation_page(rec: Recommendation) -> dict:
    """What the recommendation page shows besides the recommendation."""
    return {
        "response": getattr(rec, "response", None),
        "updates": rec.updates.select_related("recorded_by"),
        "extensions": rec.extensions.all(),
    }


# ---------------------------------------------------------------- the public pages


def public_reports(locality: Locality, today: datetime.date) -> dict:
    """What was done in an area: its published reports (a joint committee's that concern it
    included), each with `tally` (recommendations sent, answered, overdue today); the overdue
    recommendations; and the latest responses. Four queries, whatever the numbers."""
    published = Report.objects.in_area(locality).filter(published_on__isnull=False)
    reports = list(published.select_related("issuing_body", "locality").prefetch_related("areas")[:200])
    counted = Recommendation.objects.filter(report__in=published.values("pk")).counted()
    tallies = {
        row["report_id"]: row
        for row in counted.values("report_id")
        .annotate(
            sent=Count("id"),
            answered=Count("response"),
            overdue=Count("id", filter=Recommendation.overdue_condition(today)),
        )
        .order_by()
    }
    for report in reports:
        report.tally = tallies.get(report.pk, {"sent": 0, "answered": 0, "overdue": 0})  # a note for the page
    overdue = counted.overdue(today).select_related("addressed_to", "report").order_by("due_on", "pk")[:100]
    responses = (
        Response.objects.filter(recommendation__in=counted)
        .select_related("recommendation__addressed_to", "recommendation__report")
        .order_by("-responded_on", "-pk")[:10]
    )
    return {"reports": reports, "overdue": list(overdue), "responses": list(responses)}


def public_recommendations(report: Report, today: datetime.date) -> list[Recommendation]:
    """A published report's sent recommendations (withdrawn ones with their reason), each with
    `overdue` (no response by its due day) and, once answered, `answered_late`."""
    recommendations = list(
        report.recommendations.sent().select_related("addressed_to", "response").prefetch_related("updates")
    )
    for rec in recommendations:  # notes for the page, not fields
        rec.overdue = rec.is_overdue(today)
        response = getattr(rec, "response", None)
        rec.answered_late = response is not None and not response.on_time()
    return recommendations
