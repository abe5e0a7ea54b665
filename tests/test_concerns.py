"""Healthwatch staff log, find and work experiences; personal details stay with them."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from agencies.models import Role
from concerns.models import Concern, ConcernContact, ConcernTheme, PersonalDataAccess, Theme
from tests.conftest import make_concern
from tests.factories import MembershipFactory

TODAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)


def url(name, world, **kwargs):
    return reverse(name, kwargs={"slug": world.area.slug, **kwargs})


def form_data(world, **overrides):
    waiting = Theme.all_objects.get(locality=world.area, name="Waiting times")
    data = {
        "received_on_0": "20",
        "received_on_1": "11",
        "received_on_2": "2026",
        "channel": "phone",
        "source_body": "",
        "service": world.trust.pk,
        "service_type": "",
        "themes": [waiting.pk],
        "sentiment": "negative",
        "severity": "3",
        "narrative": "Waited nine hours on a trolley.",
        "status": "reviewed",
        "closed_reason": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(TODAY, tick=False)
def test_a_healthwatch_officer_logs_an_experience_and_sees_it(world, login):
    client = login(world.officer)
    response = client.post(url("concerns:create", world), form_data(world))
    assert response.status_code == 302
    concern = Concern.all_objects.get()
    assert concern.collecting_body == world.healthwatch
    assert concern.service_type == "hospital"  # taken from the service when left blank
    assert [t.name for t in concern.themes.all()] == ["Waiting times"]
    page = client.get(response["Location"]).content.decode()
    detail = reverse("concerns:detail", args=[world.area.slug, concern.pk])
    assert (
        f'Experience <a class="govuk-notification-banner__link" href="{detail}">{concern.reference}</a> saved.' in page
    )
    assert "Waited nine hours on a trolley." in page


@time_machine.travel(TODAY, tick=False)
def test_save_and_log_another_returns_to_an_empty_form(world, login):
    client = login(world.officer)
    response = client.post(url("concerns:create", world), {**form_data(world), "another": "1"})
    assert response["Location"] == url("concerns:create", world)
    saved = Concern.all_objects.get()
    page = client.get(response["Location"]).content.decode()  # the empty form: the banner leads back
    assert f'href="{reverse("concerns:detail", args=[world.area.slug, saved.pk])}">{saved.reference}</a> saved.' in page


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"narrative": ""}, "Enter what happened"),
        ({"narrative": "x" * 10_001}, "What happened must be 10,000 characters or fewer"),
        (
            {"received_on_0": "1", "received_on_1": "1", "received_on_2": "2027"},
            "must be today or in the past",
        ),
        ({"service": "999999"}, "Select service it is about from the list"),
        ({"sentiment": ""}, "Select whether the experience was positive, negative, mixed or neutral"),
        ({"severity": "9"}, "Select severity from the list"),
        ({"status": "closed"}, "Enter why the concern is closed"),
        ({"narrative": "Fine\u202eevil"}, "hidden characters that change the direction of text"),
        ({"narrative": "nul\x00byte"}, "contains a hidden null character. Remove it and try again"),
        ({"service": "", "service_type": ""}, "Select the type of service"),
    ],
)
def test_bad_experiences_are_explained_and_nothing_is_saved(world, login, overrides, message):
    response = login(world.officer).post(url("concerns:create", world), form_data(world, **overrides))
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Concern.all_objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_html_in_a_narrative_is_stored_as_typed_and_escaped(world, login):
    client = login(world.officer)
    client.post(url("concerns:create", world), form_data(world, narrative="<script>alert('x')</script> bad"))
    concern = Concern.all_objects.get()
    assert concern.narrative == "<script>alert('x')</script> bad"
    page = client.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;" in page


@time_machine.travel(TODAY, tick=False)
def test_zero_width_joiners_in_emoji_are_kept(world, login):
    family = "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 visit"
    login(world.officer).post(url("concerns:create", world), form_data(world, narrative=family))
    assert Concern.all_objects.get().narrative == family


def test_only_staff_of_a_body_holding_the_healthwatch_function_can_log(world, login):
    assert login(world.owner).get(url("concerns:create", world)).status_code == 403
    hw_reader = MembershipFactory(body=world.healthwatch, role=Role.READ_ONLY).user
    assert login(hw_reader).get(url("concerns:create", world)).status_code == 403


def test_when_the_function_moves_to_the_council_its_staff_log_instead(world, login):
    from agencies import services
    from agencies.models import Function

    with time_machine.travel(datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)):
        services.function_assign(
            function=Function.objects.get(code="local_healthwatch"),
            body=world.council,
            starts_on=datetime.date(2027, 4, 1),
        )
    council_officer = MembershipFactory(body=world.council, role=Role.OFFICER).user
    with time_machine.travel(datetime.datetime(2027, 4, 2, tzinfo=datetime.UTC)):
        assert login(council_officer).get(url("concerns:create", world)).status_code == 200
        assert login(world.officer).get(url("concerns:create", world)).status_code == 403


def test_other_bodies_see_reviewed_concerns_without_personal_details(world, login):
    concern = make_concern(world)
    client = login(world.read_only)
    page = client.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    assert "Waited six hours" not in page  # the narrative stays with Healthwatch
    assert "No shareable summary yet" in page
    assert "Pat Patient" not in page
    assert "Show personal details" not in page
    assert client.get(url("concerns:personal", world, pk=concern.pk)).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_new_concerns_are_hidden_from_other_bodies_until_reviewed(world, login):
    concern = make_concern(world, status="new")
    assert login(world.read_only).get(url("concerns:detail", world, pk=concern.pk)).status_code == 404
    assert login(world.officer).get(url("concerns:detail", world, pk=concern.pk)).status_code == 200


def test_every_view_of_personal_details_is_logged(world, login):
    concern = make_concern(world)
    client = login(world.officer)
    page = client.get(url("concerns:personal", world, pk=concern.pk)).content.decode()
    assert "Pat Patient" in page and "pat@example.com" in page
    client.get(url("concerns:personal", world, pk=concern.pk))
    log = list(PersonalDataAccess.objects.values_list("user", "concern", "action"))
    assert log == [(world.officer.pk, concern.pk, "view")] * 2
    page = login(world.owner).get(url("concerns:access-log", world)).content.decode()
    assert page.count("Oscar Officer") == 2 and concern.reference in page


def test_outsiders_reach_no_concern(world, login):
    concern = make_concern(world)
    client = login(world.outsider)
    for name in ("concerns:detail", "concerns:personal", "concerns:edit"):
        assert client.get(url(name, world, pk=concern.pk)).status_code == 404


def test_changing_a_concern_keeps_its_history(world, login):
    concern = make_concern(world)
    client = login(world.officer)
    data = form_data(world, narrative="Waited six hours in A&E, then sent home.", status="escalated")
    data.update(received_on_0="1", received_on_1="10", received_on_2="2026")
    assert client.post(url("concerns:edit", world, pk=concern.pk), data).status_code == 302
    page = client.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    assert "Escalated" in page
    history = page[page.index("History of changes") :]
    assert "Logged" in history and "narrative" in history.lower() and "status" in history.lower()


def test_personal_details_consent_needs_a_way_to_contact(world, login):
    concern = make_concern(world)
    response = login(world.officer).post(
        url("concerns:personal-edit", world, pk=concern.pk), {"name": "Pat", "consent_to_contact": "on"}
    )
    assert response.status_code == 400
    assert "Enter an email address or phone number" in response.content.decode()
    assert ConcernContact.all_objects.get(concern=concern).email == "pat@example.com"  # unchanged


def list_page(client, world, **params):
    return client.get(url("concerns:index", world), params).content.decode()


def test_the_list_filters_by_theme_severity_and_text(world, login):
    make_concern(world, narrative="Rude receptionist at the front desk", severity=1)
    make_concern(world, narrative="Six hour wait for a scan", severity=4)
    client = login(world.officer)
    waiting = Theme.all_objects.get(locality=world.area, name="Waiting times")
    assert "Six hour wait" in list_page(client, world, severity=4)
    assert "Rude receptionist" not in list_page(client, world, severity=4)
    assert "Rude receptionist" in list_page(client, world, q="receptionist")
    assert "Six hour wait" not in list_page(client, world, q="receptionist")
    assert "2 experiences" in list_page(client, world, theme=waiting.pk)


def every_page(client, world, **params):
    """The stories on each page of the list, following "Older experiences" to the end."""
    pages, cursor = [], None
    while True:
        page = list_page(client, world, **params, **({"after": cursor} if cursor else {}))
        pages.append(re.findall(r"Story (\d\d) ", page))
        found = re.search(r'after=([0-9-]+\.[0-9]+)" rel="next"', page)
        if not found:
            return pages
        cursor = found.group(1)


@pytest.mark.parametrize("batches", [(8, 16), (2, 4)])
@pytest.mark.parametrize("sentiment", ["", "positive"])
def test_a_themes_pages_hold_every_tagged_experience_once_in_order(world, login, monkeypatch, sentiment, batches):
    """The theme filter reads the theme's newest tags first, in batches (pages of 5 here): with
    the theme alone the first batch of 8 fills a page; with a sentiment only one in four passes,
    so the next batch is read, and with batches of 2 and 4 the rest is asked for the plain way.
    Every way, the pages are the same."""
    from concerns import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)  # the tags are read first when the count passes it
    monkeypatch.setattr(selectors, "TAG_BATCHES", batches)
    for i in range(24):  # two stories a day; every third has no theme; one in four positive
        concern = make_concern(
            world,
            narrative=f"Story {i:02d} of the waiting room.",
            received_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=i // 2),
            sentiment="positive" if i % 4 == 0 else "negative",
        )
        if i % 3 == 2:
            ConcernTheme.objects.filter(concern=concern).delete()
    waiting = Theme.all_objects.get(locality=world.area, name="Waiting times")
    tagged = [i for i in range(24) if i % 3 != 2 and (not sentiment or i % 4 == 0)]
    filters = {"theme": waiting.pk, **({"sentiment": sentiment} if sentiment else {})}
    pages = every_page(login(world.officer), world, **filters)
    assert [int(story) for page in pages for story in page] == sorted(tagged, reverse=True)
    assert [len(page) for page in pages[:-1]] == [5] * (len(pages) - 1)
    # From a date: the batch starts at the cursor and stops at the date, as the list does.
    filters.update(received_from_0="6", received_from_1="9", received_from_2="2026")
    pages = every_page(login(world.officer), world, **filters)
    assert [int(story) for page in pages for story in page] == [i for i in sorted(tagged, reverse=True) if i >= 10]


def test_a_theme_added_to_a_selection_takes_each_experiences_date_as_it_is_when_saved(world):
    """The selection was read before someone corrected one experience's date: the new tag must
    carry the corrected date (the theme filter orders and narrows by the tags' dates), and the
    history must not bring back the old one."""
    import dataclasses

    from concerns import services

    concern = make_concern(world, narrative="Waited all night for a bed.", received_on=datetime.date(2026, 10, 1))
    selected = list(Concern.all_objects.filter(pk=concern.pk))  # as the selection page read them
    fresh = Concern.all_objects.get(pk=concern.pk)
    details = services.ConcernDetails(
        **{
            f.name: getattr(fresh, f.name)
            for f in dataclasses.fields(services.ConcernDetails)
            if f.name != "themes" and hasattr(fresh, f.name)
        },
        themes=list(fresh.themes.all()),
    )
    services.concern_update(concern=fresh, details=dataclasses.replace(details, received_on=datetime.date(2026, 9, 3)))
    access = Theme.all_objects.get(locality=world.area, name="Access")
    assert services.concerns_theme_add(concerns=selected, theme=access, user=world.officer) == 1
    tag = ConcernTheme.objects.get(concern=concern, theme=access)
    assert tag.received_on == datetime.date(2026, 9, 3)
    concern.refresh_from_db()
    assert concern.received_on == datetime.date(2026, 9, 3)
    assert concern.history.first().received_on == datetime.date(2026, 9, 3)


def test_a_theme_and_dates_find_an_experience_at_its_corrected_date(world, login):
    """The theme filter reads the tags' own copy of the date: a corrected date must move it."""
    concern = make_concern(world, narrative="Waited all night for a bed.", received_on=datetime.date(2026, 10, 1))
    make_concern(world, narrative="Waited a month for a letter.", received_on=datetime.date(2026, 10, 2))
    client = login(world.officer)
    waiting = Theme.all_objects.get(locality=world.area, name="Waiting times")
    data = form_data(world, narrative="Waited all night for a bed.")
    data.update(received_on_0="3", received_on_1="9", received_on_2="2026")
    assert client.post(url("concerns:edit", world, pk=concern.pk), data).status_code == 302
    october = {"received_from_0": "1", "received_from_1": "10", "received_from_2": "2026"}
    page = list_page(client, world, theme=waiting.pk, **october)
    assert "1 experience" in page and "Waited a month for a letter." in page and "all night" not in page
    september = {"received_to_0": "30", "received_to_1": "9", "received_to_2": "2026"}
    page = list_page(client, world, theme=waiting.pk, **september)
    assert "1 experience" in page and "Waited all night for a bed." in page
    # Another theme finds neither; the two filters narrow together.
    other = Theme.all_objects.filter(locality=world.area).exclude(pk=waiting.pk).first()
    assert ">0 experiences</h2>" in list_page(client, world, theme=other.pk, **october)


def test_the_list_pages_by_keyset_without_repeats(world, login):
    for i in range(55):
        make_concern(
            world,
            narrative=f"Story number {i:02d}.",
            received_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
        )
    client = login(world.officer)
    first = list_page(client, world)
    assert "55 experiences" in first and "Story number 54." in first and "Story number 04." not in first
    cursor = first.split("after=")[1].split('"')[0]
    second = list_page(client, world, after=cursor)
    assert "Story number 04." in second and "Story number 05." not in second


def test_a_bad_filter_gets_a_message_not_an_error(world, login):
    response = login(world.officer).get(
        url("concerns:index", world), {"received_from": "2026-05-01", "received_to": "2026-01-01", "after": "junk"}
    )
    assert response.status_code == 400
    assert "The received to date must be the same as or after the received from date" in response.content.decode()


def dated_stories(world):
    for day in (datetime.date(2026, 9, 30), datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)):
        make_concern(world, narrative=f"Story from {day:%-d %B}.", received_on=day)


