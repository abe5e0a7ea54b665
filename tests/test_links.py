"""Links where people expect them (#15 item 7): a concern shows the records citing it."""

from __future__ import annotations

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.board import services as board
from tests.conftest import make_alert, make_concern, make_priority, make_recommendation

pytestmark = pytest.mark.django_db


def _cite_everywhere(world, concern):
    """An alert, a review (with a recommendation) and a board priority citing the experience."""
    alert = make_alert(world, concerns=[concern])
    rec = make_recommendation(world)
    rec.report.review.concerns.add(concern)
    priority = make_priority(world)
    board.thread_link(priority=priority, alerts=[alert])
    return alert, rec, priority


def _detail(client, world, concern) -> str:
    response = client.get(reverse("concerns:detail", args=[world.area.slug, concern.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_concern_links_to_the_alerts_reviews_recommendations_and_priorities_citing_it(world, login):
    concern = make_concern(world)
    alert, rec, priority = _cite_everywhere(world, concern)
    page = _detail(login(world.officer), world, concern)
    assert "Cited in" in page
    slug = world.area.slug
    assert f'href="{reverse("concerns:alert-detail", args=[slug, alert.pk])}">{alert.reference}</a>' in page
    assert f'href="{reverse("reports:review", args=[slug, rec.report.review.pk])}">A&E waits</a>' in page
    assert f'href="{reverse("reports:recommendation", args=[slug, rec.pk])}">{rec.reference}</a>' in page
    assert f'href="{reverse("reports:priority", args=[slug, priority.pk])}">{priority.title}</a>' in page
    # Each link opens a page that shows the record.
    client = login(world.officer)
    for url, words in (
        (reverse("concerns:alert-detail", args=[slug, alert.pk]), alert.reference),
        (reverse("reports:review", args=[slug, rec.report.review.pk]), "A&E waits"),
        (reverse("reports:recommendation", args=[slug, rec.pk]), rec.reference),
        (reverse("reports:priority", args=[slug, priority.pk]), priority.title),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert words in html.unescape(response.content.decode())


def test_an_uncited_concern_says_so(world, login):
    page = _detail(login(world.officer), world, make_concern(world))
    assert "No alert, review, recommendation or board priority you can see cites this experience." in page


def test_people_outside_the_collecting_body_do_not_see_the_citations(world, login):
    concern = make_concern(world)
    _cite_everywhere(world, concern)
    page = _detail(login(world.board_member), world, concern)
    assert "Cited in" not in page


def test_the_citations_make_the_same_queries_for_one_or_many(world, login):
    client = login(world.officer)
    client.get(reverse("inbox"))

    def queries(concern) -> int:
        with CaptureQueriesContext(connection) as captured:
            _detail(client, world, concern)
        return len(captured)

    one = make_concern(world)
    _cite_everywhere(world, one)
    many = make_concern(world)
    for _ in range(4):
        _cite_everywhere(world, many)
    queries(one)  # warm
    assert queries(one) == queries(many)


# ---------------------------------------------------------------- back where they came from


def test_a_concern_opened_from_a_priority_or_an_alert_goes_back_there(world, login):
    concern = make_concern(world)
    alert, _rec, priority = _cite_everywhere(world, concern)
    priority.concerns.add(concern)
    client = login(world.officer)
    detail = reverse("concerns:detail", args=[world.area.slug, concern.pk])
    for page_url in (
        reverse("reports:priority", args=[world.area.slug, priority.pk]),
        reverse("concerns:alert-detail", args=[world.area.slug, alert.pk]),
    ):
        page = html.unescape(client.get(page_url).content.decode())
        link = f"{detail}?back={page_url}"
        assert f'href="{link}"' in page, page_url
        opened = html.unescape(client.get(link).content.decode())
        assert f'<a href="{page_url}" class="govuk-back-link">Back</a>' in opened
        assert "Back to concerns" not in opened


@pytest.mark.parametrize(
    "back", ["", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_without_a_safe_back_path_the_back_link_goes_to_the_concerns(world, login, back):
    concern = make_concern(world)
    response = login(world.officer).get(reverse("concerns:detail", args=[world.area.slug, concern.pk]), {"back": back})
    page = html.unescape(response.content.decode())
    assert (
        f'<a href="{reverse("concerns:index", args=[world.area.slug])}" class="govuk-back-link">Back to concerns</a>'
        in page
    )
    assert "evil" not in page.split("govuk-back-link")[0][-200:]


# ---------------------------------------------------------------- rises open their experiences


def _rise(world, concern):
    from concerns.models import TrendSignal

    return TrendSignal.all_objects.create(
        locality=world.area, kind="theme", theme=concern.themes.first(), month=datetime.date(2026, 10, 1),
        count=14, mean=5, upper=11, rules="beyond the upper limit",
    )  # fmt: skip


def test_the_rises_on_the_healthwatch_page_and_a_prioritys_thread_open_their_experiences(world, login):
    concern = make_concern(world)  # received 1 October 2026, "Waiting times"
    outside = make_concern(world, received_on=datetime.date(2026, 9, 1))
    signal = _rise(world, concern)
    priority = make_priority(world)
    priority.trend_signals.add(signal)
    client = login(world.officer)
    theme = concern.themes.first()
    href = (
        f"{reverse('concerns:index', args=[world.area.slug])}?theme={theme.pk}"
        "&received_from_1=10&received_from_2=2026&received_to_1=10&received_to_2=2026"
    )
    for page_url in (
        reverse("reports:healthwatch-home", args=[world.area.slug]),
        reverse("reports:priority", args=[world.area.slug, priority.pk]),
    ):
        page = html.unescape(client.get(page_url).content.decode())
        assert f'href="{href}">{signal.subject}: 14 in October 2026</a>' in page, page_url
    listed = html.unescape(client.get(href).content.decode())
    assert concern.reference in listed and outside.reference not in listed


# ---------------------------------------------------------------- dashboard counts open their records


def test_the_dashboards_alert_and_recommendation_counts_open_those_records(world, login):
    rec = make_recommendation(world, sent_on=datetime.date(2026, 1, 5))  # long overdue
    alert = make_alert(world, sent_on=datetime.date(2026, 1, 5))
    client = login(world.board_member)
    page = html.unescape(client.get(reverse("reports:dashboard", args=[world.area.slug])).content.decode())
    alerts_url = f"{reverse('concerns:alerts', args=[world.area.slug])}?box=all&overdue=yes"
    tracker = reverse("reports:recommendations", args=[world.area.slug])
    for url, count, words in (
        (alerts_url, 2, "overdue now"),  # one alert, overdue with both bodies it went to
        (f"{tracker}?state=awaiting", 1, "awaiting a response"),
        (f"{tracker}?state=overdue", 1, "overdue"),
    ):
        assert (
            f'<a class="govuk-link" href="{url}"><span class="app-figure">{count}</span>'
            f'<span class="govuk-body-s">{words}</span></a>'
        ) in page, url
    assert alert.reference in html.unescape(client.get(alerts_url).content.decode())
    for state in ("awaiting", "overdue"):
        assert rec.reference in html.unescape(client.get(f"{tracker}?state={state}").content.decode())
