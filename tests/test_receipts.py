"""Receipts: whoever answers for a body, by emailed link or in the app, gets a copy of what they
sent, its reference and when it was recorded (London time), at the body's contact address and at
their own; the confirmation page shows the same. One receipt per answer per address."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Notification, ResponseDuty
from concerns import alerts
from reports.models import Review
from reports.recommendations import services
from tests.conftest import make_alert, make_recommendation

# Monday 6 July 2026, 13:05 UTC: 14:05 in London (summer time)
NOW = datetime.datetime(2026, 7, 6, 13, 5, tzinfo=datetime.UTC)
TRICKY = 'Waits < 4 hours & "urgent" <script>alert(1)</script>\nSecond line'


def receipts(address: str | None = None):
    rows = Notification.objects.filter(kind="receipt")
    return rows.filter(to_email=address) if address else rows


def mailed_to(address: str):
    return [m for m in mail.outbox if any(address in to for to in m.to) and m.subject.startswith("Receipt")]


def page_text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


@pytest.fixture(autouse=True)
def in_summer():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alert_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = make_alert(world, recipients=[world.icb])
    body = next(m for m in mail.outbox if "icb@example.org" in m.to[0]).body
    return alert, re.search(r"(/respond/alerts/\d+/\d+/[\w-]+/)", body).group(1)


def test_an_answer_by_link_sends_one_receipt_to_the_body_and_one_to_the_person(
    world, alert_link, client, django_capture_on_commit_callbacks
):
    alert, link = alert_link
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(link, {"name": "Dee Director", "response": TRICKY, "receipt_email": "dee@nhs.example"})
    assert page.status_code == 200
    recipient = alert.recipients.get()
    assert recipient.receipt_email == "dee@nhs.example"  # kept on the answer
    assert receipts("icb@example.org").count() == 1 and receipts("dee@nhs.example").count() == 1
    assert receipts().count() == 2
    # The plain-text email: what was sent exactly as typed (nothing HTML-escaped), the reference
    # and the moment it was recorded in London time.
    (message,) = mailed_to("dee@nhs.example")
    assert message.subject == f"Receipt: Response to alert {alert.reference} ({alert.reference})"
    assert TRICKY in message.body
    assert "&lt;" not in message.body and "&amp;" not in message.body and "&quot;" not in message.body
    assert f"Reference: {alert.reference}" in message.body
    assert "Recorded: Monday 6 July 2026 at 14:05 (UK time)" in message.body
    assert "Answered by: Dee Director" in message.body
    assert mailed_to("icb@example.org")[0].body == message.body
    # The confirmation page shows the same copy, escaped for HTML.
    content = page.content.decode()
    assert "<script>alert(1)" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    text = page_text(page)
    assert f"Reference {alert.reference}" in text
    assert "Recorded Monday 6 July 2026 at 14:05 (UK time)" in text
    assert 'Waits < 4 hours & "urgent"' in text
    assert "We have emailed a copy of this receipt to icb@example.org and dee@nhs.example." in text


def test_a_refused_second_answer_sends_no_receipt(world, alert_link, client, django_capture_on_commit_callbacks):
    alert, link = alert_link
    answer = {"name": "Dee", "response": "We will review triage.", "receipt_email": "dee@nhs.example"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link, answer).status_code == 200
        again = client.post(link, answer)  # a double submit, or the link used twice
    assert again.status_code == 410
    assert receipts().count() == 2 and len(mail.outbox) >= 2
    assert len(mailed_to("dee@nhs.example")) == 1 and len(mailed_to("icb@example.org")) == 1
    # The service itself refuses an answer twice: still no second receipt.
    with pytest.raises(ValidationError):
        alerts.alert_respond(recipient=alert.recipients.get(), response="Again", name="Dee")
    assert receipts().count() == 2


def test_the_same_address_gets_one_receipt(world, alert_link, client):
    _, link = alert_link
    client.post(link, {"name": "Dee", "response": "", "receipt_email": "ICB@example.org"})
    assert receipts().count() == 1


def test_acknowledging_then_responding_are_two_answers_each_with_its_receipt(world, alert_link, client):
    alert, link = alert_link
    acknowledged = client.post(link, {"name": "Dee", "response": ""})
    assert "What you did Acknowledged" in page_text(acknowledged)
    fresh = re.search(r'href="(/respond/alerts/[^"]+)"', acknowledged.content.decode()).group(1)
    client.post(fresh, {"name": "Dee", "response": "We will review triage."})
    titles = sorted(receipts().values_list("subject", flat=True))
    assert titles == [
        f"Receipt: Acknowledgement of alert {alert.reference} ({alert.reference})",
        f"Receipt: Response to alert {alert.reference} ({alert.reference})",
    ]


def test_a_bad_receipt_address_is_a_clear_error_and_records_nothing(world, alert_link, client):
    alert, link = alert_link
    page = client.post(link, {"name": "Dee", "response": "Plan", "receipt_email": "dee at nhs"})
    assert page.status_code == 400
    assert "Enter your email address in the correct format, like name@example.org" in page.content.decode()
    assert alert.recipients.get().state == "sent" and not receipts().exists()


def test_answering_in_the_app_sends_the_receipt_to_the_members_account(world, login):
    alert = make_alert(world, recipients=[world.icb])
    recipient = alert.recipients.get()
    client = login(world.icb_officer)
    url = reverse("concerns:alert-respond-in-app", args=[world.area.slug, alert.pk, recipient.pk])
    assert "receipt_email" not in client.get(url).content.decode()  # the account has an address
    page = client.post(url, {"response": "We will review triage."}, follow=True)
    assert set(receipts().values_list("to_email", flat=True)) == {"icb@example.org", world.icb_officer.email}
    assert f"A receipt has been emailed to icb@example.org and {world.icb_officer.email}." in page_text(page)


def test_a_recommendation_response_by_link_gets_its_receipt(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rec = make_recommendation(world, sent_on=NOW.date())
    body = next(m for m in mail.outbox if "icb@example.org" in m.to[0]).body
    link = re.search(r"(/respond/recommendations/\S+/)", body).group(1)
    answer = {
        "name": "Dee",
        "decision": "accepted",
        "action_plan": "Publish waits weekly & monthly",
        "target_date_0": "1",
        "target_date_1": "9",
        "target_date_2": "2026",
        "receipt_email": "dee@nhs.example",
    }
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(link, answer)
        again = client.post(link, answer)
    assert page.status_code == 200 and again.status_code in (400, 409, 410)
    assert receipts().count() == 2
    (message,) = mailed_to("dee@nhs.example")
    assert message.subject == f"Receipt: Response to recommendation {rec.reference} ({rec.reference})"
    for words in (
        "Publish waits weekly & monthly",
        "Do you accept the recommendation?:\nAccepted",
        "Target date:\n1 September 2026",
        "Recorded: Monday 6 July 2026 at 14:05 (UK time)",
        rec.text,
    ):
        assert words in message.body
    text = page_text(page)
    assert f"Reference {rec.reference}" in text and "Action plan Publish waits weekly & monthly" in text
    rec.refresh_from_db()
    assert rec.response.receipt_email == "dee@nhs.example"


def test_a_letter_recorded_for_the_body_sends_no_receipt(world):
    rec = make_recommendation(world, sent_on=datetime.date(2026, 6, 1))
    services.response_record(
        recommendation=rec,
        decision="accepted",
        reasons="",
        action_plan="Plan",
        target_date=None,
        name="Chief Executive",
        user=world.scrutiny_officer,
        responded_on=datetime.date(2026, 6, 20),
    )
    assert not receipts().exists()


def test_an_evidence_answer_by_link_gets_its_receipt(world, client, django_capture_on_commit_callbacks):
    review = Review.objects.create(
        locality=world.area, kind="scrutiny_review", lead_body=world.scrutiny, topic="A&E waits", created_by=world.owner
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = services.evidence_request_send(
            review=review,
            to_body=world.healthwatch,
            request="Gather views on waits",
            duty=ResponseDuty.objects.filter(locality=None).first(),
            sent_on=datetime.date.today(),
        )
    body = next(m for m in mail.outbox if world.healthwatch.contact_email in m.to[0]).body
    link = re.search(r"(/respond/evidence/\S+/)", body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(link, {"name": "Hana", "answer": "People waited <6 hours>", "receipt_email": "h@hw.example"})
        client.post(link, {"name": "Hana", "answer": "Again", "receipt_email": "h@hw.example"})
    assert receipts().count() == 2
    (message,) = mailed_to("h@hw.example")
    assert f"Evidence request {item.pk}" in message.subject and "‘A&E waits’" in message.subject
    assert "What you found:\nPeople waited <6 hours>" in message.body
    text = page_text(page)
    assert f"Reference Evidence request {item.pk}" in text and "What you found People waited <6 hours>" in text
