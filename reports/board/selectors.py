"""Reads for the board's pages: priorities and their thread, surveillance tables, board packs,
referral targets, and the Healthwatch and scrutiny landing pages. Each read is a fixed number of
queries, whatever the size of the area (tests/test_query_counts.py holds the ceilings)."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from agencies import access as agency_access
from agencies.models import SERVICE_KINDS, Body, BodyKind, Function, Locality, User
from concerns import series_notes, summaries
from concerns.follow_ups import outcome_measure
from concerns.models import Alert, AlertRecipient, Concern, SeriesNote, TrendSignal
from concerns.safeguarding import unreferred
from concerns.selectors import waiting_for_review
from concerns.triage import financial_year_start, signposting_count

from ..models import (
    BoardPack,
    EvidenceRequest,
    Priority,
    PriorityAction,
    PriorityFigure,
    Recommendation,
    Referral,
    Review,
    SurveillanceView,
)
from ..references import small_int
from . import dashboard

# A referral goes to a body for the function it holds today, and starts this kind of review.
REFERRAL_REVIEWS = {
    Function.HEALTH_SCRUTINY: Review.Kind.SCRUTINY_REVIEW,
    Function.JOINT_HEALTH_SCRUTINY: Review.Kind.SCRUTINY_REVIEW,
    Function.LOCAL_HEALTHWATCH: Review.Kind.RESEARCH,
}
LANDING_ROWS = 20


def counts_current(locality: Locality) -> summaries.SummaryState | None:
    """The area's monthly concern counts, brought up to date first if they are stale."""
    return summaries.ensure_current(locality.pk)


# ---------------------------------------------------------------- priorities


def priority_for(*, user: User, locality: Locality, pk: int) -> Priority:
    return get_object_or_404(
        Priority.objects.for_user(user).select_related("owner_body", "measure_theme", "measure_service"),
        pk=pk,
        locality=locality,
    )


def priority_rows(
    *, user: User, locality: Locality, show: str, today: datetime.date, referred_from: datetime.date | None = None
) -> list[dashboard.PriorityRow]:
    """The priority list: open ones, or all with `show="all"`; with `referred_from`, only those
    referred for fuller scrutiny on or after that day."""
    priorities = Priority.objects.for_user(user).filter(locality=locality)
    if show != "all":
        priorities = priorities.exclude(status=Priority.Status.RESOLVED)
    if referred_from:
        referred = Referral.objects.filter(priority__locality=locality, created_at__date__gte=referred_from)
        priorities = priorities.filter(pk__in=referred.values("priority_id"))
    return dashboard.priority_rows(locality, today, priorities=priorities)


def priority_row(*, priority: Priority, today: datetime.date) -> dashboard.PriorityRow:
    """One priority with its figure's series."""
    return dashboard.priority_rows(priority.locality, today, priorities=Priority.objects.filter(pk=priority.pk))[0]


def priority_thread(*, user: User, priority: Priority) -> dict:
    """What the priority page shows of its thread: updates, actions and the linked records."""
    return {
        "updates": priority.updates.select_related("recorded_by")[:50],
        "actions": priority.actions.select_related("owner_body"),
        "concerns": Concern.all_objects.for_user(user)
        .filter(priorities=priority)
        .select_related("service")
        .order_by("-received_on", "-id")[:100],
        "signals": priority.trend_signals.select_related("theme", "service").order_by("-month"),
        "alerts": Alert.all_objects.for_user(user).filter(priorities=priority).order_by("-sent_on"),
        "reviews": priority.reviews.select_related("lead_body").order_by("-created_at"),
        "recommendations": priority.recommendations.select_related("addressed_to", "response").order_by(
            "-sent_on", "reference"
        ),
        "referrals": priority.referrals.select_related("to_body", "review", "answered_by"),
    }


def priority_series_notes(*, priority: Priority) -> list[SeriesNote]:
    """The changes and notes recorded on a priority's figure and not withdrawn, by month."""
    series = series_notes.series_key("priority", priority.pk)
    return list(series_notes.live(priority.locality, series).select_related("recorded_by").order_by("month", "id"))


