"""Fair figures: an on-time figure counts only what was answered or is overdue; what is not yet
due is shown apart, never as a miss. One rule (agencies.on_time, bound per kind of record in
reports.on_time) serves the dashboard, the duty evidence and the tracker."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from agencies import on_time
from agencies.on_time import OnTime
from concerns import alerts
from concerns.models import AlertRecipient
from reports.models import EvidenceRequest, Recommendation
from reports.on_time import ALERT_ACKNOWLEDGEMENT, EVIDENCE_ANSWER, RECOMMENDATION_RESPONSE
from reports.recommendations import services
from tests.conftest import make_alert, make_recommendation

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 12, 10)
DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("answered_on", "due_on", "expected"),
    [
        (None, TODAY, on_time.NOT_YET_DUE),  # due today and not answered: not yet due
        (TODAY - DAY, TODAY - DAY, on_time.ON_TIME),  # answered on the due date
        (TODAY, TODAY - DAY, on_time.LATE),  # answered the day after
        (None, TODAY + 7 * DAY, on_time.NOT_YET_DUE),  # a week left
        (None, TODAY - DAY, on_time.OVERDUE),  # overdue and not answered: a miss
    ],
    ids=["due-today", "answered-on-due-date", "answered-day-after", "not-yet-due", "overdue-unanswered"],
)
def test_each_boundary_of_the_rule(answered_on, due_on, expected):
    assert on_time.status(answered_on, due_on, TODAY) == expected


def test_a_stopped_clock_is_not_yet_due_whatever_the_date():
    assert on_time.status(None, TODAY - 30 * DAY, TODAY, paused=True) == on_time.NOT_YET_DUE


def test_the_figure_in_words():
    assert str(OnTime(on_time=1, counted=1, not_yet_due=1)) == "100% (1 of 1), 1 not yet due"
    assert str(OnTime(on_time=0, counted=0, not_yet_due=2)) == "– (none due yet), 2 not yet due"
    assert OnTime(1, 3, 2).missed == 2 and OnTime(1, 3, 2).percent == 33


def _recommendations_at_each_boundary(world) -> dict[str, Recommendation]:
    """Five recommendations, each on one boundary on TODAY."""
    with at(datetime.date(2026, 11, 2)):
        recs = {name: make_recommendation(world, sent_on=datetime.date(2026, 11, 2)) for name in BOUNDARIES}
    for name, (due_on, answered_on, _) in BOUNDARIES.items():
        Recommendation.objects.filter(pk=recs[name].pk).update(due_on=due_on)
        if answered_on:
            services.response_record(
                recommendation=recs[name],
                decision="accepted",
                reasons="",
                action_plan="A plan",
                target_date=None,
                name="Dee",
                responded_on=answered_on,
            )
    return recs


# name: (due on, answered on, status on TODAY)
BOUNDARIES = {
    "due-today": (TODAY, None, on_time.NOT_YET_DUE),
    "answered-on-due-date": (TODAY - 3 * DAY, TODAY - 3 * DAY, on_time.ON_TIME),
    "answered-day-after": (TODAY - 3 * DAY, TODAY - 2 * DAY, on_time.LATE),
    "not-yet-due": (TODAY + 7 * DAY, None, on_time.NOT_YET_DUE),
    "overdue-unanswered": (TODAY - DAY, None, on_time.OVERDUE),
}


def test_the_database_rule_agrees_with_the_rule_for_one_item(world):
    recs = _recommendations_at_each_boundary(world)
    rule = RECOMMENDATION_RESPONSE
    found = {
        on_time.ON_TIME: rule.on_time(),
        on_time.LATE: rule.late(),
        on_time.OVERDUE: rule.overdue(TODAY),
        on_time.NOT_YET_DUE: rule.not_yet_due(TODAY),
    }
    for name, (_, _, expected) in BOUNDARIES.items():
        matches = [s for s, q in found.items() if Recommendation.objects.filter(q, pk=recs[name].pk).exists()]
        assert matches == [expected], name
    figure = OnTime.read(Recommendation.objects.aggregate(**rule.counts(TODAY)))
    assert figure == OnTime(on_time=1, counted=3, not_yet_due=2)


def test_the_tracker_and_dashboard_count_only_what_is_due(world, login):
    _recommendations_at_each_boundary(world)
    with at(TODAY):
        client = login(world.read_only)
        tracker = page_text(client.get(reverse("reports:recommendations", args=[world.area.slug])))
        board = page_text(client.get(reverse("reports:dashboard", args=[world.area.slug])))
    # made 5; on time 1 of 3 (on the due date; the late one and the overdue one are misses);
    # 2 not yet due (due today, due next week); median days; 3 outstanding; 1 overdue
    assert "NHS Testshire ICB 5 33% (1 of 3) 2" in tracker
    assert "33% responded on time (1 of 3); 2 not yet due" in board
    assert "NHS Testshire ICB 2 33% (1 of 3) 2 3 1" in board  # responses, on time, not yet due, awaiting, overdue
    # (each number is a link that opens those recommendations: page_text puts a space for its tag)
    assert "Responses on time: 1 of 3 due (2 not yet due)" in board.replace("( ", "(")


def test_a_stopped_clock_is_not_counted_as_a_miss(world):
    with at(datetime.date(2026, 11, 2)):
        rec = make_recommendation(world)
        services.clock_stop(recommendation=rec, on=datetime.date(2026, 11, 20))
    figure = OnTime.read(Recommendation.objects.aggregate(**RECOMMENDATION_RESPONSE.counts(TODAY)))
    assert figure == OnTime(on_time=0, counted=0, not_yet_due=1)


def test_the_issues_example_one_acknowledged_and_one_with_a_week_left(world, login):
    """Raised on Monday 2 November (due Monday 9th); the ICB acknowledges the next day. On the
    3rd the figure is 1 of 1 on time with 1 not yet due, not "50% (1 of 2)"."""
    with at(datetime.date(2026, 11, 2)):
        alert = make_alert(world)
    icb = alert.recipients.get(body=world.icb)
    with at(datetime.date(2026, 11, 3)):
        alerts.alert_acknowledge(recipient=icb, user=world.icb_officer)
        text = page_text(login(world.read_only).get(reverse("reports:dashboard", args=[world.area.slug])))
    assert "100% acknowledged on time (1 of 1); 1 not yet due" in text
    assert "NHS Testshire ICB 1 1 of 1 0 0 0" in text  # received, on time, not yet due, waiting, overdue
    assert "Alerts acknowledged on time: 1 of 1 due (1 not yet due)" in text


def _acknowledged(world, when: datetime.datetime) -> AlertRecipient:
    with at(datetime.date(2026, 7, 6)):  # a Monday in summer time: due Monday 13 July
        alert = make_alert(world, recipients=[world.icb])
    recipient = alert.recipients.get()
    assert recipient.due_on == datetime.date(2026, 7, 13)
    with time_machine.travel(when, tick=False):
        alerts.alert_acknowledge(recipient=recipient, user=world.icb_officer)
    return recipient


@pytest.mark.parametrize(
    ("when", "counted_on_time"),
    [
        (datetime.datetime(2026, 7, 13, 23, 30, tzinfo=LONDON), 1),  # late on the due day: on time
        (datetime.datetime(2026, 7, 14, 0, 30, tzinfo=LONDON), 0),  # 23:30 UTC on the 13th, but the 14th in London
    ],
    ids=["last-minute-of-due-day", "just-after-midnight"],
)
def test_an_acknowledgement_is_on_time_by_the_london_day(world, when, counted_on_time):
    _acknowledged(world, when)
    figure = OnTime.read(AlertRecipient.objects.aggregate(**ALERT_ACKNOWLEDGEMENT.counts(datetime.date(2026, 7, 20))))
    assert figure == OnTime(on_time=counted_on_time, counted=1, not_yet_due=0)


def test_an_unanswered_evidence_request_is_not_yet_due_on_its_due_day(world):
    from agencies.models import ResponseDuty
    from reports.models import Review

    review = Review.objects.create(
        locality=world.area, kind="scrutiny_review", lead_body=world.scrutiny, topic="Waits", created_by=world.owner
    )
    with at(datetime.date(2026, 11, 2)):
        item = services.evidence_request_send(
            review=review,
            to_body=world.healthwatch,
            request="Gather views",
            duty=ResponseDuty.objects.filter(locality=None).first(),
            sent_on=datetime.date(2026, 11, 2),
        )
    due = EvidenceRequest.objects.get(pk=item.pk).due_on
    counts = EvidenceRequest.objects.aggregate
    assert OnTime.read(counts(**EVIDENCE_ANSWER.counts(due))) == OnTime(0, 0, 1)
    assert OnTime.read(counts(**EVIDENCE_ANSWER.counts(due + DAY))) == OnTime(0, 1, 0)
