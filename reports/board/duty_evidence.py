"""The duty checklist's evidence: for each of the guide's 21 duties, the area's self-assessment
beside the activity the system counted in the period, in words.

The counts take one query per kind of record, whatever the size of the area. Who counts as
Healthwatch or scrutiny follows the function a body holds, never its kind; the groupings of
alert and recommendation recipients (providers, commissioners, oversight) describe kinds of
organisation, so they stay by kind.
"""

from __future__ import annotations

import dataclasses
import string
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.utils import timezone

from agencies.access import bodies_holding
from agencies.models import SERVICE_KINDS, BodyKind, Duty, DutyAssessment, Function, Locality
from agencies.selectors import quality_system_overview
from concerns.models import Alert, AlertRecipient, MonthlyCount, TrendSignal

from ..models import (
    BoardPack,
    EvidenceRequest,
    Priority,
    PriorityAction,
    PriorityUpdate,
    Recommendation,
    Referral,
    Report,
    Review,
    SurveillanceView,
)
from ..on_time import ALERT_ACKNOWLEDGEMENT, RECOMMENDATION_RESPONSE
from .count_links import dashboard_links

if TYPE_CHECKING:
    from .dashboard import Period

COMMISSIONER_KINDS = [BodyKind.ICB, BodyKind.COUNCIL, BodyKind.COUNCIL_EXECUTIVE]
OVERSIGHT_KINDS = [BodyKind.HWB, BodyKind.SCRUTINY]
PROVIDER_KINDS = sorted(SERVICE_KINDS)


@dataclasses.dataclass
class DutyHealth:
    duty: Duty
    status: str
    status_label: str
    evidence: list[list[tuple[str, str]]]  # each line in pieces of (text, address or "")
    activity: int  # how much counted activity backs it this period

    @property
    def evidence_text(self) -> list[str]:
        """The lines as plain words, for the printed board pack."""
        return ["".join(text for text, _ in line) for line in self.evidence]

    @property
    def gap(self) -> str:
        """A mismatch worth the board's attention, in words."""
        strong = self.status in ("established", "embedded")
        if strong and self.activity == 0:
            return f"Assessed as {self.status_label.lower()}, but no activity recorded this period"
        if self.status == "not_started":
            return "Not assessed yet"
        return ""


# ---------------------------------------------------------------- the counts


def _concern_counts(locality: Locality, period: Period) -> dict[str, int]:
    months = period.complete_months  # the same months as the dashboard's concern figures
    rows = (
        MonthlyCount.objects.filter(locality=locality, month__gte=months[0], month__lte=months[-1])
        .exclude(dimension=MonthlyCount.Dimension.THEME)
        .values("dimension")
        .annotate(total=Sum("count"), keys=Count("key", distinct=True))
    )
    c: dict[str, int] = {}
    for row in rows:
        c[f"concerns_{row['dimension']}"] = row["total"] or 0
        c[f"concerns_{row['dimension']}_keys"] = row["keys"]
    c["signals"] = TrendSignal.all_objects.filter(locality=locality, month__gte=period.start.replace(day=1)).count()
    return c


def _alert_counts(locality: Locality, period: Period) -> dict[str, int]:
    sent = Q(alert__sent_on__gte=period.start)
    c = AlertRecipient.objects.filter(alert__locality=locality).aggregate(
        alerted_commissioners=Count("alert", filter=sent & Q(body__kind__in=COMMISSIONER_KINDS), distinct=True),
        alerted_oversight=Count("alert", filter=sent & Q(body__kind__in=OVERSIGHT_KINDS), distinct=True),
        alerted_providers=Count("alert", filter=sent & Q(body__kind__in=PROVIDER_KINDS), distinct=True),
        alert_recipients=Count("id", filter=sent),
        **ALERT_ACKNOWLEDGEMENT.counts(
            period.today, within=ALERT_ACKNOWLEDGEMENT.in_period(period.start), prefix="alert_"
        ),
    )
    c["alerts_raised"] = Alert.all_objects.filter(locality=locality, sent_on__gte=period.start).count()
    return c