def priority_series_notes_by_month(*, priority: Priority) -> dict[datetime.date, str]:
    """The changes and notes on a priority's figure in words, by month, for its figures table."""
    found: dict[datetime.date, list[str]] = {}
    for note in priority_series_notes(priority=priority):
        words = f"Change: {note.reason}" if note.kind == SeriesNote.Kind.CHANGE else f"Note: {note.reason}"
        found.setdefault(note.month, []).append(words)
    return {month: "; ".join(words) for month, words in found.items()}


def priority_series_note_for(*, priority: Priority, pk: int) -> SeriesNote:
    """A live change or note on this priority's figure (404 for any other)."""
    series = series_notes.series_key("priority", priority.pk)
    return get_object_or_404(series_notes.live(priority.locality, series), pk=pk)


def referral_for(*, user: User, locality: Locality, pk: int) -> Referral:
    """A referral of one of the area's priorities (readable as the priority is)."""
    return get_object_or_404(
        Referral.objects.filter(priority__in=Priority.objects.for_user(user)).select_related(
            "priority", "to_body", "review", "referred_by", "answered_by"
        ),
        pk=pk,
        priority__locality=locality,
    )


def referral_evidence(*, user: User, referral: Referral) -> dict:
    """What the board offers with its question: the priority's concerns (the page shows only
    their shareable summaries to other bodies), alerts and rises found by the trend check."""
    priority = referral.priority
    return {
        "concerns": Concern.all_objects.for_user(user)
        .filter(priorities=priority)
        .select_related("service")
        .order_by("-received_on", "-id")[:100],
        "alerts": Alert.all_objects.for_user(user).filter(priorities=priority).order_by("-sent_on")[:100],
        "signals": priority.trend_signals.select_related("theme", "service").order_by("-month")[:100],
    }


def priority_action_for(*, priority: Priority, pk: int) -> PriorityAction:
    return get_object_or_404(PriorityAction, pk=pk, priority=priority)


def priority_figures(*, priority: Priority) -> QuerySet[PriorityFigure]:
    """The hand-entered figures, newest first (ten years at most)."""
    return priority.figures.order_by("-month")[:120]


def referral_targets(*, locality: Locality, on: datetime.date | None = None) -> QuerySet[Body]:
    """The bodies a priority can be referred to: those holding health scrutiny or local
    Healthwatch in the area today, whatever their kind."""
    return agency_access.bodies_holding(list(REFERRAL_REVIEWS), locality, on).order_by("name")


def referral_review_kind(*, body: Body, locality: Locality, on: datetime.date | None = None) -> str | None:
    """The kind of review a referral to this body starts, from the function it holds in the
    area (scrutiny first, if it holds both), or None if it holds neither."""
    held = agency_access.functions_held([body.pk], on, locality).get(body.pk, set())
    return next((kind for code, kind in REFERRAL_REVIEWS.items() if code in held), None)


# ---------------------------------------------------------------- Quality Surveillance Group


def providers(*, locality: Locality) -> QuerySet[Body]:
    """The bodies the group can take a view of: services, and the ICB."""
    return (
        Body.objects.serving(locality).filter(is_active=True, kind__in=[*SERVICE_KINDS, BodyKind.ICB]).order_by("name")
    )


def surveillance_views(*, user: User, locality: Locality, provider: str = "") -> QuerySet[SurveillanceView]:
    """The group's views, newest first as the model orders them, of one provider if a valid id is given."""
    views = SurveillanceView.objects.for_user(user).filter(locality=locality).select_related("provider")
    if small_int(provider):
        views = views.filter(provider_id=int(provider))
    return views[:200]


# ---------------------------------------------------------------- board packs


def board_packs(*, user: User, locality: Locality) -> QuerySet[BoardPack]:
    return BoardPack.objects.for_user(user).filter(locality=locality).select_related("requested_by")[:50]


def board_pack_for(*, user: User, locality: Locality, pk: int) -> BoardPack:
    return get_object_or_404(BoardPack.objects.for_user(user), pk=pk, locality=locality)


# ---------------------------------------------------------------- landing pages for Healthwatch and scrutiny


def _week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = today - datetime.timedelta(days=today.weekday())
    return start, start + datetime.timedelta(days=6)


