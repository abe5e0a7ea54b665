"""The audit trail shows every app's changes in the area (each app registers its own history):
alerts and their acknowledgement, recommendations and every state change, responses,
extensions, the board's priorities and referrals, QSG views; with filters by kind of record
and person, and pages of older changes."""

import datetime
import html

import time_machine
from django.urls import reverse

from agencies.audit import audit_trail
from concerns import alerts
from reports.recommendations import services as recs
from tests.conftest import make_alert, make_priority, make_recommendation


def audit(client, world, **params) -> str:
    response = client.get(reverse("agencies:audit", args=[world.area.slug]), params)
    return html.unescape(response.content.decode())


def test_changes_from_every_app_appear_with_who_made_them(world, login):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10), tick=False):
        alert = make_alert(world)
        alerts.alert_acknowledge(recipient=alert.recipients.get(body=world.icb), user=world.icb_officer)
        rec = make_recommendation(world)
        recs.extension_record(
            recommendation=rec,
            new_due_on=datetime.date(2026, 12, 31),
            reason="Board meeting moved",
            agreed_by="Chair",
            user=world.scrutiny_officer,
        )
        make_priority(world)
    page = audit(login(world.owner), world)
    assert f"Created alert: {alert}" in page
    assert "Changed alert acknowledgement" in page
    assert f"Created recommendation: {rec}" in page
    assert f"Created extension: {rec.reference} extended to 2026-12-31" in page
    assert "Created priority: Waiting times in A&E" in page
    assert "Ivy Icb" in page and "Sara Scrutiny" in page and "Bea Board" in page


def test_filters_by_kind_of_record_and_person(world, login):
    make_alert(world)
    make_recommendation(world)  # made by the system (no one signed in)
    login(world.scrutiny_officer).post(
        reverse("reports:review-create", args=[world.area.slug]),
        {"kind": "scrutiny_review", "topic": "Ambulance handovers", "concern_refs": "", "alert_refs": ""},
    )
    client = login(world.owner)
    only_recs = audit(client, world, record="recommendation")
    assert "Created recommendation" in only_recs and "Created alert" not in only_recs
    by_officer = audit(client, world, person=world.scrutiny_officer.pk)
    assert "Created review: Ambulance handovers" in by_officer
    assert "Created recommendation" not in by_officer and "Created alert" not in by_officer
    bad = client.get(reverse("agencies:audit", args=[world.area.slug]), {"record": "nonsense", "person": "x"})
    assert bad.status_code == 400
    text = html.unescape(bad.content.decode())
    assert "Choose a kind of record from the list" in text and "Choose a person from the list" in text


def test_older_changes_are_on_the_next_page_with_nothing_repeated_or_missed(world, login):
    for n in range(7):
        with time_machine.travel(datetime.datetime(2026, 11, 2, 10, n), tick=False):
            make_alert(world, summary=f"Alert number {n}")
    first = audit_trail(world.area, keys=["alert"], limit=3)
    second = audit_trail(world.area, keys=["alert"], limit=3, before=first.older_than)
    third = audit_trail(world.area, keys=["alert"], limit=3, before=second.older_than)
    seen = [e.record for e in first.entries + second.entries + third.entries]
    assert len(seen) == 7 and len(set(seen)) == 7
    assert third.older_than is None
    client = login(world.owner)
    response = client.get(reverse("agencies:audit", args=[world.area.slug]), {"record": "alert"})
    assert "Older changes" not in response.content.decode()  # 7 fit on the first page of 50


def test_another_areas_changes_stay_out(world, login):
    make_recommendation(world)
    page = audit(login(world.outsider), world)
    assert "Created recommendation" not in page
