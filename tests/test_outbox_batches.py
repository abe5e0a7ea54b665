"""The outbox sends in batches: one claim, one mail connection and a few updates for many
messages, and a message that fails backs off alone while the others are marked sent."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from agencies import notifications
from agencies.models import Notification

BAD = "p2@example.org"


class RefusesOneAddress(EmailBackend):
    """The mail server refuses one address and takes the rest; it counts its connections."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            if BAD in message.to[0]:
                raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def outbox(count: int) -> None:
    Notification.objects.bulk_create(
        Notification(dedupe_key=f"batch:{i}", kind="batch", to_email=f"p{i}@example.org", subject=f"M{i}", body="Hi")
        for i in range(count)
    )


@pytest.mark.django_db
def test_one_failed_message_in_a_batch_backs_off_alone_and_nothing_is_sent_twice(settings):
    settings.EMAIL_BACKEND = "tests.test_outbox_batches.RefusesOneAddress"
    RefusesOneAddress.opened = 0
    now = timezone.now()
    outbox(5)
    with time_machine.travel(now, tick=False):
        assert notifications.sweep() == 4
    assert RefusesOneAddress.opened == 1  # one connection for the batch
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{i}@example.org" for i in (0, 1, 3, 4)]
    failed = Notification.objects.get(to_email=BAD)
    assert (failed.state, failed.attempts) == ("pending", 1)
    assert failed.next_attempt_at > now and "550 mailbox unavailable" in failed.last_error
    assert Notification.objects.filter(state="sent").count() == 4
    assert not Notification.objects.filter(state="sending").exists()

    with time_machine.travel(now + datetime.timedelta(seconds=30), tick=False):
        assert notifications.sweep() == 0  # not due yet, and the sent ones are not sent again
    assert len(mail.outbox) == 4

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the address works again
    with time_machine.travel(now + datetime.timedelta(minutes=2), tick=False):
        assert notifications.sweep() == 1
        assert notifications.sweep() == 0
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert Notification.objects.filter(state="sent").count() == 5


@pytest.mark.django_db
def test_a_sweep_asks_the_database_the_same_few_times_for_10_and_for_200_messages(django_assert_num_queries):
    outbox(10)
    # Release expired claims; claim (ids, one update, the rows); one mark; the next claim finds none.
    with django_assert_num_queries(10) as few:  # (each claim also sets and releases a savepoint here)
        assert notifications.sweep() == 10
    Notification.objects.all().delete()
    outbox(200)
    with django_assert_num_queries(len(few.captured_queries) + 3):  # three more marks of 50
        assert notifications.sweep() == 200
