"""Invitations and password resets go through the outbox, resets are limited, and no usable
bearer link is left at rest once a message is sent (issue 11, items 6 and 8)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from agencies import notifications
from agencies.models import Notification, ResponseDuty, User
from concerns.models import AlertRecipient
from tests.conftest import make_alert, make_recommendation

RESET = "/accounts/password/reset/"
# Any address that carries a secret: answer links and set-password links.
BEARER = re.compile(r"/(?:respond/[\w/-]+?/[\w-]{20,}|accounts/password/reset/[\w-]+/[\w-]+-[\w]+)/")
NOW = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # django-ratelimit counts in the cache
    yield
    cache.clear()


def add_person(client, world, email="nia@example.org"):
    return client.post(
        reverse("agencies:person-add", kwargs={"slug": world.area.slug}),
        {"full_name": "Nia Newcomer", "email": email, "body": world.trust.pk, "role": "officer"},
        follow=True,
    )


def links_in(text: str) -> list[str]:
    return [match.group(0) for match in BEARER.finditer(text)]


def works(client, path: str) -> bool:
    """Would this link let someone in? An answer form, or the set-password form."""
    response = client.get(path)
    if "/password/reset/" in path:
        return response.status_code == 302 and "set-password" in response["Location"]
    return response.status_code == 200


def text_at_rest() -> list[str]:
    """Every text value in every table."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        for row in model._default_manager.values_list(*names) if names else []:
            found.extend(value for value in row if value)
    return found


# ---------------------------------------------------------------- item 6: invitations


