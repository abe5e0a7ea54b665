"""#14 item 6: outreach without lock-out (the public form's hourly limit, per area, and event
codes for stalls) and dates people remember roughly (a month and year, or about a day)."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from concerns import outreach
from concerns.models import Concern
from quality_system import approx_dates
from quality_system.approx_dates import Precision
from tests.conftest import make_concern
from tests.test_public_and_imports import share as send_share

TODAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def share(world, client=None, ip="203.0.113.9", **overrides):
    """The public form sent from a stall's shared connection (one address), by a new visitor
    unless `client` is the stall's browser."""
    return send_share(client or Client(), world, ip=ip, **overrides)


def issue(world, login, day="26", month="11", year="2026", event="Market square stall"):
    client = login(world.officer)
    response = client.post(
        reverse("concerns:event-codes", args=[world.area.slug]),
        {"valid_on_0": day, "valid_on_1": month, "valid_on_2": year, "event": event},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return outreach.EventCode.objects.latest("issued_at")


# ---------------------------------------------------------------- the hourly limit


@time_machine.travel(TODAY, tick=False)
def test_a_stall_on_shared_wifi_can_send_thirty_an_hour_by_default_then_is_asked_to_wait(world):
    for _ in range(30):
        assert share(world).status_code == 302
    response = share(world)
    assert response.status_code == 429
    assert "You have sent several experiences recently" in response.content.decode()
    assert Concern.all_objects.count() == 30


@time_machine.travel(TODAY, tick=False)
def test_an_area_sets_its_own_hourly_limit_and_other_areas_keep_the_default(world):
    world.area.public_form_hourly_limit = 8
    world.area.save()
    for _ in range(8):
        assert share(world).status_code == 302  # the 6th, 7th and 8th from one address are accepted
    assert share(world).status_code == 429
    assert Concern.all_objects.count() == 8


@time_machine.travel(TODAY, tick=False)
def test_bots_that_fill_in_the_hidden_field_are_still_discarded_and_counted(world, settings):
    settings.PUBLIC_FORM_RATE = "2/h"
    assert share(world, website="http://spam.example").status_code == 302
    assert share(world, website="http://spam.example").status_code == 302
    assert share(world, website="http://spam.example").status_code == 429
    assert not Concern.all_objects.exists()


def test_an_administrator_sets_the_hourly_limit_with_clear_messages(world, login):
    client = login(world.owner)
    url = reverse("agencies:area-settings", args=[world.area.slug])
    assert "Area settings" in client.get(url).content.decode()
    for value, message in (
        ("2", "The hourly limit must be 5 or more"),
        ("501", "The hourly limit must be 500 or fewer. For an event, issue an event code instead"),
        ("lots", "Enter the hourly limit as a whole number, like 30"),
    ):
        response = client.post(url, {"public_form_hourly_limit": value})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert client.post(url, {"public_form_hourly_limit": "60"}).status_code == 302
    world.area.refresh_from_db()
    assert world.area.public_form_hourly_limit == 60
    assert world.area.history.first().history_user == world.owner
    assert client.post(url, {"public_form_hourly_limit": ""}).status_code == 302  # back to the default
    world.area.refresh_from_db()
    assert world.area.public_form_hourly_limit is None


def test_only_administrators_change_area_settings(world, login):
    url = reverse("agencies:area-settings", args=[world.area.slug])
    assert login(world.officer).post(url, {"public_form_hourly_limit": "500"}).status_code == 403


# ---------------------------------------------------------------- event codes


@time_machine.travel(TODAY, tick=False)
def test_an_officer_issues_a_code_that_lifts_the_limit_for_the_day(world, login, settings):
    settings.PUBLIC_FORM_RATE = "2/h"
    code = issue(world, login)
    page = login(world.officer).get(reverse("concerns:event-codes", args=[world.area.slug])).content.decode()
    assert code.shown in page and "Market square stall" in page and "Works today" in page
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{8}", code.code)
    stall = Client()
    for _ in range(5):
        assert share(world, stall, event_code=code.shown.lower()).status_code == 302
    assert share(world, stall).status_code == 302  # without the code, the address's own limit still applies
    assert share(world, stall).status_code == 302
    assert share(world, stall).status_code == 429
    under_code = Concern.all_objects.filter(event_code=code)
    assert under_code.count() == 5 and {c.channel for c in under_code} == {"outreach"}
    detail = login(world.officer).get(reverse("concerns:detail", args=[world.area.slug, under_code.first().pk]))
    assert f"at Market square stall (event code {code.shown})" in detail.content.decode()
    assert "Outreach event" in detail.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_next_visitor_at_the_stall_finds_the_code_already_filled_in(world, login):
    code = issue(world, login)
    stall = Client()
    share(world, stall, event_code=code.shown)
    assert f'value="{code.shown}"' in stall.get(reverse("share", args=[world.area.slug])).content.decode()
    link = Client().get(reverse("share", args=[world.area.slug]) + f"?code={code.shown}")
    assert f'value="{code.shown}"' in link.content.decode()


def test_a_code_stops_working_after_its_day_and_nothing_typed_is_lost(world, login):
    with time_machine.travel(TODAY, tick=False):
        code = issue(world, login)
    with time_machine.travel(TOMORROW, tick=False):
        response = share(world, event_code=code.shown, narrative="The receptionist was very kind.")
    page = response.content.decode()
    assert response.status_code == 400
    assert "This event code has expired. Ask Healthwatch staff for today&#x27;s code, or leave it empty" in page
    assert "The receptionist was very kind." in page
    assert not Concern.all_objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_code_for_a_later_day_does_not_work_yet(world, login):
    code = issue(world, login, day="28")
    response = share(world, event_code=code.shown)
    assert "This event code does not work until 28 November 2026" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_withdrawn_code_no_longer_works_and_the_record_says_who_withdrew_it(world, login):
    code = issue(world, login)
    client = login(world.officer)
    assert client.post(reverse("concerns:event-code-withdraw", args=[world.area.slug, code.pk])).status_code == 302
    code.refresh_from_db()
    assert code.withdrawn_by == world.officer and code.withdrawn_at is not None
    assert "Withdrawn" in client.get(reverse("concerns:event-codes", args=[world.area.slug])).content.decode()
    response = share(world, event_code=code.shown)
    assert response.status_code == 400
    assert "This event code has been withdrawn" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_leaked_code_cannot_flood_the_form(world, login, settings):
    settings.PUBLIC_FORM_EVENT_CODE_CEILING = 3
    code = issue(world, login)
    for n in range(3):
        assert share(world, ip=f"198.51.100.{n}", event_code=code.shown).status_code == 302
    response = share(world, ip="198.51.100.9", event_code=code.shown)
    assert response.status_code == 400
    assert "This event code has been used for 3 experiences, its limit" in response.content.decode()
    assert Concern.all_objects.count() == 3


@time_machine.travel(TODAY, tick=False)
def test_guessing_codes_is_stopped_after_ten_wrong_ones(world):
    for n in range(10):
        response = share(world, event_code=f"AAAA-AAA{n + 2}")
        assert "Enter the event code exactly as Healthwatch staff gave it to you" in response.content.decode()
    response = share(world, event_code="AAAA-AAAA")
    assert "Too many wrong event codes were entered from this connection" in response.content.decode()
    assert share(world).status_code == 302  # without a code the form still works


@time_machine.travel(TODAY, tick=False)
def test_a_code_from_another_area_does_not_work_here(world, login):
    other = outreach.event_code_issue(
        locality=world.other_area, body=world.healthwatch, valid_on=TODAY.date(), event="", issued_by=world.officer
    )
    assert "Enter the event code exactly" in share(world, event_code=other.shown).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_codes_are_for_today_or_the_next_ninety_days(world, login):
    client = login(world.officer)
    url = reverse("concerns:event-codes", args=[world.area.slug])
    response = client.post(url, {"valid_on_0": "25", "valid_on_1": "11", "valid_on_2": "2026"})
    assert response.status_code == 400
    assert "The day it works must be today or within the next 90 days" in response.content.decode()


def test_read_only_members_cannot_issue_codes(world, login):
    response = login(world.read_only).post(
        reverse("concerns:event-codes", args=[world.area.slug]),
        {"valid_on_0": "26", "valid_on_1": "11", "valid_on_2": "2026"},
    )
    assert response.status_code == 403
    assert not outreach.EventCode.objects.exists()


# ---------------------------------------------------------------- dates remembered roughly


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-04", (datetime.date(2026, 3, 4), Precision.DAY)),
        ("04/03/2026", (datetime.date(2026, 3, 4), Precision.DAY)),
        ("2026-03", (datetime.date(2026, 3, 1), Precision.MONTH)),
        ("03/2026", (datetime.date(2026, 3, 1), Precision.MONTH)),
        ("~2026-03-04", (datetime.date(2026, 3, 4), Precision.ABOUT)),
        ("about 04/03/2026", (datetime.date(2026, 3, 4), Precision.ABOUT)),
        ("", (None, Precision.DAY)),
    ],
)
def test_a_date_in_a_file_is_read_with_its_precision(text, expected):
    assert approx_dates.read(text) == expected
    if expected[0]:
        assert approx_dates.read(approx_dates.written(*expected)) == expected