def test_the_list_filters_by_gov_uk_dates(world, login):
    dated_stories(world)
    client = login(world.officer)
    page = list_page(client, world, received_from_0="1", received_from_1="10", received_from_2="2026")
    assert "2 experiences" in page and "Story from 30 September." not in page
    page = list_page(client, world, received_to_0="30", received_to_1="9", received_to_2="2026")
    assert "1 experience" in page and "Story from 30 September." in page
    # Each date is a GOV.UK date input: a fieldset and legend, with its day, month and year boxes kept.
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Received to</legend>' in page
    assert 'name="received_to_0" type="text" inputmode="numeric" value="30"' in page
    assert 'type="date"' not in page


def test_a_month_and_year_filters_the_whole_month(world, login):
    dated_stories(world)
    page = list_page(
        login(world.officer),
        world,
        received_from_1="10",
        received_from_2="2026",
        received_to_1="10",
        received_to_2="2026",
    )
    assert "2 experiences" in page and "Story from 1 October." in page and "Story from 31 October." in page


def test_old_links_with_iso_dates_still_filter(world, login):
    dated_stories(world)
    page = list_page(login(world.officer), world, received_from="2026-10-01", received_to="2026-10-31")
    assert "2 experiences" in page and "Story from 30 September." not in page
    assert 'name="received_from_0" type="text" inputmode="numeric" value="01"' in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"received_from_0": "3", "received_from_2": "2026"},
            "received_from",
            "The received from date must include a month",
        ),
        ({"received_to_0": "3", "received_to_1": "10"}, "received_to", "The received to date must include a year"),
        (
            {"received_from_0": "31", "received_from_1": "2", "received_from_2": "2026"},
            "received_from",
            "The received from date must be a real date, like 27 3 2026",
        ),
        (
            {"received_from_0": "x", "received_from_1": "2", "received_from_2": "2026"},
            "received_from",
            "The received from date must be a real date, like 27 3 2026",
        ),
        ({"received_to": "not-a-date"}, "received_to", "The received to date must"),
    ],
)
def test_a_bad_date_filter_says_how_to_fix_it_and_keeps_the_list(world, login, params, field, message):
    make_concern(world, narrative="Still listed.")
    response = login(world.officer).get(url("concerns:index", world), params)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "Still listed." in page
    assert f'href="#id_{field}_0"' in page  # the error summary links to the day box