def _review_and_report_counts(locality: Locality, period: Period) -> dict[str, int]:
    start = period.start
    reviews = Review.objects.filter(locality=locality).filter(
        Q(starts_on__gte=start) | Q(created_at__date__gte=start) | Q(state=Review.State.IN_PROGRESS)
    )
    c = reviews.aggregate(
        **{f"reviews_{kind}": Count("id", filter=Q(kind=kind)) for kind in Review.Kind.values},
        research_consulted=Count("id", filter=Q(kind=Review.Kind.RESEARCH) & ~Q(priority_consultation="")),
    )

    def issued_by(function_code: str) -> Q:
        return Q(issuing_body__in=bodies_holding(function_code, locality, period.today).values("pk"))

    c.update(
        Report.objects.filter(locality=locality, published_on__gte=start).aggregate(
            reports_published=Count("id"),
            reports_healthwatch=Count("id", filter=issued_by(Function.LOCAL_HEALTHWATCH)),
            reports_scrutiny=Count("id", filter=issued_by(Function.HEALTH_SCRUTINY)),
        )
    )
    c["evidence_requests"] = EvidenceRequest.objects.filter(review__locality=locality, sent_on__gte=start).count()
    return c


def _recommendation_counts(locality: Locality, period: Period) -> dict[str, int]:
    start = period.start
    c = (
        Recommendation.objects.counted()
        .filter(locality=locality, sent_on__gte=start)
        .aggregate(
            recommendations_made=Count("id"),
            recommendations_to_providers=Count("id", filter=Q(addressed_to__kind__in=PROVIDER_KINDS)),
            recommendations_to_commissioners=Count("id", filter=Q(addressed_to__kind__in=COMMISSIONER_KINDS)),
        )
    )
    answered = Q(response__responded_on__gte=start)
    c.update(
        Recommendation.objects.counted()
        .filter(locality=locality)
        .aggregate(
            responses=Count("id", filter=answered),
            responses_published=Count("id", filter=answered & Q(report__published_on__isnull=False)),
            **RECOMMENDATION_RESPONSE.counts(
                period.today, within=RECOMMENDATION_RESPONSE.in_period(start), prefix="responses_"
            ),
        )
    )
    return c