@pytest.mark.parametrize("text", ["~2026-03", "2026-13", "March 2026", "0200-01-01"])
def test_a_date_in_a_file_that_is_not_one_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="must be"):
        approx_dates.read(text)


@pytest.mark.parametrize(
    "value, precision, shown",
    [
        (datetime.date(2026, 3, 4), Precision.DAY, "4 March 2026"),
        (datetime.date(2026, 3, 1), Precision.MONTH, "March 2026"),
        (datetime.date(2026, 3, 4), Precision.ABOUT, "about 4 March 2026"),
    ],
)
def test_a_date_is_described_as_precisely_as_it_is_known(value, precision, shown):
    assert approx_dates.described(value, precision) == shown


@time_machine.travel(TODAY, tick=False)
def test_the_public_can_give_just_the_month_or_about_a_day(world, login):
    assert share(world, experienced_on_0="").status_code == 302
    assert share(world, experienced_on_0="14", experienced_precision="about").status_code == 302
    month, about = Concern.all_objects.order_by("pk")
    assert (month.happened_on, month.happened_on_precision) == (datetime.date(2026, 11, 1), "month")
    assert (about.happened_on, about.happened_on_precision) == (datetime.date(2026, 11, 14), "about")
    client = login(world.officer)
    assert "November 2026" in client.get(reverse("concerns:detail", args=[world.area.slug, month.pk])).content.decode()
    detail = client.get(reverse("concerns:detail", args=[world.area.slug, about.pk])).content.decode()
    assert "About 14 November 2026" in detail


