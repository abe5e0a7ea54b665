"""Explained to everyone (issue 17, item 3): from the day a handover is planned the board's
dashboard, the quality-system page and the public front door say who carries out each part from
the date; people who asked to hear back are told once, by email, who now holds their record and
what happens to their details (never for a safeguarding concern without staff's say)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from agencies import handover_services
from agencies.models import Role
from agencies.outbox_models import Notification
from concerns import holder_news, people_updates, seal_services
from concerns import services as concern_services
from concerns.models import Concern
from tests.conftest import make_concern
from tests.factories import MembershipFactory, UserFactory
from tests.test_handover import ON, make_plan

HEALTH = "From 1 April 2027 Healthwatch Testshire's health functions are carried out by NHS Testshire ICB."
CARE = "From 1 April 2027 Healthwatch Testshire's social care functions are carried out by Testshire Council."


def pages(client, w):
    client.force_login(w.owner)
    signed_in = [
        client.get(reverse("reports:dashboard", args=[w.area.slug])),
        client.get(reverse("agencies:quality-system", args=[w.area.slug])),
    ]
    public = Client()
    return signed_in + [
        public.get(reverse("public-told-us", args=[w.area.slug])),
        public.get(reverse("public-reports", args=[w.area.slug])),
        public.get("/"),  # the public front door, each area's card
    ]


def test_from_the_day_the_plan_is_made_every_page_says_who_carries_out_each_part(client, world):
    for page in pages(client, world):
        assert "functions are carried out by" not in page.content.decode()
    plan = make_plan(world)
    for page in pages(client, world):
        text = page.content.decode().replace("&#x27;", "'")
        assert page.status_code == 200 and HEALTH in text and CARE in text
    handover_services.handover_plan_cancel(plan=plan, user=world.owner)
    for page in pages(client, world):
        assert "functions are carried out by" not in page.content.decode()


def asked_to_hear_back(w, safeguarding=False) -> Concern:
    concern = make_concern(w)
    Concern.all_objects.filter(pk=concern.pk).update(safeguarding=safeguarding)
    concern.refresh_from_db()
    concern_services.personal_details_update(
        user=w.officer, concern=concern, details={"name": "Pat Person", "email": "pat@example.org"}
    )
    people_updates.wish_record(concern=concern, wants=True)
    return concern


def new_holder_emails():
    return Notification.objects.filter(kind="person-new-holder")


def test_a_person_who_asked_to_hear_back_is_told_once_and_a_second_email_is_never_sent(world):
    asked_to_hear_back(world)
    plan = make_plan(world)
    assert holder_news.tell_recent() == 0  # not before the move
    assert handover_services.handovers_run(ON) == 1
    assert holder_news.tell_recent() == 1
    assert holder_news.tell_recent() == 0  # a rerun: none sent
    assert holder_news.tell_plan(plan) == 0
    email = new_holder_emails().get()
    assert email.to_email == "pat@example.org" and email.subject == "Your experience has a new record holder"
    assert "NHS Testshire ICB now holds the record of your experience" in email.body
    assert "Your details are kept sealed" in email.body and "Pat Person" not in email.body


def test_the_email_names_the_scheme_when_the_details_were_transferred(world):
    asked_to_hear_back(world)
    make_plan(world)
    admin = MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR, user=UserFactory()).user
    seal_services.transfer_record(
        user=admin,
        locality=world.area,
        from_body=world.healthwatch,
        to_body=world.icb,
        scheme_reference="Transfer scheme 2027/14",
        privacy_notice="Our privacy notice explains how the ICB uses your details.",
    )
    handover_services.handovers_run(ON)
    holder_news.tell_recent()
    assert "passed to NHS Testshire ICB under Transfer scheme 2027/14" in new_holder_emails().get().body


def test_a_safeguarding_concern_is_never_told_unless_staff_allow_it(world):
    concern = asked_to_hear_back(world, safeguarding=True)
    plan = make_plan(world)
    handover_services.handovers_run(ON)
    assert holder_news.tell_recent() == 0 and not new_holder_emails().exists()
    assert holder_news.withheld(world.area) == [concern]
    people_updates.safeguarding_allow(concern=concern, user=world.officer, allow=True)
    assert holder_news.tell_plan(plan) == 1
    assert holder_news.withheld(world.area) == []


def test_the_job_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "concerns.tasks.tell_new_record_holders" in tasks


def test_withheld_safeguarding_experiences_are_listed_for_the_areas_administrators(client, world):
    concern = asked_to_hear_back(world, safeguarding=True)
    client.force_login(world.owner)
    page = client.get(reverse("concerns:seals", args=[world.area.slug]))
    assert concern.reference in page.content.decode()
