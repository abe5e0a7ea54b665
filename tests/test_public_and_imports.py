"""The public share form, CSV imports and the trend job."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concerns.models import Concern, ConcernContact, ImportJob, TrendSignal
from concerns.trends import trend_signals_detect
from tests.conftest import make_concern

TODAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def share(client, world, ip="203.0.113.9", **overrides):
    data = {
        "service_described": "Riverside Surgery",
        "service_type": "gp",
        "experienced_on_0": "3",
        "experienced_on_1": "11",
        "experienced_on_2": "2026",
        "sentiment": "negative",
        "narrative": "Could not get an appointment for three weeks.",
        "website": "",
    }
    data.update(overrides)
    return client.post(reverse("share", args=[world.area.slug]), data, REMOTE_ADDR=ip)


@time_machine.travel(TODAY, tick=False)
def test_a_member_of_the_public_shares_an_experience_anonymously(client, world):
    assert client.get(reverse("share", args=[world.area.slug])).status_code == 200
    response = share(client, world)
    assert response.status_code == 302
    concern = Concern.all_objects.get()
    assert (concern.status, concern.from_public, concern.collecting_body) == ("new", True, world.healthwatch)
    assert concern.service_described == "Riverside Surgery"
    assert not ConcernContact.all_objects.exists()
    assert "Thank you for sharing your experience" in client.get(response["Location"]).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_contact_details_are_kept_apart_with_consent(client, world):
    share(client, world, wants_contact="on", name="Sam", email="sam@example.com", consent_to_share="on")
    contact = ConcernContact.all_objects.get()
    assert (contact.name, contact.consent_to_contact, contact.consent_to_share) == ("Sam", True, True)
    assert "Sam" not in Concern.all_objects.get().narrative


@time_machine.travel(TODAY, tick=False)
def test_asking_to_be_contacted_needs_a_way_to_contact(client, world):
    response = share(client, world, wants_contact="on")
    assert response.status_code == 400
    assert "Enter an email address or phone number so we can contact you" in response.content.decode()
    assert not Concern.all_objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_public_experiences_do_not_count_until_reviewed(client, world, login):
    share(client, world)
    assert (
        "1 experience shared online by the public is waiting for review"
        in login(world.officer).get(reverse("concerns:index", args=[world.area.slug])).content.decode()
    )
    assert (
        "0 experiences"
        in login(world.read_only).get(reverse("concerns:index", args=[world.area.slug])).content.decode()
    )


@time_machine.travel(TODAY, tick=False)
def test_the_honeypot_quietly_discards_bots(client, world):
    response = share(client, world, website="http://spam.example")
    assert response.status_code == 302
    assert not Concern.all_objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_too_many_submissions_from_one_address_get_a_friendly_429(client, world, settings):
    settings.PUBLIC_FORM_RATE = "3/h"
    for _ in range(3):
        assert share(client, world).status_code == 302
    response = share(client, world)
    assert response.status_code == 429
    assert "You have sent several experiences recently" in response.content.decode()
    assert share(client, world, ip="198.51.100.1").status_code == 302  # another address is unaffected
    assert Concern.all_objects.count() == 4


def test_the_public_form_needs_csrf(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert share(strict, world).status_code == 403


# ---------------------------------------------------------------- imports

HEADER = "date_received,channel,service_type,sentiment,narrative,service,themes,severity,external_ref,name,email\n"


def upload(client, world, content: bytes, name="experiences.csv", django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("concerns:import", args=[world.area.slug]),
            {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@time_machine.travel(TODAY, tick=False)
def test_a_valid_file_is_checked_then_imported_all_together(world, login, django_capture_on_commit_callbacks):
    client = login(world.officer)
    rows = "".join(
        f"0{i}/11/2026,phone,hospital,negative,Story {i},Testshire Hospitals NHS Trust,Waiting times; Access,2,CRM-{i},,\n"
        for i in range(1, 6)
    )
    rows += '20/11/2026,email,gp,positive,"A story\nover two lines, with a comma",,,0,,Jo,jo@example.com\n'
    job = upload(
        client,
        world,
        ("\ufeff" + HEADER + rows).encode(),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert (job.state, job.total_rows) == ("ready", 6)
    assert (
        "6 experiences ready to import"
        in client.get(reverse("concerns:import-job", args=[world.area.slug, job.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concerns:import-run", args=[world.area.slug, job.pk]))
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == ("done", 6)
    assert Concern.all_objects.count() == 6
    assert Concern.all_objects.get(external_ref="CRM-3").themes.count() == 2
    assert Concern.all_objects.get(narrative__startswith="A story").narrative == "A story\nover two lines, with a comma"
    assert ConcernContact.all_objects.get().name == "Jo"


@time_machine.travel(TODAY, tick=False)
def test_a_file_with_errors_gets_a_row_numbered_report_and_imports_nothing(
    world, login, django_capture_on_commit_callbacks
):
    make_concern(world, external_ref="CRM-OLD")
    rows = (
        "01/11/2026,phone,hospital,negative,Fine row,,,1,CRM-1,,\n"
        "31/02/2026,phone,hospital,negative,Bad date,,,1,,,\n"
        "01/11/2026,carrier pigeon,hospital,negative,Bad channel,,,1,,,\n"
        "01/11/2026,phone,hospital,negative,Unknown service,Nowhere Clinic,,1,,,\n"
        "01/11/2026,phone,hospital,negative,Unknown theme,,Teleportation,1,,,\n"
        "01/11/2026,phone,hospital,negative,,,,1,,,\n"
        "01/11/2026,phone,hospital,negative,Dup ref,,,1,CRM-1,,\n"
        "01/11/2026,phone,hospital,negative,Old ref,,,1,CRM-OLD,,\n"
        "01/11/2026,phone,hospital,negative,Fine row,,,1,,,\n"
        "01/11/2026,phone,hospital\n"
        "01/01/2027,phone,hospital,negative,Future,,,1,,,\n"
        "01/11/2026,phone,hospital,negative,Severity,,,9,,,\n"
    )
    job = upload(
        login(world.officer),
        world,
        (HEADER + rows).encode(),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.state == "invalid"
    report = {(row, column): message for row, column, message in job.errors}
    assert "must be a real date" in report[(3, "date_received")]
    assert "Channel ‘carrier pigeon’ is not one of" in report[(4, "channel")]
    assert "No service called ‘Nowhere Clinic’" in report[(5, "service")]
    assert "No theme called ‘Teleportation’" in report[(6, "themes")]
    assert report[(7, "narrative")] == "Enter what happened"
    assert "also on row 2" in report[(8, "external_ref")]
    assert "already been imported" in report[(9, "external_ref")]
    assert report[(10, "")] == "This row repeats row 2"
    assert "has 3 cells but the header has 11" in report[(11, "")]
    assert "today or in the past" in report[(12, "date_received")]
    assert "from 0 to 5" in report[(13, "severity")]
    assert Concern.all_objects.count() == 1  # only the one made before the import
    page = login(world.officer).get(reverse("concerns:import-job", args=[world.area.slug, job.pk])).content.decode()
    assert "Nothing was imported" in page and "Nowhere Clinic" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"date_received,channel\n", "missing the columns service_type, sentiment, narrative"),
        ((HEADER + "01/11/2026,phone,hospital,negative,caf\xe9,,,1,,,\n").encode("cp1252"), "not UTF-8"),
        (b"", "The file is empty"),
        (HEADER.encode(), "no experiences"),
        (
            (HEADER + "01/11/2026,phone,hospital,negative,a\x00b,,,1,,,\n").encode(),
            "Narrative contains a hidden null character",
        ),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_unreadable_files_get_a_clear_message(world, login, django_capture_on_commit_callbacks, content, message):
    client = login(world.officer)
    if not content:
        response = client.post(
            reverse("concerns:import", args=[world.area.slug]),
            {"file": SimpleUploadedFile("empty.csv", b"", content_type="text/csv")},
        )
        assert "The selected file is empty" in response.content.decode()
        return
    job = upload(client, world, content, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "invalid"
    assert message in job.failure + " ".join(m for _, _, m in job.errors)


def test_only_csv_and_excel_files_under_100_mb_are_accepted(world, login, settings):
    client = login(world.officer)
    response = client.post(
        reverse("concerns:import", args=[world.area.slug]), {"file": SimpleUploadedFile("x.ods", b"data")}
    )
    assert "The selected file must be a CSV (.csv) or an Excel workbook (.xlsx)" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10
    response = client.post(
        reverse("concerns:import", args=[world.area.slug]),
        {"file": SimpleUploadedFile("x.csv", HEADER.encode())},
    )
    assert "must be smaller than 100 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


# ---------------------------------------------------------------- trends


def test_the_trend_job_finds_a_rise_once_and_links_to_the_concerns(world, login):
    for month in range(1, 11):
        for _ in range(4 if month < 10 else 14):
            make_concern(world, received_on=datetime.date(2026, month, 5))
    today = datetime.date(2026, 11, 3)
    assert trend_signals_detect(locality=world.area, today=today) == 2  # the theme and the service
    assert trend_signals_detect(locality=world.area, today=today) == 0  # a second run adds nothing
    signal = TrendSignal.all_objects.get(kind="theme")
    assert (signal.month, signal.count, signal.theme.name) == (
        datetime.date(2026, 10, 1),
        14,
        "Waiting times",
    )
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        page = login(world.read_only).get(reverse("concerns:trends", args=[world.area.slug])).content.decode()
    assert "Theme: Waiting times in October 2026" in html.unescape(page)
    link = (
        f"theme={signal.theme_id}&amp;received_from_1=10&amp;received_from_2=2026"
        "&amp;received_to_1=10&amp;received_to_2=2026"
    )
    assert link in page


def test_steady_counts_raise_no_signal(world):
    for month in range(1, 11):
        for _ in range(4 + month % 2):
            make_concern(world, received_on=datetime.date(2026, month, 5))
    assert trend_signals_detect(locality=world.area, today=datetime.date(2026, 11, 3)) == 0


def test_the_trends_page_compares_periods(world, login):
    for day in (1, 2, 3):
        make_concern(world, received_on=datetime.date(2026, 10, day))
    make_concern(world, received_on=datetime.date(2026, 7, 1))
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        page = (
            login(world.read_only)
            .get(reverse("concerns:trends", args=[world.area.slug]), {"period": 3})
            .content.decode()
        )
        assert "up 200%" in page
        assert (
            login(world.read_only).get(reverse("concerns:trends", args=[world.area.slug]), {"period": 5}).status_code
            == 404
        )


@time_machine.travel(TODAY, tick=False)
def test_details_typed_without_asking_to_be_contacted_are_not_kept(client, world):
    share(client, world, name="Sam NoConsent", email="sam@example.com", consent_to_share="on")
    assert not ConcernContact.all_objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_form_with_mistakes_does_not_use_up_the_limit(client, world, settings):
    settings.PUBLIC_FORM_RATE = "2/h"
    for _ in range(5):
        assert share(client, world, narrative="").status_code == 400
    assert share(client, world).status_code == 302
    assert share(client, world).status_code == 302
    limited = share(client, world, narrative="My third story")
    assert limited.status_code == 429
    assert "My third story" in limited.content.decode()  # shown back so it is not lost


@time_machine.travel(TODAY, tick=False)
def test_personal_details_in_an_import_are_checked(world, login, django_capture_on_commit_callbacks):
    rows = (
        "01/11/2026,phone,hospital,negative,One,,,1,,Jo,not-an-email\n"
        f"01/11/2026,phone,hospital,negative,Two,,,1,,{'x' * 151},\n"
    )
    header = HEADER.replace("email\n", "email,consent_to_contact\n")
    rows += "01/11/2026,phone,hospital,negative,Three,,,1,,Jo,,yes\n"
    rows = rows.replace("not-an-email\n", "not-an-email,\n").replace(
        ",,\n01/11/2026,phone,hospital,negative,Three", ",,\n01/11/2026,phone,hospital,negative,Three"
    )
    rows = rows.replace(f"{'x' * 151},\n", f"{'x' * 151},,\n")
    job = upload(
        login(world.officer),
        world,
        (header + rows).encode(),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    report = {(row, column): message for row, column, message in job.errors}
    assert "must be in the correct format" in report[(2, "email")]
    assert "150 characters or fewer" in report[(3, "name")]
    assert "no email address or phone number" in report[(4, "consent_to_contact")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date_received;channel;service_type;sentiment;narrative\n", "semicolons between columns"),
        ("date_received,channel,service_type,sentiment,narrative,narrative\n", "narrative more than once"),
        (HEADER + '01/11/2026,phone,hospital,negative,"never closed,,,1,,,\n', "opened but not closed"),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_badly_shaped_files_are_explained(world, login, django_capture_on_commit_callbacks, content, message):
    job = upload(
        login(world.officer),
        world,
        content.encode(),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.state == "invalid" and message in job.failure


@time_machine.travel(TODAY, tick=False)
def test_an_export_can_be_imported_again(world, login, django_capture_on_commit_callbacks):
    """Untouched, it changes nothing; its references name the experiences it holds (more in
    tests/test_import_export_round_trip.py)."""
    make_concern(world, narrative="Exported story, with a comma", external_ref="EXP-1")
    client = login(world.officer)
    exported = b"".join(client.get(reverse("concerns:export", args=[world.area.slug])).streaming_content)
    job = upload(client, world, exported, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.errors, job.imported_rows, job.unchanged_rows) == ("ready", [], 0, 1)


@time_machine.travel(TODAY, tick=False)
def test_the_template_from_the_import_page_imports_unchanged(world, login, django_capture_on_commit_callbacks):
    """A new user downloads the template through the page's link and uploads it as it is."""
    client = login(world.officer)
    page = client.get(reverse("concerns:import", args=[world.area.slug])).content.decode()
    link = re.search(r'href="([^"]*)"[^>]*>Download the template', page)
    assert link, "the import page links to the template"
    response = client.get(html.unescape(link.group(1)))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    template = response.content
    job = upload(client, world, template, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.failure, job.errors, job.error_count) == ("ready", "", [], 0)
    assert (
        "ready to import" in client.get(reverse("concerns:import-job", args=[world.area.slug, job.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concerns:import-run", args=[world.area.slug, job.pk]))
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == ("done", 1)
    concern = Concern.all_objects.get()
    assert (concern.external_ref, concern.service.name) == ("CRM-1001", "Testshire Hospitals NHS Trust")
    assert concern.themes.count() == 2  # the example names this area's own service and themes
    header = template.decode().splitlines()[0]
    assert "shareable_summary" not in header and "shared_online_by_public" not in header


@time_machine.travel(TODAY, tick=False)
def test_the_report_counts_the_rows_with_problems_apart_from_the_problems(
    world, login, django_capture_on_commit_callbacks
):
    """Five rows, two of them wrong (one in two ways): three problems in two rows, not "in five"."""
    rows = (
        "01/11/2026,phone,hospital,negative,Fine one,,,1,,,\n"
        "31/02/2026,carrier pigeon,hospital,negative,Two problems,,,1,,,\n"
        "01/11/2026,phone,hospital,negative,Fine two,,,1,,,\n"
        "01/11/2026,phone,hospital,negative,,,,1,,,\n"
        "01/11/2026,phone,hospital,negative,Fine three,,,1,,,\n"
    )
    client = login(world.officer)
    job = upload(
        client, world, (HEADER + rows).encode(), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert (job.state, job.error_count, job.error_rows, job.total_rows) == ("invalid", 3, 2, 5), job.errors
    page = html.unescape(client.get(reverse("concerns:import-job", args=[world.area.slug, job.pk])).content.decode())
    assert "3 problems in 2 of the 5 rows" in page


def test_the_front_door_leads_a_visitor_to_share_an_experience_and_to_what_was_done(world, client):
    from tests.factories import LocalityFactory

    LocalityFactory(name="Nohealthwatchshire", slug="nohealthwatchshire")
    page = html.unescape(client.get("/").content.decode())
    share_link = reverse("share", args=[world.area.slug])
    assert f'href="{share_link}"' in page and "Share your experience of health and care in Testshire" in page
    assert f'href="{reverse("public-reports", args=[world.area.slug])}"' in page
    assert client.get(share_link).status_code == 200
    # An area where no body holds the local Healthwatch function has nobody to collect what is shared.
    assert reverse("share", args=["nohealthwatchshire"]) not in page
    assert f'href="{reverse("public-reports", args=["nohealthwatchshire"])}"' in page
