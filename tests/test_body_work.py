"""A body's own work page, "Due from us" (issues 12 and 13): what it owes in every area it
serves, labelled by area, its figures, its answers and its history; who may read it; where its
people land; the count in the navigation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import BodyArea, BodyKind, ResponseDuty, Role
from concerns import alerts
from reports.models import Review
from reports.recommendations import services
from tests.conftest import make_alert, make_recommendation
from tests.factories import STATUTORY_START, TEST_PASSWORD, BodyFactory, MembershipFactory, hold

TODAY = datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The navigation's counts live in the cache, keyed by body ids a rolled-back test reuses."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_areas(world):
    """The ICB serves Testshire and Elsewhere; Elsewhere has its own scrutiny committee."""
    BodyArea.objects.create(body=world.icb, locality=world.other_area, starts_on=STATUTORY_START)
    scrutiny = BodyFactory(locality=world.other_area, name="Elsewhere Scrutiny Committee", kind=BodyKind.SCRUTINY)
    hold("health_scrutiny", scrutiny)
    officer = MembershipFactory(body=scrutiny, role=Role.OFFICER).user
    return world, scrutiny, officer


def recommendation_elsewhere(world, scrutiny, officer, *, sent_on=datetime.date(2026, 11, 2)):
    review = Review.objects.create(
        locality=world.other_area, kind="scrutiny_review", lead_body=scrutiny, topic="Discharge", created_by=officer
    )
    report = services.report_create(
        locality=world.other_area,
        issuing_body=scrutiny,
        title="Discharge delays",
        summary="People wait to go home.",
        reference_prefix="ELS-2026-01",
        review=review,
    )
    return services.recommendation_issue(
        report=report,
        text="Publish discharge delays monthly.",
        addressed_to=world.icb,
        duty=ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None),
        sent_on=sent_on,
    )


def work_url(world) -> str:
    return reverse("bodies:work", args=[world.icb.pk])


@time_machine.travel(TODAY, tick=False)
def test_the_icb_officer_sees_what_it_owes_in_both_areas_each_labelled(two_areas, login):
    world, scrutiny, officer = two_areas
    alert = make_alert(world, recipients=[world.icb], summary="Long waits in A&E")
    recipient = alert.recipients.get()
    rec = recommendation_elsewhere(world, scrutiny, officer)
    page = login(world.icb_officer).get(work_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    cards = {item.reference: item for item in page.context["owed"]}
    assert cards[alert.reference].area_name == "Testshire"
    assert cards[rec.reference].area_name == "Elsewhere"
    assert f"Alert to acknowledge · Testshire</span> {alert.reference}: Long waits in A&amp;E" in html
    assert f"Recommendation to answer · Elsewhere</span> {rec.reference}: Publish discharge delays monthly." in html
    assert f"{recipient.due_on:%A %-d %B %Y}" in html and f"{rec.due_on:%A %-d %B %Y}" in html
    assert recipient.due_explanation in html and rec.due_explanation in html
    left = (rec.due_on - TODAY.date()).days
    assert f"{left} days left" in html
    # Each answers in the app, in its own area.
    assert reverse("concerns:alert-respond-in-app", args=[world.area.slug, alert.pk, recipient.pk]) in html
    assert reverse("reports:recommendation-respond-in-app", args=[world.other_area.slug, rec.pk]) in html
    figures = {row.area_name: row for row in page.context["areas"]}
    assert set(figures) == {"Testshire", "Elsewhere", "Sharedshire"}  # the world's ICB serves Sharedshire too
    assert figures["Testshire"].not_yet_due == 1 and figures["Elsewhere"].not_yet_due == 1


def test_an_overdue_item_says_by_how_many_days(world, login):
    rec = make_recommendation(world, sent_on=datetime.date(2026, 11, 2))
    with time_machine.travel(datetime.datetime.combine(rec.due_on, datetime.time(12)) + datetime.timedelta(days=3)):
        html = login(world.icb_officer).get(work_url(world)).content.decode()
    assert "3 days overdue" in html and "govuk-tag--red" in html


def test_people_without_a_seat_at_the_body_get_not_found(two_areas, login):
    world, _, elsewhere_officer = two_areas
    make_alert(world, recipients=[world.icb])
    for user in (world.scrutiny_officer, elsewhere_officer, world.owner, world.outsider):
        assert login(user).get(work_url(world)).status_code == 404, user


def test_a_superuser_may_read_any_body_page(world, login, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x", full_name="Root")
    assert login(admin).get(work_url(world)).status_code == 200


def test_read_only_members_see_the_work_but_cannot_answer(world, login):
    alert = make_alert(world, recipients=[world.icb])
    rec = make_recommendation(world)
    reader = MembershipFactory(body=world.icb, role=Role.READ_ONLY).user
    client = login(reader)
    page = client.get(work_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert rec.reference in html and alert.reference in html
    assert "govuk-button" not in html.split('id="owed"')[1].split('id="figures"')[0]
    assert "Answering needs a member’s role" in html
    respond = reverse("reports:recommendation-respond-in-app", args=[world.area.slug, rec.pk])
    assert respond not in html
    assert client.post(respond, {"decision": "accepted", "action_plan": "We will.", "name": "R"}).status_code == 403
    recipient = alert.recipients.get()
    acknowledge = reverse("concerns:alert-acknowledge", args=[world.area.slug, alert.pk, recipient.pk])
    assert client.post(acknowledge).status_code == 403
    recipient.refresh_from_db()
    assert recipient.state == "sent"


def test_figures_count_an_answer_on_the_due_day_as_on_time_and_keep_not_yet_due_apart(world, login):
    on_due_day = make_recommendation(world, sent_on=datetime.date(2026, 11, 2))
    services.response_record(
        recommendation=on_due_day,
        decision="accepted",
        reasons="",
        action_plan="Weekly figures from January.",
        target_date=None,
        name="Chief executive",
        responded_on=on_due_day.due_on,
    )
    with time_machine.travel(datetime.datetime.combine(on_due_day.due_on, datetime.time(12)), tick=False):
        make_alert(world, recipients=[world.icb])  # sent today: not yet due
        page = login(world.icb_officer).get(work_url(world))
    total = page.context["total"]
    assert (total.on_time, total.late, total.overdue, total.not_yet_due) == (1, 0, 0, 1)
    html = page.content.decode()
    assert "100% (1 of 1)" in html
    # The answer is listed apart, with what was sent and when.
    answered = page.context["answered"]
    assert [item.reference for item in answered] == [on_due_day.reference]
    assert answered[0].answer_summary == "Accepted" and answered[0].answered_at == on_due_day.due_on
    assert "Weekly figures from January." in html
    assert "on time" in html.split('id="answered"')[1]


def test_figures_count_a_late_answer_and_an_overdue_item(world, login):
    late = make_recommendation(world, sent_on=datetime.date(2026, 10, 1))
    services.response_record(
        recommendation=late,
        decision="not_accepted",
        reasons="No budget.",
        action_plan="",
        target_date=None,
        name="Chief executive",
        responded_on=late.due_on + datetime.timedelta(days=2),
    )
    overdue = make_recommendation(world, sent_on=datetime.date(2026, 10, 1))
    with time_machine.travel(datetime.datetime.combine(overdue.due_on, datetime.time(12)) + datetime.timedelta(days=5)):
        page = login(world.icb_officer).get(work_url(world))
    total = page.context["total"]
    assert (total.on_time, total.late, total.overdue, total.not_yet_due) == (0, 1, 1, 0)
    assert "0% (0 of 2)" in page.content.decode()


def test_answering_an_evidence_request_in_the_app_lists_it_as_answered(world, login):
    from tests.test_permission_matrix import an_evidence_request

    item = an_evidence_request(world, to=world.icb)
    client = login(world.icb_officer)
    answer = reverse("reports:evidence-answer-in-app", args=[world.area.slug, item.pk])
    assert answer in client.get(work_url(world)).content.decode()
    assert client.post(answer, {}).status_code == 400
    response = client.post(answer, {"answer": "We asked 40 carers."})
    assert response.status_code == 302 and response["Location"] == work_url(world)
    item.refresh_from_db()
    assert item.state == "answered" and item.answered_by_name == "Ivy Icb"
    page = client.get(work_url(world))
    assert [i for i in page.context["owed"] if i.kind == "evidence"] == []
    assert "We asked 40 carers." in page.content.decode()
    assert "Your answer to" in page.content.decode()
    # Twice is refused with a message, and changes nothing.
    again = client.post(answer, {"answer": "Something else."})
    assert again.status_code == 400 and "already been answered" in again.content.decode()


def test_the_history_lists_changes_to_items_addressed_to_the_body(world, login):
    alert = make_alert(world, recipients=[world.icb])
    alerts.alert_acknowledge(recipient=alert.recipients.get(), user=world.icb_officer)
    page = login(world.icb_officer).get(work_url(world))
    changes = page.context["changes"]
    assert [c.state for c in changes[:2]] == ["Acknowledged", "Sent"]
    assert changes[0].who == "Ivy Icb" and changes[0].area_name == "Testshire"
    assert f"Changed: alert {alert.reference}" in page.content.decode()


def test_the_icb_officer_lands_on_the_work_page_when_they_sign_in(two_areas, client):
    world, _, _ = two_areas
    response = client.post(reverse("sign-in"), {"username": world.icb_officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == work_url(world)


def test_home_lists_each_body_once_with_its_areas(two_areas, login):
    world, _, _ = two_areas
    MembershipFactory(body=world.trust, role=Role.MEMBER, user=world.icb_officer)
    make_alert(world, recipients=[world.icb])
    page = login(world.icb_officer).get(reverse("home"))
    html = page.content.decode()
    assert html.count(f'href="{work_url(world)}"') == 1
    assert html.count(f'href="{reverse("bodies:work", args=[world.trust.pk])}"') == 1
    assert "Elsewhere, Sharedshire, Testshire · Officer" in html
    assert "Due from NHS Testshire ICB: 1 open item" in html
    # Two bodies: the navigation's item leads to the home page's list, with both counted.
    assert page.context["due_nav"]["href"] == reverse("home") + "#due-from-us"
    assert "Due from us (1)" in html


def test_the_navigation_count_is_cached_and_follows_each_answer(world, login, django_capture_on_commit_callbacks):
    alert = make_alert(world, recipients=[world.icb])
    make_recommendation(world)
    client = login(world.icb_officer)
    assert "Due from us (2)" in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("inbox"))
    assert not [q for q in queries.captured_queries if "alertrecipient" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):  # the count moves once the answer commits
        alerts.alert_acknowledge(recipient=alert.recipients.get(), user=world.icb_officer)
    assert "Due from us (1)" in client.get(reverse("inbox")).content.decode()