def test_an_invitation_made_while_the_mail_server_is_down_arrives_when_it_returns(
    world, login, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.support.UnreachableEmailBackend"
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        page = add_person(login(world.owner), world).content.decode()
    assert "Nia Newcomer added to Testshire Hospitals NHS Trust" in page
    assert "have been emailed" not in page and "We are sending them an email" in page
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        notifications.sweep()
        assert [m.to for m in mail.outbox] == [["Nia Newcomer <nia@example.org>"]]
        (link,) = links_in(mail.outbox[0].body)
        client.logout()
        assert works(client, link)


def test_an_invitation_that_cannot_be_delivered_is_shown_as_failed_to_the_administrator(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.support.FailingEmailBackend"
    client = login(world.owner)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        add_person(client, world)
    for attempt in range(1, 9):
        with time_machine.travel(NOW + datetime.timedelta(minutes=2**attempt), tick=False):
            notifications.sweep()
    row = Notification.objects.get(kind="invitation")
    assert row.state == "failed"
    people = client.get(reverse("agencies:people", kwargs={"slug": world.area.slug})).content.decode()
    assert "Invitation not delivered" in people


# ---------------------------------------------------------------- item 6: password resets


def test_a_burst_of_reset_requests_for_one_address_sends_at_most_a_few_emails(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(21):
            client.post(RESET, {"email": world.officer.email}, REMOTE_ADDR=f"192.0.2.{i + 1}")
    notifications.sweep()
    sent = [m for m in mail.outbox if world.officer.email in m.to[0]]
    assert 1 <= len(sent) <= 3
    assert works(client, links_in(sent[0].body)[0])


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "1/h"

    def ask(email):
        response = client.post(RESET, {"email": email}, follow=True)
        return response.status_code, re.sub(r'nonce="[^"]*"', "", response.content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        known, unknown = ask(world.officer.email), ask("nobody@example.org")
        assert known == unknown and known[0] == 200 and "Check your email" in known[1]
        throttled_known, throttled_unknown = ask(world.officer.email), ask("nobody@example.org")
    assert throttled_known == throttled_unknown
    assert throttled_known[0] == 429 and "You have asked for too many links" in throttled_known[1]
    notifications.sweep()
    assert len(mail.outbox) == 1


def test_resets_from_one_network_address_are_limited_and_others_still_work(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_PER_IP = "5/h"
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            client.post(RESET, {"email": f"someone{i}@example.org"}, REMOTE_ADDR="198.51.100.7")
        refused = client.post(RESET, {"email": world.officer.email}, REMOTE_ADDR="198.51.100.7")
        assert refused.status_code == 429
        assert mail.outbox == [] and not Notification.objects.filter(kind="password-reset").exists()
        client.post(RESET, {"email": world.officer.email}, REMOTE_ADDR="198.51.100.8")
    notifications.sweep()
    assert [m.to for m in mail.outbox] == [[f"Oscar Officer <{world.officer.email}>"]]


def test_a_reset_made_while_the_mail_server_is_down_arrives_when_it_returns(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.support.UnreachableEmailBackend"
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert client.post(RESET, {"email": world.officer.email}).status_code == 302
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        notifications.sweep()
        assert len(mail.outbox) == 1 and works(client, links_in(mail.outbox[0].body)[0])


# ---------------------------------------------------------------- item 8: no bearer link at rest


def every_kind_of_link_sent(world, client, login, capture) -> AlertRecipient:
    """An alert, an acknowledgement by link (which sends a fresh link), a recommendation, an
    evidence request, an invitation and a password reset, all sent."""
    from reports.recommendations import services

    with capture(execute=True):
        alert = make_alert(world)
    notifications.sweep()
    icb = alert.recipients.get(body=world.icb)
    first = next(m for m in mail.outbox if "icb@example.org" in m.to[0])
    with capture(execute=True):
        assert client.post(links_in(first.body)[0], {"name": "Dee", "response": ""}).status_code == 200
        rec = make_recommendation(world)
        services.evidence_request_send(
            review=rec.report.review,
            to_body=world.healthwatch,
            request="Gather views",
            sent_on=datetime.date(2026, 11, 2),
            duty=ResponseDuty.objects.get(code="agreed-date", locality=None),
            agreed_on=datetime.date(2026, 12, 2),
        )
        add_person(login(world.owner), world)
        client.logout()
        client.post(RESET, {"email": world.officer.email})
    notifications.sweep()
    return icb


def test_after_sending_no_usable_link_is_left_in_the_database(world, client, login, django_capture_on_commit_callbacks):
    every_kind_of_link_sent(world, client, login, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(state__in=["pending", "sending"], channel="email").exists()
    stored = [link for text in text_at_rest() for link in links_in(text)]
    usable = [link for link in stored if works(client, link)]
    assert usable == []
    sent = {kind: [m for m in mail.outbox if m.extra_headers["X-Quality-System-Kind"] == kind] for kind in
            ("alert", "alert-respond-link", "recommendation", "evidence-request", "invitation", "password-reset")}  # fmt: skip
    for kind, messages in sent.items():
        assert messages, f"no {kind} email was sent"
        links = [link for message in messages for link in links_in(message.body)]
        assert any(works(client, link) for link in links), f"no {kind} email has a working link"


def test_a_resend_after_a_worker_died_mid_send_carries_a_fresh_working_link(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = make_alert(world)
    notifications.sweep()
    row = Notification.objects.get(kind="alert", to_email="icb@example.org")
    first = links_in(next(m for m in mail.outbox if "icb@example.org" in m.to[0]).body)[0]
    # The worker sent it but died before marking it sent: the sweep sends it again.
    Notification.objects.filter(pk=row.pk).update(state="sending", claimed_at=NOW - datetime.timedelta(hours=1))
    mail.outbox.clear()
    assert notifications.sweep() == 1
    row.refresh_from_db()
    assert (
        row.possible_duplicate
        and row.dedupe_key == f"alert:recipient-{alert.recipients.get(body=world.icb).pk}:body-email"
    )
    again = links_in(mail.outbox[0].body)[0]
    assert again != first and works(client, again) and works(client, first)
    assert links_in(row.body) == [] and User.objects.exists()
