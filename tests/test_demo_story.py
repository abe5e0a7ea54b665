"""The demo tells the README's story to a new user (#13 item 7): alerts answered in time and
one escalated, responses dated before their deadlines and the cabinet's miss, each programme's
own work, and the board's referrals as suggestions. Dates count back from the day it is loaded,
so these hold whatever day the tests run."""

from __future__ import annotations

import html
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agencies.models import Body, Notification, User
from concerns.models import Alert, AlertRecipient
from reports.models import Priority, Referral, Review

SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"
ICB = "NHS Northmoor and Eastvale Integrated Care Board"


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("seed_demo")


def seen(client, who: str, url: str) -> str:
    """The page's text as the person reads it: tags dropped, spaces collapsed."""
    client.force_login(User.objects.get(email=f"{who}@demo.example"), backend=SIGN_IN_BACKEND)
    response = client.get(url)
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+([:,.;)])", r"\1", re.sub(r"\s+", " ", html.unescape(text)))


def test_the_board_sees_alerts_raised_and_answered_and_fair_on_time_figures(demo, client):
    page = seen(client, "board.member", reverse("reports:dashboard", args=["northmoor"]))
    assert "2 alerts raised" in page
    # The ICB and the trust acknowledged in time; the home care provider never did.
    assert "67% acknowledged on time (2 of 3); 0 not yet due" in page
    assert "1 overdue now" in page
    assert re.search(r"Caring Hands Home Care 1 0 of 1 0 1 1 overdue", page)
    # ICB, trust and Willow Court on time; Beechwood late; the cabinet overdue; three not yet due.
    assert "60% responded on time (3 of 5); 3 not yet due" in page
    assert re.search(r"HOSC-\d{4}-01-R4 Northmoor County Council Cabinet", page)


def test_the_tracker_shows_the_cabinets_miss_and_the_icb_and_trust_on_time(demo, client):
    page = seen(client, "scrutiny.officer", reverse("reports:recommendations", args=["northmoor"]))
    assert re.search(
        r"Fund a discharge-to-assess service across the county\. Northmoor County Council Cabinet .*? Overdue by \d+ days",
        page,
    )
    by_body = page[page.index("Response times by body") :]
    for body, figure in (
        (ICB, "100% (1 of 1)"),
        ("Northmoor Hospitals NHS Foundation Trust", "100% (1 of 1)"),
        ("Northmoor County Council Cabinet", "0% (0 of 1)"),
        ("Willow Court Care Home", "100% (1 of 1)"),  # Healthwatch's report, 20 working days
        ("Beechwood House Nursing Home", "0% (0 of 1)"),
    ):
        assert re.search(rf"{re.escape(body)} \d+ {re.escape(figure)}", by_body), body


def test_the_icbs_work_page_lists_what_it_owes_in_both_areas_labelled(demo, client):
    icb = Body.objects.get(name=ICB)
    page = seen(client, "icb.officer", reverse("bodies:work", args=[icb.pk]))
    assert "Alert to acknowledge · Eastvale A-" in page
    assert "People cannot get through to Eastvale Medical Group by phone" in page
    assert "Recommendation to answer · Northmoor HOSC-" in page
    assert "0 overdue" in page
    # What it answered, on time: the A&E alert and the delayed-transfers recommendation.
    assert "Long waits in A&E at Northmoor General Hospital" in page
    assert "100% (2 of 2)" in page


def test_the_overdue_alert_was_chased_then_escalated_by_the_job(demo):
    recipient = AlertRecipient.objects.get(body__name="Caring Hands Home Care")
    assert recipient.state == AlertRecipient.State.SENT
    assert recipient.escalated_on is not None and recipient.escalated_on > recipient.due_on
    kinds = set(Notification.objects.filter(kind__startswith="alert-").values_list("kind", flat=True))
    assert {"alert-due-tomorrow", "alert-due-today", "alert-overdue", "alert-escalated"} <= kinds


def test_scrutiny_and_healthwatch_find_their_own_programmes_and_the_boards_suggestions(demo, client):
    scrutiny = seen(client, "scrutiny.officer", reverse("reports:scrutiny-home", args=["northmoor"]))
    assert "Children waiting for mental health assessment" in scrutiny
    assert "Yours to accept or decline" in scrutiny
    assert "Proposed policy or service change, in progress" in scrutiny
    healthwatch = seen(client, "healthwatch.officer", reverse("reports:healthwatch-home", args=["northmoor"]))
    assert "Getting a GP appointment in Northmoor: Healthwatch research project, in progress" in healthwatch
    overdue = AlertRecipient.objects.get(body__name="Caring Hands Home Care").alert
    assert f"{overdue.reference} to Caring Hands Home Care" in healthwatch  # (references carry ids)
    research = Review.objects.get(kind=Review.Kind.RESEARCH, locality__slug="northmoor")
    assert "412" in research.priority_consultation
    # The board reads Healthwatch's reasons for declining on the priority.
    gp = Priority.objects.get(title="Access to GP appointments")
    declined = Referral.objects.get(priority=gp)
    assert declined.state == Referral.State.DECLINED
    board = seen(client, "board.member", reverse("reports:priority", args=["northmoor", gp.pk]))
    assert "already under way and answers this question" in board
    assert Referral.objects.filter(state=Referral.State.SUGGESTED).count() == 1
    assert Alert.all_objects.filter(locality__slug="eastvale").count() == 1