@time_machine.travel(TODAY, tick=False)
def test_an_exact_day_without_a_day_says_how_to_fix_it(world):
    response = share(world, experienced_on_0="", experienced_precision="day")
    assert response.status_code == 400
    assert "Enter the day of the date it happened, or choose ‘only the month and year’" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_staff_see_and_keep_a_month_when_they_change_an_experience(world, login):
    concern = make_concern(world, happened_on=datetime.date(2026, 9, 1), happened_on_precision="month")
    client = login(world.officer)
    url = reverse("concerns:edit", args=[world.area.slug, concern.pk])
    form = client.get(url).content.decode()
    assert re.search(r'name="happened_on_0"[^>]*value=""|name="happened_on_0"(?![^>]*value=)', form)
    assert re.search(r'name="happened_on_1"[^>]*value="9"', form)
    data = {
        "received_on_0": "1",
        "received_on_1": "10",
        "received_on_2": "2026",
        "happened_on_0": "",
        "happened_on_1": "9",
        "happened_on_2": "2026",
        "happened_on_precision": "month",
        "channel": "phone",
        "service": world.trust.pk,
        "sentiment": "negative",
        "severity": "2",
        "narrative": "Waited six hours in A&E.",
        "status": "reviewed",
    }
    assert client.post(url, data).status_code == 302
    concern.refresh_from_db()
    assert (concern.happened_on, concern.happened_on_precision, concern.severity) == (
        datetime.date(2026, 9, 1),
        "month",
        2,
    )
    data.update(happened_on_0="12", happened_on_precision="about")
    assert client.post(url, data).status_code == 302
    concern.refresh_from_db()
    assert (concern.happened_on, concern.happened_on_precision) == (datetime.date(2026, 9, 12), "about")


