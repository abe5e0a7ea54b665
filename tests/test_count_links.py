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
from tests.conftest import make_alert, make_concern, make_priority

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