def test_export_has_no_personal_details_unless_asked_and_neutralises_formulas(world, login):
    make_concern(world, narrative='=HYPERLINK("http://evil.example","click")')
    client = login(world.officer)
    plain = b"".join(client.get(url("concerns:export", world)).streaming_content).decode()
    assert "Pat Patient" not in plain and "pat@example.com" not in plain
    assert "'=HYPERLINK" in plain
    assert not PersonalDataAccess.objects.exists()
    personal = b"".join(client.get(url("concerns:export", world), {"personal": "yes"}).streaming_content).decode()
    assert "Pat Patient" in personal
    assert PersonalDataAccess.objects.get().action == "export"


def test_a_reader_asking_for_personal_details_in_an_export_gets_none(world, login):
    make_concern(world)
    data = b"".join(login(world.read_only).get(url("concerns:export", world), {"personal": "yes"}).streaming_content)
    assert b"Pat Patient" not in data and b"email" not in data.split(b"\n")[0]


def test_themes_can_be_renamed_and_retired_without_losing_tags(world, login):
    concern = make_concern(world)
    client = login(world.owner)
    waiting = Theme.all_objects.get(locality=world.area, name="Waiting times")
    response = client.post(url("concerns:theme-edit", world, pk=waiting.pk), {"name": "Waiting", "description": ""})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.name == "Waiting" and not waiting.is_active  # unticked "in use" retires it
    assert list(concern.themes.all()) == [waiting]
    assert "Waiting (retired)" in client.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    duplicate = client.post(url("concerns:theme-create", world), {"name": "access"})
    assert "There is already a theme called ‘access’" in duplicate.content.decode()