@time_machine.travel(TODAY, tick=False)
def test_precision_survives_export_and_import(world, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from concerns.models import ImportJob

    for ref, happened_on, precision in (
        ("M", datetime.date(2026, 9, 1), "month"),
        ("A", datetime.date(2026, 9, 12), "about"),
        ("D", datetime.date(2026, 9, 13), "day"),
        ("N", None, "day"),
    ):
        make_concern(
            world, narrative=f"Story {ref}", happened_on=happened_on, happened_on_precision=precision, external_ref=ref
        )
    client = login(world.officer)
    exported = b"".join(client.get(reverse("concerns:export", args=[world.area.slug])).streaming_content)
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("reference,date_received,date_happened,")
    assert ",2026-09," in text and ",~2026-09-12," in text and ",2026-09-13," in text
    before = {c.external_ref: (c.happened_on, c.happened_on_precision) for c in Concern.all_objects.all()}
    Concern.all_objects.all().delete()
    # Imported as new experiences (the references named the deleted ones): drop that column.
    exported = "\n".join(line.split(",", 1)[1] for line in text.splitlines()).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("concerns:import", args=[world.area.slug]),
            {"file": SimpleUploadedFile("export.csv", exported, content_type="text/csv")},
        )
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert (job.state, job.errors) == ("ready", [])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concerns:import-run", args=[world.area.slug, job.pk]))
    assert {c.external_ref: (c.happened_on, c.happened_on_precision) for c in Concern.all_objects.all()} == before


@time_machine.travel(TODAY, tick=False)
def test_an_import_names_a_date_it_happened_it_cannot_read(world, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from concerns.models import ImportJob

    content = (
        b"date_received,date_happened,channel,service_type,sentiment,narrative\n"
        b"01/11/2026,Spring 2026,phone,gp,negative,A story\n"
        b"01/11/2026,2026-12,phone,gp,negative,A story from the future\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.officer).post(
            reverse("concerns:import", args=[world.area.slug]),
            {"file": SimpleUploadedFile("rows.csv", content, content_type="text/csv")},
        )
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.state == "invalid"
    assert job.errors == [
        [
            2,
            "date_happened",
            "Date it happened ‘Spring 2026’ must be a day like 2026-03-04, a month like 2026-03, "
            "or about a day like ~2026-03-04",
        ],
        [3, "date_happened", "The date it happened must be on or before the date received"],
    ]


@time_machine.travel(TODAY, tick=False)
def test_monthly_figures_count_by_date_received_not_the_date_it_happened(world):
    from concerns import summaries
    from concerns.models import MonthlyCount

    make_concern(world, received_on=datetime.date(2026, 10, 5), happened_on=datetime.date(2026, 3, 1),
                 happened_on_precision="month")  # fmt: skip
    summaries.refresh(world.area.pk)
    totals = MonthlyCount.objects.filter(locality=world.area, dimension="total")
    assert [(row.month, row.count) for row in totals] == [(datetime.date(2026, 10, 1), 1)]


@time_machine.travel(TODAY, tick=False)
def test_the_event_codes_page_makes_the_same_queries_for_2_or_20_codes(world, login):
    from tests.test_query_counts import count_queries

    client = login(world.officer)
    url = reverse("concerns:event-codes", args=[world.area.slug])

    def add(n):
        for _ in range(n):
            code = outreach.event_code_issue(
                locality=world.area, body=world.healthwatch, valid_on=TODAY.date(), event="", issued_by=world.officer
            )
            outreach.event_code_withdraw(code=code, user=world.owner)

    add(2)
    small = count_queries(client, url)
    add(18)
    assert count_queries(client, url) == small
