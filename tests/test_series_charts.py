"""Charts of one theme, one service or the whole area (issue #15, Making Data Count): who sees
them, recording and withdrawing changes and notes on them, outreach noted automatically, and
the nightly trend job judging a rise against the limits since the last recorded change."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from concerns import series_notes
from concerns.models import Concern, SeriesNote, Theme, TrendSignal
from concerns.outreach_models import EventCode
from concerns.trends import trend_signals_detect
from tests.conftest import make_concern

NOW = datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)  # the chart runs Nov 2024 to Oct 2026


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def waiting_times(world) -> Theme:
    from concerns import services

    services.themes_ensure_defaults(locality=world.area)
    return Theme.all_objects.get(locality=world.area, name="Waiting times")


def theme_url(world, theme=None) -> str:
    return reverse("concerns:trend-theme", args=[world.area.slug, (theme or waiting_times(world)).pk])


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def a_level_that_rose(
    world, *, before: int, after: int, rose_in: datetime.date, since: datetime.date = datetime.date(2024, 11, 1)
) -> None:
    """Concerns each month from `since` to October 2026: `before` a month (one more in odd
    months, so the counts zigzag with no trend), then `after` a month from `rose_in`."""
    month = since
    while month < datetime.date(2026, 11, 1):
        level = after if month >= rose_in else before
        for _ in range(level + (1 if month.month % 2 else 0)):
            make_concern(world, received_on=month.replace(day=5))
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def record(client, url, **data):
    return client.post(url, {"kind": "change", "month": "2026-01", "reason": "New online booking", **data})


# ---------------------------------------------------------------- who sees what


def test_everyone_in_the_area_reads_the_chart_but_only_healthwatch_officers_get_the_form(world, login):
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    url = theme_url(world)
    shown = text(login(world.read_only).get(url))
    assert "Experiences each month: the theme ‘Waiting times’" in shown
    # Drawn from the first month with data: months before it are not "unusually low".
    assert (
        "<svg" in shown and "chart of Experiences each month: the theme ‘Waiting times’: 1 month from Oct 2026" in shown
    )
    assert "Record a change or a note" not in shown
    assert login(world.read_only).post(url, {"kind": "note", "month": "2026-10", "reason": "x"}).status_code == 403
    assert not SeriesNote.objects.exists()
    assert "Record a change or a note" in text(login(world.officer).get(url))


def test_the_trends_page_links_each_theme_and_service_to_its_chart(world, login):
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    page = login(world.read_only).get(reverse("concerns:trends", args=[world.area.slug])).content.decode()
    assert theme_url(world) in page
    assert reverse("concerns:trend-service", args=[world.area.slug, world.trust.pk]) in page
    assert reverse("concerns:trend-volume", args=[world.area.slug]) in page


def test_each_month_links_to_the_list_filtered_to_the_theme_and_that_month(world, login):
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    theme = waiting_times(world)
    page = login(world.read_only).get(theme_url(world)).content.decode()
    link = (
        f"theme={theme.pk}&amp;received_from_1=10&amp;received_from_2=2026&amp;received_to_1=10&amp;received_to_2=2026"
    )
    assert link in page
    listed = login(world.read_only).get(html.unescape(f"{reverse('concerns:index', args=[world.area.slug])}?{link}"))
    assert listed.status_code == 200


def test_another_areas_theme_or_service_is_not_found(world, login):
    other_theme = Theme.all_objects.create(locality=world.other_area, name="Parking")
    client = login(world.officer)
    assert client.get(theme_url(world, other_theme)).status_code == 404
    assert record(client, theme_url(world, other_theme)).status_code == 404
    elsewhere = reverse("concerns:trend-service", args=[world.area.slug, world.other_council.pk])
    assert client.get(elsewhere).status_code == 404
    assert not SeriesNote.objects.exists()


# ---------------------------------------------------------------- recording and withdrawing


def test_an_officer_records_a_change_and_the_chart_gets_two_periods_with_their_own_limits(world, login):
    a_level_that_rose(world, before=2, after=6, rose_in=datetime.date(2025, 11, 1))  # 12 months, then 12
    client = login(world.officer)
    url = theme_url(world)
    before = text(client.get(url))
    assert before.count('<th scope="row" class="govuk-table__header">Nov 2024 to Oct 2026</th>') == 1

    response = record(client, url, month="2025-11", reason="New online booking live in two practices")
    assert response.status_code == 302 and response["Location"] == url
    after = text(client.get(url))
    assert "Change recorded for November 2025: ‘New online booking live in two practices’" in after
    periods = re.findall(r"<th scope=\"row\" class=\"govuk-table__header\">(\w+ \d+ to \w+ \d+)</th>", after)
    assert periods == ["Nov 2024 to Oct 2025", "Nov 2025 to Oct 2026"]
    limits = re.findall(r"<td class=\"govuk-table__cell\">([\d.]+ to [\d.]+)</td>", after)
    assert len(limits) == 2 and limits[0] != limits[1]
    # The text alternative says the limits were recalculated and why, with each period's limits.
    desc = re.search(r"<desc [^>]*>(.*?)</desc>", after).group(1)
    assert "Process limits recalculated from Nov 2025 (New online booking live in two practices)" in desc
    assert f"limits {limits[0]}; since, mean" in desc and desc.endswith(
        f"limits {limits[1]}. No special cause variation."
    )
    assert "Recorded by" in after and "New online booking live in two practices" in after


def test_a_note_is_shown_on_its_month_and_withdrawing_it_keeps_it_struck_through(world, login):
    make_concern(world, received_on=datetime.date(2026, 9, 5))
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    client = login(world.officer)
    url = theme_url(world)
    assert record(client, url, kind="note", month="2026-09", reason="Winter pressures").status_code == 302
    note = SeriesNote.objects.get()
    assert '<strong class="govuk-tag govuk-tag--grey">Note</strong> Winter pressures' in text(client.get(url))

    withdraw = reverse("concerns:trend-note-withdraw", args=[world.area.slug, note.pk])
    assert withdraw in client.get(url).content.decode()
    assert client.get(withdraw).status_code == 200
    response = client.post(withdraw, {"reason": "Recorded on the wrong chart"})
    assert response.status_code == 302 and response["Location"] == url
    shown = text(client.get(url))
    assert "Withdrawn: ‘Winter pressures’ (September 2026)" in shown
    assert "<s>Winter pressures</s>" in shown
    assert f"Withdrawn by {world.officer} on" in shown and "Recorded on the wrong chart" in shown
    assert '<strong class="govuk-tag govuk-tag--grey">Note</strong> Winter pressures' not in shown  # off the month
    assert withdraw not in shown
    assert note.history.count() == 2  # recorded, then withdrawn: kept in the history

    again = client.post(withdraw, {"reason": "Twice"})
    assert again.status_code == 400 and "This has already been withdrawn" in text(again)
    assert client.get(withdraw).status_code == 302  # back to the chart, saying so
    assert SeriesNote.objects.get().withdrawn_reason == "Recorded on the wrong chart"


def test_withdrawing_needs_a_reason_and_a_healthwatch_officer(world, login):
    client = login(world.officer)
    record(client, theme_url(world), kind="note", month="2026-09", reason="Winter pressures")
    withdraw = reverse("concerns:trend-note-withdraw", args=[world.area.slug, SeriesNote.objects.get().pk])
    response = client.post(withdraw, {"reason": "  "})
    assert response.status_code == 400
    assert "Enter why you are withdrawing it" in text(response)
    assert login(world.read_only).post(withdraw, {"reason": "Mine now"}).status_code == 403
    assert not SeriesNote.objects.get().is_withdrawn


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"month": "2027-01"}, "month", "Select a month from the list: this month or one on the chart"),
        ({"month": ""}, "month", "Select the month it happened"),
        ({"reason": ""}, "reason", "Enter what happened, for example ‘new online booking live in two practices’"),
        ({"reason": "x" * 201}, "reason", "What happened must be 200 characters or fewer"),
        ({"kind": "delete"}, "kind", "Select whether it is a change or a note"),
    ],
)
def test_bad_input_names_the_field_and_the_fix(world, login, data, field, message):
    response = record(login(world.officer), theme_url(world), **data)
    assert response.status_code == 400
    shown = text(response)
    assert "There is a problem" in shown and message in shown
    assert f'id="id_{field}' in shown
    assert not SeriesNote.objects.exists()


def test_a_second_change_on_the_same_month_is_refused_until_the_first_is_withdrawn(world, login):
    client = login(world.officer)
    url = theme_url(world)
    assert record(client, url).status_code == 302
    again = record(client, url, reason="Another change")
    assert again.status_code == 400
    assert "A change is already recorded for January 2026: withdraw it first to record another" in text(again)
    assert record(client, url, kind="note", reason="A note is fine").status_code == 302
    assert SeriesNote.objects.count() == 2


def test_this_month_can_be_recorded_before_it_is_on_the_chart(world, login):
    response = record(login(world.officer), theme_url(world), month="2026-11")
    assert response.status_code == 302
    assert SeriesNote.objects.get().month == datetime.date(2026, 11, 1)


def test_the_area_volume_and_a_service_have_their_own_charts_and_notes(world, login):
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    client = login(world.officer)
    volume = reverse("concerns:trend-volume", args=[world.area.slug])
    service = reverse("concerns:trend-service", args=[world.area.slug, world.trust.pk])
    assert "Experiences each month: all experiences in Testshire" in text(client.get(volume))
    assert record(client, service, kind="note", month="2026-10", reason="Ward closed").status_code == 302
    assert SeriesNote.objects.get().series == f"service:{world.trust.pk}"
    assert "Ward closed" in text(client.get(service))
    assert "Ward closed" not in text(client.get(volume))


def test_a_theme_or_service_also_shows_the_share_that_were_negative_with_the_counts_behind_it(world, login):
    """A busy month raises the count, not the share: the page shows both, the share with its
    denominator, and leaves out a month with no experiences rather than showing 0%."""
    for sentiment in ("negative", "positive", "positive", "positive"):
        make_concern(world, received_on=datetime.date(2026, 9, 5), sentiment=sentiment)
    make_concern(world, received_on=datetime.date(2026, 10, 5), sentiment="negative")
    make_concern(world, received_on=datetime.date(2026, 10, 6), sentiment="mixed")
    client = login(world.officer)
    page = text(client.get(reverse("concerns:trend-service", args=[world.area.slug, world.trust.pk])))
    share = page.split("Share negative each month (the chart's data), latest first</caption>")[1].split("</table>")[0]
    assert re.findall(r"(\w{3} \d{4})</th> <td[^>]*>(\d+ of \d+)</td> <td[^>]*>([\d.]+%)", share) == [
        ("Oct 2026", "1 of 2", "50.0%"),
        ("Sep 2026", "1 of 4", "25.0%"),
    ]
    assert "Aug 2026" not in share
    volume = text(client.get(reverse("concerns:trend-volume", args=[world.area.slug])))
    assert "Share of these experiences that were negative" not in volume


# ---------------------------------------------------------------- outreach


def an_event(world, day: datetime.date, event: str, *, withdrawn: bool = False) -> EventCode:
    return EventCode.objects.create(
        locality=world.area,
        body=world.healthwatch,
        code=f"ABCD{day:%m%d}"[:8],
        valid_on=day,
        event=event,
        issued_by=world.officer,
        withdrawn_by=world.officer if withdrawn else None,
        withdrawn_at=NOW if withdrawn else None,
    )


def test_outreach_events_are_noted_automatically_on_their_month(world, login):
    code = an_event(world, datetime.date(2026, 3, 3), "Market square stall")
    an_event(world, datetime.date(2026, 4, 9), "Cancelled fair", withdrawn=True)
    concern = make_concern(world, received_on=datetime.date(2026, 3, 3))
    Concern.all_objects.filter(pk=concern.pk).update(event_code=code)
    for url in (theme_url(world), reverse("concerns:trend-volume", args=[world.area.slug])):
        shown = text(login(world.read_only).get(url))
        assert (
            '<strong class="govuk-tag govuk-tag--grey">Added automatically</strong> '
            "Outreach: Market square stall on 3 March (1 experience through it)"
        ) in shown
        assert "Cancelled fair" not in shown
    officer_view = text(login(world.officer).get(theme_url(world)))
    assert "Nobody has recorded a change or a note on this chart yet." in officer_view  # nothing to withdraw


def test_marks_for_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    months = [datetime.date(2026, m, 1) for m in range(1, 11)]
    series = series_notes.series_key("theme", waiting_times(world).pk)
    for m in (2, 5, 7):
        an_event(world, datetime.date(2026, m, 4), f"Event {m}")
        series_notes.record(
            user=world.officer, locality=world.area, series=series, kind="note", month=months[m - 1], reason="Note"
        )
    with django_assert_num_queries(2):
        marks = series_notes.marks_for(world.area, series, months)
    assert sorted(marks.notes) == [1, 4, 6]
    with django_assert_num_queries(1):  # a priority's series has no outreach notes
        series_notes.marks_for(world.area, "priority:1", months)


# ---------------------------------------------------------------- the nightly trend job


# The job starts a series at its first month with a concern: a change must move with it (from
# July 2025, a change in March 2026 is the series' 9th month, not the window's 17th).
@pytest.mark.parametrize("since", [datetime.date(2024, 11, 1), datetime.date(2025, 7, 1)])
def test_a_rise_with_a_recorded_change_is_judged_against_the_limits_since_the_change(world, login, since):
    a_level_that_rose(world, before=2, after=6, rose_in=datetime.date(2026, 3, 1), since=since)
    today = datetime.date(2026, 11, 3)
    trends_url = reverse("concerns:trends", args=[world.area.slug])

    # Without a recorded change, months at the new level look like a rise (a long run above the mean).
    assert trend_signals_detect(locality=world.area, today=today) == 2  # the theme and the service
    shown = text(login(world.read_only).get(trends_url))
    assert "Theme: Waiting times in October 2026" in shown
    assert f'href="{theme_url(world)}">See the chart' in shown  # where an officer records the change

    TrendSignal.all_objects.all().delete()
    client = login(world.officer)
    reason = "New online booking live in two practices"
    assert record(client, theme_url(world), month="2026-03", reason=reason).status_code == 302
    assert trend_signals_detect(locality=world.area, today=today) == 1  # the service only
    shown = text(login(world.read_only).get(trends_url))
    assert "Theme: Waiting times in October 2026" not in shown
    assert f"Service: {world.trust.name} in October 2026" in shown

    # Withdrawn, the change no longer counts.
    TrendSignal.all_objects.all().delete()
    series_notes.withdraw(user=world.officer, note=SeriesNote.objects.get(), reason="Wrong month")
    assert trend_signals_detect(locality=world.area, today=today) == 2


def test_a_priority_note_is_not_withdrawn_from_the_concerns_pages(world, login):
    note = series_notes.record(
        user=world.board_member,
        locality=world.area,
        series="priority:1",
        kind="note",
        month=datetime.date(2026, 9, 1),
        reason="Board note",
    )
    url = reverse("concerns:trend-note-withdraw", args=[world.area.slug, note.pk])
    assert login(world.officer).post(url, {"reason": "Not mine"}).status_code == 404
    assert not SeriesNote.objects.get().is_withdrawn


def test_the_chart_page_reads_the_same_number_of_queries_whatever_is_recorded(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_concern(world, received_on=datetime.date(2026, 10, 5))
    client = login(world.officer)
    url = theme_url(world)
    client.get(url)  # counts the area's concerns once
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for m in range(1, 10):
        an_event(world, datetime.date(2026, m, 4), f"Event {m}")
        record(client, url, kind="note", month=f"2026-0{m}", reason=f"Note {m}")
        make_concern(world, received_on=datetime.date(2026, m, 5), service=world.council)
    record(client, url, month="2026-03")
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