def test_service_names_are_escaped_in_the_filter_list(world, login):
    from tests.factories import BodyFactory

    BodyFactory(locality=world.area, name='<img src=x onerror="alert(1)">', kind="provider", service_type="gp")
    page = login(world.officer).get(url("concerns:index", world)).content.decode()
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_an_upload_still_answers_when_the_queue_is_down(world, login, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from concerns import tasks
    from concerns.models import ImportJob

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is not answering")

    monkeypatch.setattr(tasks.check_import, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.officer).post(
            url("concerns:import", world), {"file": SimpleUploadedFile("a.csv", b"date_received\n")}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == "validating"  # kept, for the sweep to pick up

    monkeypatch.undo()
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=11)):
        assert tasks.sweep_imports.delay().get() == 1
    job.refresh_from_db()
    assert job.state == "invalid"  # the check ran: the file has no experiences
    assert "missing the columns" in job.failure


def test_severity_is_for_healthwatch_staff_only(world, login):
    concern = make_concern(world, severity=5)
    reader = login(world.read_only)
    assert "out of 5" not in reader.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    assert "Severity" not in reader.get(url("concerns:index", world)).content.decode()
    header = b"".join(reader.get(url("concerns:export", world)).streaming_content).split(b"\n")[0]
    assert b"severity" not in header
    officer = login(world.officer)
    assert "5 out of 5" in officer.get(url("concerns:detail", world, pk=concern.pk)).content.decode()


