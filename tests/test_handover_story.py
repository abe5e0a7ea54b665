"""Issue 17, done means, on the demo: after Northmoor's planned handover has run (time moved
forward), the ICB officer sees the health part's experiences without names until Healthwatch
Northmoor's own administrator records the transfer, then sees them; the council's administrator
cannot record it; the board's dashboard flags the ICB alerting itself; the person who asked to
hear back gets exactly one email; the closing report's figures open their records."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agencies import handover_services
from agencies.handover_models import HandoverPlan
from agencies.models import Body, User
from agencies.outbox_models import Notification
from concerns import holder_news
from concerns.models import Concern

ICB = "NHS Northmoor and Eastvale Integrated Care Board"


@pytest.fixture
def after_handover(db):
    with override_settings(DEBUG=True):
        call_command("seed_demo")
    plan = HandoverPlan.objects.get(locality__slug="northmoor")
    with time_machine.travel(datetime.datetime.combine(plan.takes_effect_on, datetime.time(0, 10)), tick=False):
        assert handover_services.handovers_run() == 1
    with time_machine.travel(datetime.datetime.combine(plan.takes_effect_on, datetime.time(11, 0)), tick=False):
        yield plan


def person(local: str) -> User:
    return User.objects.get(email=f"{local}@demo.example")


def test_names_reach_the_icb_only_once_healthwatchs_own_administrator_records_the_transfer(after_handover, client):
    healthwatch = Body.objects.get(name="Healthwatch Northmoor")
    icb = Body.objects.get(name=ICB)
    concern = (
        Concern.all_objects.filter(
            locality__slug="northmoor", collecting_body=healthwatch, safeguarding=False, contact__isnull=False
        )
        .filter(service__service_type="hospital", status="reviewed")
        .order_by("pk")
        .first()
    )
    assert concern is not None
    personal = reverse("concerns:personal", args=["northmoor", concern.pk])
    detail = reverse("concerns:detail", args=["northmoor", concern.pk])
    transfer = reverse("concerns:details-transfer", args=["northmoor", healthwatch.pk])

    client.force_login(person("icb.officer"))
    assert client.get(detail).status_code == 200  # the experience, de-identified
    assert client.get(personal).status_code == 404  # sealed

    client.force_login(person("admin"))  # the council's administrator: not the data controller
    assert client.post(transfer, {"to_body": icb.pk, "scheme_reference": "TS 2027/14"}).status_code == 403

    client.force_login(person("healthwatch.admin"))
    response = client.post(
        transfer,
        {"to_body": icb.pk, "scheme_reference": "TS 2027/14", "privacy_notice": "Published on our website."},
    )
    assert response.status_code == 302

    client.force_login(person("icb.officer"))
    assert client.get(personal).status_code == 200


def test_the_dashboard_flags_the_icb_alerting_itself(after_handover, client):
    client.force_login(person("hwb.chair"))
    page = client.get(reverse("reports:dashboard", args=["northmoor"])).content.decode()
    assert "Where independent challenge is lost" in page
    section = page.split("Where independent challenge is lost", 1)[1]
    assert ICB in section


def test_the_person_who_asked_to_hear_back_is_told_once(after_handover):
    sent = Notification.objects.filter(kind="person-new-holder")
    assert holder_news.tell_recent() == 1
    assert holder_news.tell_recent() == 0
    assert sent.count() == 1


def test_the_closing_report_figures_open_their_records(after_handover, client):
    client.force_login(person("healthwatch.officer"))
    page = client.get(reverse("reports:closing-report", args=["northmoor", after_handover.pk]))
    assert page.status_code == 200
    links = re.findall(r'href="(/areas/northmoor/[^"#]+)"', page.content.decode())
    assert any("/concerns/" in link for link in links)
    for link in set(links):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
