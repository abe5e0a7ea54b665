"""Making Data Count on the board's priorities (issue #15, item 2): a board member records a
change to the process or a note on a priority's figure from its chart page, and withdraws one
with a reason; everyone who reads the priority sees them on every chart of it; and a priority's
figure can be the share of a theme's or a service's experiences that were negative, with the
counts behind each month."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concerns import series_figures, series_notes, summaries
from concerns.models import Concern, SeriesNote, Theme
from concerns.selectors import last_complete_month, month_starts
from tests.conftest import make_concern, make_priority

STEADY_THEN_UP = [12, 10, 14, 11, 13, 9, 12, 15, 11, 12, 13, 10, 14, 12, 11, 20, 22, 19, 21, 23, 18, 20, 22, 19]


def page_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def chart_url(w, priority) -> str:
    return reverse("reports:priority-chart", args=[w.area.slug, priority.pk])


def record_url(w, priority) -> str:
    return reverse("reports:priority-chart-record", args=[w.area.slug, priority.pk])


def months_of(priority) -> list[datetime.date]:
    return list(priority.figures.order_by("month").values_list("month", flat=True))


def month_fields(month: datetime.date) -> dict:
    return {"month_0": "1", "month_1": str(month.month), "month_2": str(month.year)}


# ---------------------------------------------------------------- recording and withdrawing


def test_a_board_member_records_a_change_and_every_chart_of_the_priority_recalculates_from_it(world, login):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    change = months_of(priority)[15]
    client = login(world.board_member)
    response = client.post(
        record_url(world, priority),
        {"kind": "change", **month_fields(change), "reason": "New online booking live in two practices"},
    )
    assert response.status_code == 302 and response.url == chart_url(world, priority)
    page = client.get(response.url)
    text = page_text(page)
    assert f"Change recorded for {change:%B %Y}." in text  # the banner
    assert "app-chart__break" in page.content.decode()
    label = f"{change:%b %Y}"
    # Hand-computed: the first 15 months average 179 / 15 = 11.9; the 9 since, 184 / 9 = 20.4.
    assert (
        f"Process limits recalculated from {label} (New online booking live in two practices): before, mean 11.9"
        in text
    )
    assert "since, mean 20.4 (only 9 points, too few for limits)" in text
    assert f"{label} 20 " in text and "Change from this month: New online booking live in two practices" in text
    # The dashboard's sparkline and the priority page show the break too.
    for url in (
        reverse("reports:dashboard", args=[world.area.slug]),
        reverse("reports:priority", args=[world.area.slug, priority.pk]),
    ):
        assert "app-chart__break" in client.get(url).content.decode()


def test_a_note_is_marked_on_its_month_and_named_in_the_table(world, login):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    noted = months_of(priority)[8]
    client = login(world.board_member)
    client.post(record_url(world, priority), {"kind": "note", **month_fields(noted), "reason": "Winter pressures"})
    page = client.get(chart_url(world, priority))
    assert "app-chart__note" in page.content.decode()
    text = page_text(page)
    assert f"Notes: {noted:%b %Y} (Winter pressures)." in text
    assert "Note: Winter pressures" in text  # the data table's column
    assert "recalculated" not in text


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"kind": "change", "reason": ""}, "Enter what happened, for example"),
        ({"reason": "Something"}, "Select whether it is a change to the process or a note"),
        ({"kind": "note", "reason": "Later", "future": True}, "The month must be this month or in the past"),
    ],
)
def test_a_bad_record_shows_an_error_naming_the_field_and_stores_nothing(world, login, posted, error):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    month = months_of(priority)[5]
    if posted.pop("future", False):
        month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    response = login(world.board_member).post(record_url(world, priority), {**month_fields(month), **posted})
    assert response.status_code == 400
    assert error in page_text(response)
    assert "There is a problem" in page_text(response)
    assert not SeriesNote.objects.exists()


def test_a_second_change_in_the_same_month_is_refused_until_the_first_is_withdrawn(world, login):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    month = months_of(priority)[15]
    client = login(world.board_member)
    client.post(record_url(world, priority), {"kind": "change", **month_fields(month), "reason": "First"})
    response = client.post(record_url(world, priority), {"kind": "change", **month_fields(month), "reason": "Second"})
    assert response.status_code == 400
    assert f"A change is already recorded for {month:%B %Y}: withdraw it first" in page_text(response)


def test_a_board_member_withdraws_a_change_with_a_reason_and_the_limits_are_whole_again(world, login):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    month = months_of(priority)[15]
    client = login(world.board_member)
    client.post(record_url(world, priority), {"kind": "change", **month_fields(month), "reason": "Wrong month"})
    note = SeriesNote.objects.get()
    url = reverse("reports:priority-chart-withdraw", args=[world.area.slug, priority.pk, note.pk])
    assert url in client.get(chart_url(world, priority)).content.decode()  # the link on the chart page
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Enter why it is being withdrawn" in page_text(empty)
    response = client.post(url, {"reason": "Recorded against the wrong priority"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.withdrawn_by == world.board_member and note.withdrawn_reason == "Recorded against the wrong priority"
    page = client.get(chart_url(world, priority))
    assert "app-chart__break" not in page.content.decode()
    assert "No changes or notes recorded on this figure." in page_text(page)
    assert client.post(url, {"reason": "Again"}).status_code == 404  # withdrawn once


def test_a_read_only_member_sees_changes_and_notes_but_no_forms_and_cannot_record(world, login):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    month = months_of(priority)[15]
    series_notes.record(
        user=world.board_member,
        locality=world.area,
        series=series_notes.series_key("priority", priority.pk),
        kind="change",
        month=month,
        reason="New provider",
    )
    client = login(world.read_only)
    page = client.get(chart_url(world, priority))
    text = page_text(page)
    assert page.status_code == 200 and "New provider" in text and "app-chart__break" in page.content.decode()
    assert "Record a change or a note" not in text and "Withdraw" not in text
    posted = client.post(record_url(world, priority), {"kind": "note", **month_fields(month), "reason": "Mine"})
    assert posted.status_code == 403
    note = SeriesNote.objects.get()
    withdraw = reverse("reports:priority-chart-withdraw", args=[world.area.slug, priority.pk, note.pk])
    assert client.post(withdraw, {"reason": "Mine"}).status_code == 403
    assert SeriesNote.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_a_change_on_another_priority_does_not_show_on_this_one(world, login):
    shown = make_priority(world, figures=STEADY_THEN_UP)
    other = make_priority(world, title="Another", figures=STEADY_THEN_UP)
    series_notes.record(
        user=world.board_member,
        locality=world.area,
        series=series_notes.series_key("priority", other.pk),
        kind="note",
        month=months_of(other)[3],
        reason="Only about the other",
    )
    assert "Only about the other" not in page_text(login(world.board_member).get(chart_url(world, shown)))


def test_marks_for_many_reads_every_series_in_one_query(world):
    months = month_starts(last_complete_month(timezone.localdate()), 6)
    for n in range(3):
        series_notes.record(
            user=world.board_member,
            locality=world.area,
            series=f"priority:{n}",
            kind="change",
            month=months[2 + n],
            reason=f"r{n}",
        )
    with CaptureQueriesContext(connection) as queries:
        found = series_notes.marks_for_many(world.area, {f"priority:{n}": months for n in range(4)})
    assert len(queries) == 1
    assert [found[f"priority:{n}"].changes for n in range(4)] == [(2,), (3,), (4,), ()]
    assert found["priority:1"].change_reasons == {3: "r1"}
    assert series_notes.marks_for(world.area, "priority:0", months).changes == (2,)


# ---------------------------------------------------------------- shares of negative experiences


def _experiences(world, month: datetime.date, negative: int, other: int, **fields) -> None:
    for k in range(negative + other):
        concern = make_concern(world, received_on=month + datetime.timedelta(days=k % 20), **fields)
        if k >= negative:
            Concern.all_objects.filter(pk=concern.pk).update(sentiment="positive")


@pytest.fixture
def three_months(world):
    """Hand-counted, oldest first: 3 negative of 3; then 1 negative of 4; last month none at all.
    (make_concern tags each with 'Waiting times' and puts it at the trust.)"""
    months = month_starts(last_complete_month(timezone.localdate()), 3)
    _experiences(world, months[0], 3, 0)
    _experiences(world, months[1], 1, 3)
    summaries.refresh(world.area.pk)
    return months


def test_share_negative_counts_negative_and_all_experiences_from_the_monthly_counts(world, three_months):
    theme = Theme.all_objects.get(locality=world.area, name="Waiting times")
    by_theme = series_figures.share_negative(world.area.pk, three_months, "theme", str(theme.pk))
    by_service = series_figures.share_negative(world.area.pk, three_months, "service", str(world.trust.pk))
    assert by_theme == by_service == [(3, 3), (1, 4), (0, 0)]
    months, values, counts = series_figures.percentages(three_months, by_theme)
    assert months == three_months[:2] and values == [100.0, 25.0] and counts == [(3, 3), (1, 4)]


@pytest.mark.parametrize("measure", ["theme_share", "service_share"])
def test_a_share_priority_charts_percentages_with_their_counts_and_leaves_out_an_empty_month(
    world, login, three_months, measure
):
    theme = Theme.all_objects.get(locality=world.area, name="Waiting times")
    target = {"measure_theme": theme} if measure == "theme_share" else {"measure_service": world.trust}
    priority = make_priority(world, title="Waiting", measure=measure, better="higher", **target)
    assert priority.better == "lower"  # a smaller share of negative experiences is better, always
    client = login(world.board_member)
    text = page_text(client.get(chart_url(world, priority)))
    assert "Share negative" in text and "Negative of all experiences" in text
    assert f"{three_months[1]:%b %Y} 25.0% 1 of 4" in text
    assert f"{three_months[0]:%b %Y} 100.0% 3 of 3" in text
    assert f"{three_months[2]:%b %Y}" not in text.split("Data for the chart")[1]  # no experiences: no point, not 0%
    dashboard = page_text(client.get(reverse("reports:dashboard", args=[world.area.slug])))
    assert "25.0%" in dashboard


def test_the_priority_form_offers_the_shares(world, login):
    response = login(world.board_member).get(reverse("reports:priority-create", args=[world.area.slug]))
    text = page_text(response)
    assert "Share of experiences with a theme that were negative" in text
    assert "Share of experiences about a service that were negative" in text


def test_the_figures_table_names_the_changes_and_notes_by_month(world, login):
    priority = make_priority(world, figures=STEADY_THEN_UP)
    months = months_of(priority)
    key = series_notes.series_key("priority", priority.pk)
    for kind, month, reason in (("change", months[15], "New provider"), ("note", months[15], "Strike")):
        series_notes.record(
            user=world.board_member, locality=world.area, series=key, kind=kind, month=month, reason=reason
        )
    text = page_text(
        login(world.board_member).get(reverse("reports:priority-figures", args=[world.area.slug, priority.pk]))
    )
    assert f"{months[15]:%B %Y} 20 Change: New provider; Note: Strike" in text
