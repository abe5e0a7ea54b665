"""A response rule binds kinds of body: the 28-day NHS rule cannot be put on a council cabinet
or a carers' network; where no statutory duty binds a body, a date is agreed with it instead,
said so in the explanation, and chased the same way."""

import datetime
import html

import time_machine
from django.urls import reverse

from agencies.models import BodyKind, ResponseDuty
from reports.models import EvidenceRequest, Recommendation
from reports.recommendations import chasing
from tests.conftest import make_recommendation
from tests.factories import BodyFactory

NOV_2 = datetime.date(2026, 11, 2)


def rule(code: str) -> ResponseDuty:
    return ResponseDuty.objects.get(code=code, locality=None)


def when(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def recommend(client, world, report_id: int, **fields):
    return client.post(
        reverse("reports:report-record-sent", args=[world.area.slug, report_id]),
        {"text": "Publish waiting times weekly.", **when("sent_on", NOV_2), **fields},
    )


def test_a_rule_that_does_not_bind_the_body_is_a_form_error_naming_both(world, login):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 10), tick=False):
        report_id = make_recommendation(world).report_id
        client = login(world.scrutiny_officer)
        before = Recommendation.objects.count()
        response = recommend(client, world, report_id, addressed_to=world.trust.pk, duty=rule("scrutiny-executive").pk)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert (
        "‘Overview and scrutiny report or recommendation to the council executive’ does not bind "
        "Testshire Hospitals NHS Trust (nhs trust)" in page
    )
    assert Recommendation.objects.count() == before


def test_the_nhs_rule_binds_the_trust_and_the_executive_rule_binds_the_council(world, login):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 10), tick=False):
        report_id = make_recommendation(world).report_id
        client = login(world.scrutiny_officer)
        to_trust = recommend(client, world, report_id, addressed_to=world.trust.pk, duty=rule("health-scrutiny-nhs").pk)
        to_council = recommend(
            client, world, report_id, addressed_to=world.council.pk, duty=rule("scrutiny-executive").pk
        )
    assert (to_trust.status_code, to_council.status_code) == (302, 302)
    assert Recommendation.objects.get(addressed_to=world.trust).due_on == datetime.date(2026, 11, 30)
    assert Recommendation.objects.get(addressed_to=world.council).due_on == datetime.date(2027, 1, 2)


def test_the_form_lists_whom_each_rule_binds_for_the_browser_to_filter(world, login):
    report_id = make_recommendation(world).report_id
    page = login(world.scrutiny_officer).get(reverse("reports:report", args=[world.area.slug, report_id]))
    text = html.unescape(page.content.decode())
    assert "binds integrated care board or commissioner, nhs trust, gp practice" in text
    assert 'data-binds-from="id_addressed_to"' in text
    assert f'data-kind="{BodyKind.NHS_TRUST}"' in text
    assert 'data-binds="council_executive council"' in text


def test_a_carers_network_is_asked_for_views_by_an_agreed_date_and_chased_the_same_way(world, login):
    carers = BodyFactory(locality=world.area, name="Testshire Carers Network", kind=BodyKind.VCS)
    review = make_recommendation(world).report.review
    url = reverse("reports:review-evidence", args=[world.area.slug, review.pk])
    client = login(world.scrutiny_officer)
    asked = {"to_body": carers.pk, "request": "Ask carers about discharge"}
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10), tick=False):
        statutory = client.post(url, {**asked, "duty": rule("health-scrutiny-nhs").pk})
        no_date = client.post(url, {**asked, "duty": rule("agreed-date").pk})
        past = client.post(url, {**asked, "duty": rule("agreed-date").pk, **when("agreed_on", NOV_2)})
        assert not EvidenceRequest.objects.exists()
        done = client.post(
            url, {**asked, "duty": rule("agreed-date").pk, **when("agreed_on", datetime.date(2026, 11, 20))}
        )
    assert "does not bind Testshire Carers Network (voluntary or community group)" in html.unescape(
        statutory.content.decode()
    )
    assert "Enter the date agreed with Testshire Carers Network" in html.unescape(no_date.content.decode())
    assert "The agreed date must be after the day it is sent, 2 November 2026" in html.unescape(past.content.decode())
    assert done.status_code == 302
    item = EvidenceRequest.objects.get()
    assert item.due_on == datetime.date(2026, 11, 20)
    assert item.due_explanation == (
        "No statutory duty to respond: a date agreed with the body when asked on Mon 2 Nov 2026: due Fri 20 Nov 2026"
    )
    assert chasing.evidence_chase(today=datetime.date(2026, 11, 23)) >= 1


def test_an_agreed_date_is_not_worked_out_again_when_closure_days_change(world):
    from reports.recommendations import services

    with time_machine.travel(datetime.datetime(2026, 11, 2, 10), tick=False):
        rec = services.recommendation_issue(
            report=make_recommendation(world).report,
            text="Tell us about carers",
            addressed_to=BodyFactory(locality=world.area, kind=BodyKind.VCS),
            duty=rule("agreed-date"),
            sent_on=NOV_2,
            agreed_on=datetime.date(2026, 12, 24),
        )
    services.recommendation_due_dates_recompute(locality=world.area)
    rec.refresh_from_db()
    assert rec.due_on == datetime.date(2026, 12, 24)