def _referrals_open(locality: Locality, bodies: list[int]) -> list[Referral]:
    """The board's suggestions waiting for an answer, then those accepted whose review is open."""
    return list(
        Referral.objects.filter(to_body_id__in=bodies, priority__locality=locality)
        .exclude(state=Referral.State.DECLINED)
        .exclude(review__state__in=[Review.State.REPORTED, Review.State.CLOSED])
        .select_related("priority", "review", "to_body")
        .order_by("-state", "report_by", "created_at")[:LANDING_ROWS]  # "suggested" sorts after "accepted"
    )


def _work_in_progress(locality: Locality, bodies: list[int]) -> list[Review]:
    return list(
        Review.objects.filter(
            locality=locality, lead_body_id__in=bodies, state__in=[Review.State.PLANNED, Review.State.IN_PROGRESS]
        ).order_by("ends_on", "-created_at")[:LANDING_ROWS]
    )


def _landing(user: User, locality: Locality, today: datetime.date) -> tuple[list[int], dict]:
    """The user's bodies in the area, and what both landing pages show."""
    bodies = [seat.body_id for seat in agency_access.seats(user, locality)]
    week_end = _week(today)[1]
    shared = {
        "today": today,
        "week_end": week_end,
        "referrals": _referrals_open(locality, bodies),
        "work": _work_in_progress(locality, bodies),
    }
    return bodies, shared


def healthwatch_home(*, user: User, locality: Locality, today: datetime.date) -> dict:
    """Healthwatch's open work and what is due this week."""
    bodies, page = _landing(user, locality, today)
    raised = AlertRecipient.objects.filter(alert__locality=locality, alert__raised_by_body_id__in=bodies)
    waiting = raised.filter(state=AlertRecipient.State.SENT)
    return {
        **page,
        "waiting": waiting_for_review(user, locality),
        "signposted": signposting_count(locality, bodies, financial_year_start(today)),
        "signposted_since": financial_year_start(today),
        "unreferred": list(unreferred(locality, bodies)[:LANDING_ROWS]),
        "alerts_waiting": waiting.values("alert_id").distinct().count(),  # alerts, not recipients
        "alerts_overdue": list(
            waiting.filter(due_on__lt=today).select_related("alert", "body").order_by("due_on")[:LANDING_ROWS]
        ),
        "evidence_due": list(
            EvidenceRequest.objects.filter(
                review__locality=locality, to_body_id__in=bodies, state=EvidenceRequest.State.SENT
            )
            .filter(due_on__lte=page["week_end"])
            .select_related("review")
            .order_by("due_on")[:LANDING_ROWS]
        ),
        "signals": list(
            TrendSignal.all_objects.filter(locality=locality)
            .select_related("theme", "service")
            .order_by("-month", "-count")[:5]
        ),
        "outcome": outcome_measure(locality=locality, today=today),
    }


def scrutiny_home(*, user: User, locality: Locality, today: datetime.date) -> dict:
    """The scrutiny officer's open work: responses due this week, overdue, to follow up."""
    bodies, page = _landing(user, locality, today)
    week_end = page["week_end"]
    # In the area: led there, or a joint committee's that concerns it.
    issued = (
        Recommendation.objects.in_area(locality)
        .filter(report__issuing_body_id__in=bodies)
        .select_related("addressed_to")
    )
    awaiting = issued.filter(state=Recommendation.State.AWAITING)
    counts = awaiting.aggregate(
        awaiting_count=Count("id"), overdue_count=Count("id", filter=Recommendation.overdue_condition(today))
    )
    return {
        **page,
        **counts,
        "due_this_week": list(
            awaiting.filter(due_on__gte=today, due_on__lte=week_end).order_by("due_on")[:LANDING_ROWS]
        ),
        "overdue": list(issued.overdue(today).order_by("due_on")[:LANDING_ROWS]),
        "follow_up": list(
            issued.filter(state=Recommendation.State.RESPONDED)
            .filter(follow_up_on__lte=week_end)
            .order_by("follow_up_on")[:LANDING_ROWS]
        ),
        "evidence_waiting": list(
            EvidenceRequest.objects.filter(
                review__locality=locality, review__lead_body_id__in=bodies, state=EvidenceRequest.State.SENT
            )
            .select_related("to_body", "review")
            .order_by("due_on")[:LANDING_ROWS]
        ),
    }