def _board_counts(locality: Locality, period: Period) -> dict[str, int]:
    start, today = period.start, period.today
    c = Priority.objects.filter(locality=locality).aggregate(
        priorities_open=Count("id", filter=~Q(status=Priority.Status.RESOLVED)),
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
    c["referrals"] = (  # the priorities referred (one referred twice is one priority)
        Referral.objects.filter(priority__locality=locality, created_at__date__gte=start)
        .values("priority_id")
        .distinct()
        .count()
    )
    c["qsg_views"] = SurveillanceView.objects.filter(locality=locality, decided_on__gte=start).count()
    c["board_packs"] = BoardPack.objects.filter(
        locality=locality, state=BoardPack.State.READY, created_at__date__gte=start
    ).count()
    return c


def activity_counts(locality: Locality, period: Period) -> dict[str, int]:
    """The counts behind the duty evidence, one query per kind of record."""
    counts: dict[str, int] = {}
    for part in (_concern_counts, _alert_counts, _review_and_report_counts, _recommendation_counts, _board_counts):
        counts.update(part(locality, period))
    return counts


# ---------------------------------------------------------------- the evidence, in words

# For each duty (by its number in the guide): lines of evidence, each a text and the count that
# weighs as activity behind the duty (None: the line informs but weighs nothing). In a text,
# {key} is a count and {key:word} or {key:word|words} the count with its noun, made plural.
ALERTS_ON_TIME = "Alerts acknowledged on time: {alert_on_time} of {alert_counted} due ({alert_not_yet_due} not yet due)"
RESPONSES_ON_TIME = "{responses_on_time} of {responses_counted} due ({responses_not_yet_due} not yet due)"
EVIDENCE: dict[int, tuple[tuple[str, str | None], ...]] = {
    1: (
        ("{priorities_open:open board priority|open board priorities}", "priorities_open"),
        ("{board_packs:board pack} produced", "board_packs"),
    ),
    2: (
        ("{concerns_total:experience} counted", "concerns_total"),
        ("{concerns_public} shared by the public online", "concerns_public"),
        ("{concerns_channel_keys:channel} used", "concerns_channel_keys"),
    ),
    3: (
        ("{reports_published:report} published", "reports_published"),
        ("{responses_published:response} published", "responses_published"),
    ),
    4: (
        ("{alerted_providers:alert} to providers", "alerted_providers"),
        ("{recommendations_to_providers:recommendation} to providers", "recommendations_to_providers"),
    ),
    5: (
        ("{alerted_commissioners:alert} to commissioners", "alerted_commissioners"),
        ("{recommendations_to_commissioners:recommendation} to commissioners", "recommendations_to_commissioners"),
    ),
    6: (
        ("{priorities_open:open priority|open priorities}", "priorities_open"),
        ("{priority_updates:progress update} on priorities", "priority_updates"),
    ),
    7: (
        ("{actions_done:action} completed", "actions_done"),
        ("{actions_overdue:action} overdue now", None),
    ),
    8: (
        (ALERTS_ON_TIME, "alert_recipients"),
        ("Responses to recommendations on time: " + RESPONSES_ON_TIME, "responses"),
    ),
    9: (("{qsg_views:Quality Surveillance Group view} recorded", "qsg_views"),),
    10: (("{referrals:priority|priorities} referred for fuller scrutiny", "referrals"),),
    11: (("{concerns_total:experience} counted", "concerns_total"),),
    12: (
        ("{concerns_source} came through community groups and other bodies", "concerns_source"),
        ("{signals:rise} found by the trend check", "signals"),
    ),
    13: (
        ("{alerts_raised:alert} raised", "alerts_raised"),
        ("{alerted_commissioners} to commissioners, {alerted_oversight} to the board or scrutiny", None),
        (ALERTS_ON_TIME, None),
    ),
    14: (
        (
            "{reviews_research:research project}, {research_consulted} with the consultation on priorities recorded",
            "reviews_research",
        ),
    ),
    15: (("{reports_healthwatch:Healthwatch report} published", "reports_healthwatch"),),
    16: (
        ("{reports_scrutiny:scrutiny report} published", "reports_scrutiny"),
        ("{concerns_total} local experiences available to the committee", None),
    ),
    17: (("{reviews_service_change:proposed change} considered", "reviews_service_change"),),
    18: (("{reviews_follow_up:follow-up check}", "reviews_follow_up"),),
    19: (("{reviews_scrutiny_review:scrutiny review}", "reviews_scrutiny_review"),),
    20: (("{evidence_requests:request} to gather people's views", "evidence_requests"),),
    21: (
        ("{recommendations_made:recommendation} made", "recommendations_made"),
        ("Responses on time: " + RESPONSES_ON_TIME, "responses"),
    ),
}


class _CountWords(string.Formatter):
    """Formats EVIDENCE texts: a missing count is 0; a format spec is the noun."""

    def get_value(self, key, args, kwargs) -> int:
        return kwargs.get(key) or 0

    def format_field(self, value: int, format_spec: str) -> str:
        if not format_spec:
            return str(value)
        one, _, many = format_spec.partition("|")
        return f"{value} {one if value == 1 else (many or one + 's')}"


_words = _CountWords()


def _pieces(text: str, counts: dict[str, int], links: dict[str, str]) -> list[tuple[str, str]]:
    """One line of evidence in pieces of (text, address): a count with an address in `links`
    is its own piece, so it opens the records it stands for; the rest is plain ("")."""
    pieces: list[tuple[str, str]] = []
    for literal, key, spec, _conversion in _words.parse(text):
        words = literal
        if key is not None:
            counted = _words.format_field(_words.get_value(key, (), counts), spec or "")
            if links.get(key):
                pieces += [(words, ""), (counted, links[key])]
                words = ""
            else:
                words += counted
        if words:
            if pieces and not pieces[-1][1]:
                words = pieces.pop()[0] + words
            pieces.append((words, ""))
    return [piece for piece in pieces if piece[0]]


def _evidence(number: int, counts: dict[str, int], links: dict[str, str]) -> tuple[list[list[tuple[str, str]]], int]:
    """The activity that backs one duty of the guide (by its number), in words, and its weight."""
    lines = EVIDENCE.get(number, ())
    texts = [_pieces(text, counts, links) for text, _ in lines]
    return texts, sum(counts.get(weight) or 0 for _, weight in lines if weight)


def duty_health(locality: Locality, period: Period) -> list[DutyHealth]:
    counts = activity_counts(locality, period)
    links = dashboard_links(locality, period)
    # Each duty as far on as its least advanced current holder (a split function's holders each assess).
    overview = quality_system_overview(locality, timezone.localdate())
    assessments = {row.duty.pk: row.assessment for function in overview for row in function.duties}
    labels = dict(DutyAssessment._meta.get_field("status").choices)
    rows = []
    for duty in Duty.objects.select_related("function").order_by("number"):
        assessment = assessments.get(duty.pk)
        status = assessment.status if assessment else "not_started"
        evidence, activity = _evidence(duty.number, counts, links)
        rows.append(
            DutyHealth(duty=duty, status=status, status_label=labels[status], evidence=evidence, activity=activity)
        )
    return rows