def test_the_list_filters_by_service(world, login):
    from tests.factories import BodyFactory

    other = BodyFactory(locality=world.area, name="Riverside Surgery", kind="gp_practice", service_type="gp")
    make_concern(world, narrative="About the hospital")
    make_concern(world, narrative="About the surgery", service=other)
    page = list_page(login(world.officer), world, service=other.pk)
    assert "About the surgery" in page and "About the hospital" not in page
    assert "1 experience" in page


def test_volunteers_log_but_do_not_read_personal_details(world, login):
    volunteer = MembershipFactory(body=world.healthwatch, role=Role.MEMBER).user
    concern = make_concern(world)
    client = login(volunteer)
    assert client.get(url("concerns:create", world)).status_code == 200
    assert client.get(url("concerns:personal", world, pk=concern.pk)).status_code == 403
    assert "Show personal details" not in client.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    exported = b"".join(client.get(url("concerns:export", world), {"personal": "yes"}).streaming_content)
    assert b"Pat Patient" not in exported


def test_theme_changes_show_in_the_history_and_an_unchanged_save_adds_nothing(world, login):
    concern = make_concern(world)
    client = login(world.officer)
    access_theme = Theme.all_objects.get(locality=world.area, name="Access")
    data = form_data(world, narrative="Waited six hours in A&E.", themes=[access_theme.pk])
    data.update(received_on_0="1", received_on_1="10", received_on_2="2026", severity="0")
    client.post(url("concerns:edit", world, pk=concern.pk), data)
    client.post(url("concerns:edit", world, pk=concern.pk), data)  # no change the second time
    assert concern.history.count() == 2
    page = client.get(url("concerns:detail", world, pk=concern.pk)).content.decode()
    history = page[page.index("History of changes") :]
    assert "themes" in history.lower()


def test_a_whole_postcode_keeps_only_the_district(world, login):
    concern = make_concern(world)
    client = login(world.officer)
    response = client.post(
        url("concerns:personal-edit", world, pk=concern.pk),
        {
            "name": "Pat",
            "email": "pat@example.com",
            "postcode_district": "nm1 4ab",
            "disability": "Learning disability and autism",
        },
    )
    assert response.status_code == 302
    contact = ConcernContact.all_objects.get(concern=concern)
    assert (contact.postcode_district, contact.disability) == ("NM1", "Learning disability and autism")
    bad = client.post(url("concerns:personal-edit", world, pk=concern.pk), {"postcode_district": "12345"})
    assert "Enter a postcode district like NM1" in bad.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_line_breaks_count_as_one_character_like_the_counter(world, login):
    text = ("a\r\n" * 4999) + "b"  # 14,998 as sent; 9,999 once each line break is one character
    response = login(world.officer).post(url("concerns:create", world), form_data(world, narrative=text))
    assert response.status_code == 302
    assert len(Concern.all_objects.get().narrative) == 9_999
