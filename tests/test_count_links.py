"""Counts that stand for records open exactly those records (#15 item 7): the board dashboard's
cards and its duty evidence, and the alert list's sent dates that make "alerts raised" a link."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from concerns import summaries
from tests.conftest import make_alert, make_concern, make_priority, make_recommendation

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC)  # the 3-month period starts 1 September


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def _card(page: str, words: str) -> tuple[str, int]:
    """The address and number of a dashboard card that opens its records."""
    found = re.search(
        r'<a class="govuk-link" href="([^"]+)"><span class="app-figure">(\d+)</span>'
        rf'<span class="govuk-body-s">{words}</span></a>',
        page,
    )
    assert found, words
    return found[1], int(found[2])


def _evidence(page: str, words: str) -> list[tuple[str, int]]:
    """Each duty evidence count shown as "<a href=…>N words</a>"."""
    return [(m[1], int(m[2])) for m in re.finditer(rf'<a class="govuk-link" href="([^"]+)">(\d+) {words}</a>', page)]


def _alert_rows(page: str, slug: str) -> int:
    return len(set(re.findall(rf'href="/areas/{slug}/alerts/(\d+)/"', page)))


def _concern_rows(page: str, slug: str) -> int:
    found = re.search(r'id="results">(\d+) experiences?</h2>', page)
    assert found
    rows = len(set(re.findall(rf'href="/areas/{slug}/concerns/(\d+)/"', page)))
    assert rows == int(found[1])
    return rows


# ---------------------------------------------------------------- alerts raised


def test_alerts_raised_on_the_dashboard_open_the_alerts_sent_in_the_period(world, login):
    make_alert(world, sent_on=datetime.date(2026, 8, 31))  # before the period
    for day in (datetime.date(2026, 9, 1), datetime.date(2026, 10, 14), datetime.date(2026, 11, 2)):
        make_alert(world, sent_on=day)
    client = login(world.board_member)
    with time_machine.travel(TODAY, tick=False):
        page = _page(client, reverse("reports:dashboard", args=[world.area.slug]))
        href, shown = _card(page, "alerts raised")
        assert shown == 3
        duty = _evidence(page, "alerts")
        assert duty == [(href, 3)]  # duty 13: "3 alerts raised"
        listed = _page(client, href)
    assert _alert_rows(listed, world.area.slug) == shown
    assert "3 alerts" in listed
    assert 'name="sent_from_1" type="text" inputmode="numeric" value="9"' in listed  # the period, shown


def test_the_alert_list_filters_by_the_dates_sent(world, login):
    early = make_alert(world, sent_on=datetime.date(2026, 9, 3), summary="Early")
    late = make_alert(world, sent_on=datetime.date(2026, 10, 20), summary="Late")
    client = login(world.officer)
    url = reverse("concerns:alerts", args=[world.area.slug])
    page = _page(client, f"{url}?box=all&sent_from_0=&sent_from_1=10&sent_from_2=2026")
    assert late.reference in page and early.reference not in page
    page = _page(client, f"{url}?box=all&sent_to_0=30&sent_to_1=9&sent_to_2=2026")
    assert early.reference in page and late.reference not in page
    page = _page(client, f"{url}?box=all&sent_to_1=9&sent_to_2=2026")  # the whole of September
    assert early.reference in page and late.reference not in page


@pytest.mark.parametrize(
    ("query", "error", "box"),
    [
        ("sent_from_0=31&sent_from_1=2&sent_from_2=2026", "The sent from date must be a real date", "sent_from_0"),
        ("sent_to_0=1&sent_to_1=x&sent_to_2=2026", "The sent to date must be a real date, like 27 3 2026", "sent_to_0"),
        (
            "sent_from_1=10&sent_from_2=2026&sent_to_1=9&sent_to_2=2026",
            "The sent to date must be the same as or after the sent from date",
            "sent_to_0",
        ),
    ],
)
def test_bad_alert_dates_say_how_to_fix_them_and_list_nothing(world, login, query, error, box):
    alert = make_alert(world, sent_on=datetime.date(2026, 10, 1))
    response = login(world.officer).get(f"{reverse('concerns:alerts', args=[world.area.slug])}?box=all&{query}")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and error in page
    assert f'href="#id_{box}"' in page
    assert alert.reference not in page


# ---------------------------------------------------------------- experiences and priorities


def test_the_dashboards_experience_counts_open_the_experiences_counted(world, login):
    for day, safeguarding in ((datetime.date(2026, 8, 3), True), (datetime.date(2026, 9, 9), False)):
        make_concern(world, received_on=day, safeguarding=safeguarding)
    make_concern(world, received_on=datetime.date(2026, 10, 31))
    make_concern(world, received_on=datetime.date(2026, 7, 31))  # before the complete months
    make_concern(world, received_on=datetime.date(2026, 11, 2))  # this month counts from December
    make_concern(world, received_on=datetime.date(2026, 9, 9), status="new")  # not reviewed: not counted
    summaries.refresh(world.area.pk)
    client = login(world.board_member)
    slug = world.area.slug
    with time_machine.travel(TODAY, tick=False):
        page = _page(client, reverse("reports:dashboard", args=[slug]))
        total, total_shown = _card(page, "counted")
        safeguarding, safeguarding_shown = _card(page, "safeguarding concern")
        assert (total_shown, safeguarding_shown) == (3, 1)
        for href, shown in _evidence(page, "experiences"):  # duties 2 and 11: "3 experiences counted"
            assert (href, shown) == (total, 3)
        assert len(_evidence(page, "experiences")) == 2
        assert _concern_rows(_page(client, total), slug) == total_shown
        assert _concern_rows(_page(client, safeguarding), slug) == safeguarding_shown


def test_the_open_priorities_in_the_duty_evidence_open_the_priority_list(world, login):
    make_priority(world, title="Falls in care homes")
    make_priority(world, title="Dentistry")
    client = login(world.board_member)
    with time_machine.travel(TODAY, tick=False):
        page = _page(client, reverse("reports:dashboard", args=[world.area.slug]))
    found = _evidence(page, "open board priorities") + _evidence(page, "open priorities")
    assert found and {shown for _, shown in found} == {2}
    listed = _page(client, found[0][0])
    assert len(set(re.findall(rf'href="/areas/{world.area.slug}/priorities/(\d+)/"', listed))) == 2


# ---------------------------------------------------------------- recommendations


def _recommendations(world) -> None:
    """From 1 September: one answered on time, one late, one overdue, one not yet due; one
    answered before the period, one withdrawn (neither counts)."""
    from reports.models import Recommendation
    from reports.recommendations import services

    def rec(sent, due, answered=None):
        made = make_recommendation(world, sent_on=sent)
        Recommendation.objects.filter(pk=made.pk).update(due_on=due)
        if answered:
            services.response_record(
                recommendation=made, decision="accepted", reasons="", action_plan="A plan",
                target_date=None, name="Dee", responded_on=answered,
            )  # fmt: skip
        return made

    d = datetime.date
    rec(d(2026, 9, 1), d(2026, 9, 29), answered=d(2026, 9, 20))  # on time
    rec(d(2026, 9, 10), d(2026, 10, 8), answered=d(2026, 10, 20))  # late
    rec(d(2026, 10, 1), d(2026, 10, 29))  # overdue
    rec(d(2026, 11, 20), d(2026, 12, 18))  # not yet due
    rec(d(2026, 6, 1), d(2026, 6, 29), answered=d(2026, 6, 20))  # before the period
    withdrawn = rec(d(2026, 9, 2), d(2026, 9, 30))
    Recommendation.objects.filter(pk=withdrawn.pk).update(state=Recommendation.State.WITHDRAWN)


def _tracker_rows(page: str, slug: str) -> int:
    found = re.search(r'govuk-table__caption--m">(\d+) recommendations?', page)
    assert found
    rows = len(set(re.findall(rf'href="/areas/{slug}/recommendations/(\d+)/"', page)))
    assert rows == int(found[1])
    return rows


def test_the_recommendation_counts_open_the_recommendations_counted(world, login):
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, tzinfo=datetime.UTC), tick=False):
        _recommendations(world)
    client = login(world.board_member)
    slug = world.area.slug
    with time_machine.travel(TODAY, tick=False):
        page = _page(client, reverse("reports:dashboard", args=[slug]))
        made, made_shown = _card(page, "made in the period")
        assert made_shown == 4
        assert _evidence(page, "recommendations") == [(made, 4)]  # duty 21: "4 recommendations made"
        # Duties 8 and 21: "Responses on time: 1 of 3 due (1 not yet due)", each number a link.
        line = re.search(
            r'on time: <a class="govuk-link" href="([^"]+)">(\d+)</a> of <a class="govuk-link" href="([^"]+)">(\d+)</a>'
            r' due \(<a class="govuk-link" href="([^"]+)">(\d+)</a> not yet due\)',
            page,
        )
        assert line, "the responses on time, with links"
        figures = [(line[1], int(line[2])), (line[3], int(line[4])), (line[5], int(line[6])), (made, made_shown)]
        assert [shown for _, shown in figures] == [1, 3, 1, 4]
        for href, shown in figures:
            assert _tracker_rows(_page(client, href), slug) == shown, href


@pytest.mark.parametrize(
    ("query", "error", "target"),
    [
        ("figure=on_time", "Enter the date the figure is counted from, or choose Any figure", "id_since_0"),
        ("since_1=9&since_2=2026", "Select the figure to count from that date, or leave the date empty", "id_figure"),
        ("figure=made&since_1=13&since_2=2026", "The counted from date must be a real date", "id_since_0"),
        ("figure=everything&since_1=9&since_2=2026", "Select a figure from the list", "id_figure"),
    ],
)
def test_a_board_figure_the_tracker_cannot_read_says_how_to_fix_it(world, login, query, error, target):
    rec = make_recommendation(world, sent_on=datetime.date(2026, 10, 1))
    response = login(world.scrutiny_officer).get(
        f"{reverse('reports:recommendations', args=[world.area.slug])}?{query}"
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and error in page and f'href="#{target}"' in page
    assert rec.reference not in page


# ---------------------------------------------------------------- referrals


def test_the_priorities_referred_for_fuller_scrutiny_open_those_priorities(world, login):
    from reports.board import referrals

    def refer(priority, day):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False):
            referrals.referral_make(
                priority=priority, user=world.board_member, to_body=world.scrutiny, question="Will you look at this?",
                report_by=None,
            )  # fmt: skip

    refer(make_priority(world, title="Falls in care homes"), datetime.date(2026, 9, 10))
    refer(make_priority(world, title="Dentistry"), datetime.date(2026, 11, 2))
    refer(make_priority(world, title="Discharge"), datetime.date(2026, 8, 15))  # before the period
    make_priority(world, title="Never referred")
    client = login(world.board_member)
    slug = world.area.slug
    with time_machine.travel(TODAY, tick=False):
        page = _page(client, reverse("reports:dashboard", args=[slug]))
        [(href, shown)] = _evidence(page, "priorities")  # duty 10: "2 priorities referred for fuller scrutiny"
        assert shown == 2
        listed = _page(client, href)
    assert len(set(re.findall(rf'href="/areas/{slug}/priorities/(\d+)/"', listed))) == shown
    assert "Falls in care homes" in listed and "Dentistry" in listed and "Discharge" not in listed
    assert "2 priorities referred for fuller scrutiny from 1 September 2026" in listed


def test_a_referral_date_the_priority_list_cannot_read_says_how_to_fix_it(world, login):
    make_priority(world, title="Falls in care homes")
    url = reverse("reports:priorities", args=[world.area.slug])
    response = login(world.board_member).get(f"{url}?referred_from_0=40&referred_from_1=9&referred_from_2=2026")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "The referred from date must be a real date" in page and 'href="#id_referred_from_0"' in page
    assert "Falls in care homes" not in page


# ---------------------------------------------------------------- the Healthwatch landing page


def test_healthwatch_alerts_waiting_count_alerts_and_open_them(world, login):
    from concerns import alerts as alert_services

    make_alert(world)  # to the ICB and scrutiny: both waiting, one alert
    answered = make_alert(world, recipients=[world.icb])
    alert_services.alert_acknowledge(recipient=answered.recipients.get(), user=world.icb_officer)
    client = login(world.officer)
    page = _page(client, reverse("reports:healthwatch-home", args=[world.area.slug]))
    href, shown = _card(page, "of your alerts waiting for acknowledgement")
    assert shown == 1
    assert _alert_rows(_page(client, href), world.area.slug) == shown
