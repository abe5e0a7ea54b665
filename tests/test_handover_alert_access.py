"""Access to alerts follows the holding: from the handover's date the successor holding a part of
local Healthwatch sees and manages the open alerts that moved to it; the old Healthwatch's people
no longer manage them but still read them as history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from agencies import handover_services
from agencies.models import Role
from concerns.models import AlertRecipient
from tests.factories import MembershipFactory, UserFactory
from tests.test_handover import ON, make_plan, open_work

EVE = ON - datetime.timedelta(days=1)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def council_officer(world):
    return MembershipFactory(body=world.council, role=Role.OFFICER, user=UserFactory(full_name="Cal Council")).user


def raised_box(client, user, world) -> str:
    client.force_login(user)
    return client.get(reverse("concerns:alerts", args=[world.area.slug]) + "?box=raised").content.decode()


def alert_page(client, user, world, alert):
    client.force_login(user)
    return client.get(reverse("concerns:alert-detail", args=[world.area.slug, alert.pk]))


def test_the_successor_sees_and_manages_the_alerts_it_raised_only_from_the_date(client, world, council_officer):
    work = open_work(world)
    make_plan(world)
    care = work["care_alert"]
    with at(EVE):
        assert handover_services.handovers_run(EVE) == 0
        assert alert_page(client, council_officer, world, care).status_code == 404
        assert care.summary not in raised_box(client, council_officer, world)
        assert care.summary in raised_box(client, world.officer, world)
    with at(ON):
        assert handover_services.handovers_run(ON) == 1
        assert alert_page(client, council_officer, world, care).status_code == 200
        assert care.summary in raised_box(client, council_officer, world)
        # The old Healthwatch no longer counts it among the alerts it raised.
        assert care.summary not in raised_box(client, world.officer, world)


def test_the_old_healthwatch_reads_moved_alerts_as_history_but_cannot_answer_them(client, world):
    work = open_work(world)
    make_plan(world)
    received = work["received"]
    with at(ON):
        handover_services.handovers_run(ON)
        recipient = AlertRecipient.objects.get(alert=received, body=world.icb)
        page = alert_page(client, world.officer, world, received)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Received by Healthwatch Testshire until 31 March 2027" in text
        assert "Acknowledge<span" not in text
        ack = reverse("concerns:alert-acknowledge", args=[world.area.slug, received.pk, recipient.pk])
        assert client.post(ack).status_code == 403
        respond = reverse("concerns:alert-respond-in-app", args=[world.area.slug, received.pk, recipient.pk])
        assert client.get(respond).status_code == 403
        raised = alert_page(client, world.officer, world, work["care_alert"])
        assert raised.status_code == 200
        assert "Raised by Healthwatch Testshire until 31 March 2027, then by" in raised.content.decode()
        # The successor answers it, from the date.
        client.force_login(world.icb_officer)
        assert "Acknowledge<span" in alert_page(client, world.icb_officer, world, received).content.decode()
        assert client.post(ack).status_code == 302
        recipient.refresh_from_db()
        assert recipient.state == AlertRecipient.State.ACKNOWLEDGED


def test_people_of_the_old_healthwatch_who_never_could_read_an_alert_still_cannot(client, world):
    """History is for the bodies that were party to the alert, not for everyone in the area."""
    work = open_work(world)
    make_plan(world)
    with at(ON):
        handover_services.handovers_run(ON)
        assert alert_page(client, world.outsider, world, work["care_alert"]).status_code == 404
