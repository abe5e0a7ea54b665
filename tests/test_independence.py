"""Independence made visible (issue 17, item 2): an alert or recommendation raised and received
by the same body, when that body holds local Healthwatch on the item's date, is flagged on the
item and listed on the board's dashboard."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from agencies.independence import FLAG
from concerns.independence import self_raised
from concerns.models import Alert, AlertRecipient
from reports.independence import lost_challenge, self_addressed
from reports.models import Recommendation
from tests.conftest import make_alert, make_recommendation
from tests.test_function_parts import MOVE, split

AFTER = MOVE + datetime.timedelta(days=10)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


def icb_alert(world, sent_on=AFTER, recipients=None) -> Alert:
    """An alert the ICB raises to itself (and the scrutiny committee)."""
    alert = make_alert(world, summary="Waits at the walk-in centre", sent_on=sent_on)
    Alert.all_objects.filter(pk=alert.pk).update(raised_by_body=world.icb)
    alert.refresh_from_db()
    return alert


def icb_recommendation(world, sent_on=AFTER) -> Recommendation:
    rec = make_recommendation(world, sent_on=sent_on)
    rec.report.issuing_body = world.icb
    rec.report.save()
    return rec


@pytest.fixture
def handed_over(world):
    split(world)
    return world


def test_an_alert_the_icb_raises_to_itself_after_it_holds_the_health_part_is_flagged(handed_over, login):
    world = handed_over
    with at(AFTER):
        alert = icb_alert(world)
        ordinary = make_alert(world, summary="An ordinary alert", sent_on=AFTER)
        assert list(self_raised(Alert.all_objects.all())) == [alert]
        page = login(world.icb_officer).get(reverse("concerns:alert-detail", args=[world.area.slug, alert.pk]))
        assert FLAG in page.content.decode()
        page = login(world.icb_officer).get(reverse("concerns:alert-detail", args=[world.area.slug, ordinary.pk]))
        assert page.status_code == 200 and FLAG not in page.content.decode()


def test_the_rule_follows_the_functions_held_on_the_alerts_date_not_the_bodys_kind(handed_over):
    world = handed_over
    with at(AFTER):
        before = icb_alert(world, sent_on=MOVE - datetime.timedelta(days=1))  # the ICB held no Healthwatch part then
        assert not self_raised(Alert.all_objects.filter(pk=before.pk)).exists()
        # a body the ICB alerts that is not itself: no flag
        other = icb_alert(world)
        AlertRecipient.objects.filter(alert=other, body=world.icb).delete()
        assert not self_raised(Alert.all_objects.filter(pk=other.pk)).exists()


def test_a_recommendation_the_icb_makes_to_itself_is_flagged(handed_over, login):
    world = handed_over
    with at(AFTER):
        rec = icb_recommendation(world)
        ordinary = make_recommendation(world, sent_on=AFTER)
        assert list(self_addressed(Recommendation.objects.all(), AFTER)) == [rec]
        page = login(world.icb_officer).get(reverse("reports:recommendation", args=[world.area.slug, rec.pk]))
        assert FLAG in page.content.decode()
        page = login(world.icb_officer).get(reverse("reports:recommendation", args=[world.area.slug, ordinary.pk]))
        assert page.status_code == 200 and FLAG not in page.content.decode()


def test_before_the_handover_nothing_is_flagged(world):
    with at(AFTER):
        rec = icb_recommendation(world)
        alert = icb_alert(world)
    found = lost_challenge(world.area, AFTER)
    assert (found.alert_count, found.recommendation_count) == (0, 0)
    assert rec and alert


def test_the_dashboard_lists_lost_challenge_with_counts_linking_to_the_items(handed_over, login):
    world = handed_over
    with at(AFTER):
        alert = icb_alert(world)
        rec = icb_recommendation(world)
        page = login(world.board_member).get(reverse("reports:dashboard", args=[world.area.slug]))
    html = page.content.decode()
    assert "Where independent challenge is lost" in html
    assert 'href="#lost-alerts"' in html and 'href="#lost-recommendations"' in html
    assert reverse("concerns:alert-detail", args=[world.area.slug, alert.pk]) in html
    assert reverse("reports:recommendation", args=[world.area.slug, rec.pk]) in html
    section = html.split('id="independence"')[1].split('id="outcome"')[0]
    assert section.count('<span class="app-figure">1</span>') == 2


def test_the_dashboard_counts_all_but_lists_the_newest(handed_over, monkeypatch):
    monkeypatch.setattr("reports.independence.SHOWN", 2)
    world = handed_over
    with at(AFTER):
        for _ in range(3):
            icb_alert(world)
    found = lost_challenge(world.area, AFTER)
    assert found.alert_count == 3 and len(found.alerts) == 2
