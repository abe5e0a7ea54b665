"""The demo's planned handover (issue 16 item 5): a newcomer previews Northmoor's handover of
local Healthwatch, an administrator overrides two records' parts, time moves to the date, and
every count in the preview is what moved, each record with its successor and its deadline."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agencies import handover, handover_services
from agencies.handover_models import CustodyChange, HandoverPlan
from agencies.models import Body, FunctionHolding, User
from concerns.models import Alert, AlertRecipient
from reports.models import EvidenceRequest, Recommendation, Report, Review

ICB = "NHS Northmoor and Eastvale Integrated Care Board"
COUNCIL = "Northmoor County Council"
HOLDER = {  # each moving kind: its model and the field naming its holder
    "alert-raised": (Alert.all_objects, "raised_by_body_id"),
    "alert-received": (AlertRecipient.objects, "body_id"),
    "review": (Review.objects, "lead_body_id"),
    "evidence-request": (EvidenceRequest.objects, "to_body_id"),
    "report": (Report.objects, "issuing_body_id"),
}


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("seed_demo")


def due_dates(plan_lines) -> dict:
    """Every deadline the moving records carry, read from the database."""
    dates = {}
    for kind, line in plan_lines:
        if kind.code == "alert-received":
            dates[(kind.code, line.record.pk)] = AlertRecipient.objects.get(pk=line.record.pk).due_on
        elif kind.code == "evidence-request":
            dates[(kind.code, line.record.pk)] = EvidenceRequest.objects.get(pk=line.record.pk).due_on
        elif kind.code == "report":
            dates[(kind.code, line.record.pk)] = sorted(
                Recommendation.objects.filter(report_id=line.record.pk).values_list("pk", "due_on")
            )
    return dates


def test_the_demo_handover_previews_and_then_moves_exactly_what_it_counted(demo, client):
    plan = HandoverPlan.objects.get(locality__slug="northmoor")
    assert plan.takes_effect_on.month == 4 and plan.takes_effect_on.day == 1
    admin = User.objects.get(email="admin@demo.example")
    client.force_login(admin)
    preview = client.get(reverse("agencies:handover", args=["northmoor", plan.pk]))
    assert preview.status_code == 200 and "Health part" in preview.content.decode()
    healthwatch = Body.objects.get(name="Healthwatch Northmoor")
    # The newcomer sees the old Healthwatch officer cannot open it.
    client.force_login(User.objects.get(email="healthwatch.officer@demo.example"))
    assert client.get(reverse("agencies:handover", args=["northmoor", plan.pk])).status_code == 403

    selection = handover.select(plan)
    lines = list(selection.moving_lines())
    assert {k.code for k, _ in lines} >= {"alert-raised", "review", "evidence-request"}
    client.force_login(admin)
    social = next(p.part for p in selection.parts if p.part.code == "social_care")
    overridden = [(kind.code, line.record.pk) for kind, line in lines[:2]]  # two records to social care
    for code, pk in overridden:
        url = reverse("agencies:handover-record", args=["northmoor", plan.pk, code, pk])
        assert client.post(url, {"part": social.pk}).status_code == 302
    selection = handover.select(plan)
    lines = list(selection.moving_lines())
    counts = selection.counts()
    successor_of = {(k.code, ln.record.pk): ln.to_body.pk for k, ln in lines}
    assert [successor_of[key] for key in overridden] == [Body.objects.get(name=COUNCIL).pk] * 2
    before = due_dates(lines)

    with time_machine.travel(datetime.datetime.combine(plan.takes_effect_on, datetime.time(0, 10)), tick=False):
        assert handover_services.handovers_run() == 1
        assert handover_services.handovers_run() == 0

    plan.refresh_from_db()
    assert plan.state == HandoverPlan.State.DONE and plan.moved == counts
    moved = CustodyChange.objects.filter(plan=plan)
    assert moved.count() == len(lines)
    for code in {k.code for k, _ in lines}:
        assert moved.filter(kind=code).count() == len([1 for k, _ in lines if k.code == code])
    for (code, pk), successor in successor_of.items():
        manager, field = HOLDER[code]
        assert manager.filter(pk=pk).values_list(field, flat=True).get() == successor
        assert moved.get(kind=code, record_id=pk).from_body == healthwatch
    assert due_dates(lines) == before  # every clock still running from its original date
    on = plan.takes_effect_on
    holders = FunctionHolding.objects.filter(locality__slug="northmoor", function__code="local_healthwatch")
    assert holders.get(body=healthwatch).ends_on == on - datetime.timedelta(days=1)
    assert {(h.body.name, h.part.code) for h in holders.filter(starts_on=on)} == {
        (ICB, "health"),
        (COUNCIL, "social_care"),
    }


def test_after_the_handover_access_follows_the_parts_held(demo, client):
    """Done means (issue 16): from the date the ICB officer lands on the health part's work and
    the old Healthwatch officer's seat no longer carries the function (no Healthwatch landing,
    no new experiences logged)."""
    plan = HandoverPlan.objects.get(locality__slug="northmoor")
    healthwatch_home = reverse("reports:healthwatch-home", args=["northmoor"])
    icb_officer = User.objects.get(email="icb.officer@demo.example")
    hw_officer = User.objects.get(email="healthwatch.officer@demo.example")
    client.force_login(icb_officer)
    assert healthwatch_home not in client.get("/").content.decode()  # before: not its work
    with time_machine.travel(datetime.datetime.combine(plan.takes_effect_on, datetime.time(0, 10)), tick=False):
        assert handover_services.handovers_run() == 1
    the_day_after = datetime.datetime.combine(plan.takes_effect_on, datetime.time(9, 0))
    with time_machine.travel(the_day_after, tick=False):
        client.force_login(icb_officer)  # a new session: the first has expired by April
        assert healthwatch_home in client.get("/").content.decode()
        assert client.get(healthwatch_home).status_code == 200
        moved_alert = CustodyChange.objects.filter(plan=plan, kind="alert-raised", part__code="health").first()
        assert moved_alert is not None, "the demo's handover moves an alert Healthwatch raised about health"
        alert = Alert.all_objects.get(pk=moved_alert.record_id)
        assert client.get(reverse("concerns:alert-detail", args=["northmoor", alert.pk])).status_code == 200
        client.force_login(hw_officer)
        assert healthwatch_home not in client.get("/").content.decode()
        assert client.get(reverse("concerns:create", args=["northmoor"])).status_code in (403, 404)
