"""Alerts between bodies: raising, acknowledging by link or in the app, chasing, the outbox."""

import datetime
import html
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from agencies import notifications
from agencies.models import Notification, Role
from concerns import alerts
from concerns.models import AlertRecipient
from tests.conftest import make_alert, make_concern
from tests.factories import BodyFactory, MembershipFactory

# Thursday 26 November 2026
NOW = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)


def at(day: datetime.date, hour=9):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def raised(world, django_capture_on_commit_callbacks):
    with at(NOW.date()), django_capture_on_commit_callbacks(execute=True):
        alert = make_alert(world, concerns=[make_concern(world)])
    return alert


def link_from(email_body: str) -> str:
    return re.search(r"(/respond/alerts/\d+/\d+/[\w-]+/)", email_body).group(1)


def email_to(address):
    return [m for m in mail.outbox if any(address in to for to in m.to)]


def test_raising_an_alert_sets_deadlines_and_emails_each_body_once(world, raised):
    icb = raised.recipients.get(body=world.icb)
    assert icb.due_on == datetime.date(2026, 12, 3)  # 5 working days after Thursday 26 November
    assert "5 working days from Thu 26 Nov 2026" in icb.due_explanation
    assert len(email_to("icb@example.org")) == 1
    message = email_to("icb@example.org")[0]
    assert message.extra_headers["Message-ID"].startswith("<notification-")
    assert "Acknowledge and respond without signing in" in message.body
    assert "Pat Patient" not in message.body
    assert len(email_to(world.icb_officer.email)) == 1  # officers of the body too
    assert Notification.objects.filter(user=world.icb_officer, channel="inbox").count() == 1


def test_a_safeguarding_alert_is_due_in_one_working_day(world, django_capture_on_commit_callbacks):
    with at(datetime.date(2026, 11, 27)):  # a Friday
        alert = make_alert(world, safeguarding=True)
    assert alert.recipients.get(body=world.icb).due_on == datetime.date(2026, 11, 30)


def test_a_safeguarding_concern_offers_an_alert_straight_away(world, login):
    concern = make_concern(world, safeguarding=True)
    page = login(world.officer).get(reverse("concerns:alert-create", args=[world.area.slug]) + f"?concern={concern.pk}")
    html_text = page.content.decode()
    assert "Safeguarding concern about Testshire Hospitals NHS Trust" in html_text
    checkbox = re.search(r"<input[^>]*id=\"id_safeguarding\"[^>]*>", html_text).group(0)
    assert "checked" in checkbox


def test_the_recipient_acknowledges_and_responds_through_the_emailed_link(
    world, raised, client, django_capture_on_commit_callbacks
):
    link = link_from(email_to("icb@example.org")[0].body)
    page = client.get(link)
    assert page.status_code == 200
    assert "Long waits in A&amp;E" in page.content.decode()
    assert "Waited six hours in A&amp;E." not in page.content.decode()  # the narrative stays with Healthwatch
    assert "No shareable summary yet" in page.content.decode()
    assert "Pat Patient" not in page.content.decode()
    assert client.get(link).status_code == 200  # opening it twice (mail scanners) uses nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"name": "Dee Director", "response": "We are reviewing triage staffing."})
    assert "Your answer is recorded" in response.content.decode()
    recipient = raised.recipients.get(body=world.icb)
    assert (recipient.state, recipient.answered_by_name, recipient.via_link) == (
        "responded",
        "Dee Director",
        True,
    )
    assert any("NHS Testshire ICB responded to alert" in m.subject for m in email_to(world.officer.email))
    reused = client.post(link, {"name": "Mallory", "response": "Overwrite"})
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()
    recipient.refresh_from_db()
    assert recipient.response == "We are reviewing triage staffing."


def test_tampered_wrong_and_expired_links_are_refused(world, raised, client):
    link = link_from(email_to("icb@example.org")[0].body)
    scrutiny_link = link_from(email_to(world.scrutiny.contact_email)[0].body)
    _, _, _, alert_id, recipient_id, token, _ = link.split("/")
    scrutiny_id = scrutiny_link.split("/")[4]
    cases = {
        f"/respond/alerts/{alert_id}/{recipient_id}/{token[:-2]}xx/": (400, "not valid"),
        f"/respond/alerts/{alert_id}/{scrutiny_id}/{token}/": (400, "for a different request"),
        f"/respond/alerts/{int(alert_id) + 1}/{recipient_id}/{token}/": (400, "not valid"),
    }
    for url, (status, words) in cases.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert words in response.content.decode()
        assert client.post(url, {"name": "X", "response": "Y"}).status_code == status
    with time_machine.travel(NOW + datetime.timedelta(days=31)):
        expired = client.get(link)
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert AlertRecipient.objects.filter(state="sent").count() == 2


def test_a_response_over_the_limit_is_refused_and_the_link_still_works(world, raised, client):
    link = link_from(email_to("icb@example.org")[0].body)
    response = client.post(link, {"name": "Dee", "response": "x" * 5001})
    assert response.status_code == 400
    assert "5,000 characters or fewer" in response.content.decode()
    assert client.post(link, {"name": "Dee", "response": ""}).status_code == 200  # acknowledged
    assert raised.recipients.get(body=world.icb).state == "acknowledged"


def test_members_acknowledge_in_the_app(world, raised, login):
    client = login(world.icb_officer)
    recipient = raised.recipients.get(body=world.icb)
    client.post(reverse("concerns:alert-acknowledge", args=[world.area.slug, raised.pk, recipient.pk]))
    recipient.refresh_from_db()
    assert recipient.state == "acknowledged" and recipient.answered_by == world.icb_officer
    scrutiny = raised.recipients.get(body=world.scrutiny)
    url = reverse("concerns:alert-acknowledge", args=[world.area.slug, raised.pk, scrutiny.pk])
    assert client.post(url).status_code == 403  # not a member of the scrutiny committee


def test_an_alert_needs_a_recipient_in_the_area(world, login):
    client = login(world.officer)
    url = reverse("concerns:alert-create", args=[world.area.slug])
    data = {"summary": "Waits", "action_requested": "Look into it", "severity": "significant"}
    response = client.post(url, data)
    assert "Choose at least one body to alert" in response.content.decode()
    response = client.post(url, {**data, "recipients": [world.other_council.pk]})
    assert "Choose bodies in this area from the list" in html.unescape(response.content.decode())
    with pytest.raises(Exception, match="Choose bodies that serve this area"):
        alerts.alert_raise(
            locality=world.area,
            raised_by_body=world.healthwatch,
            raised_by=world.officer,
            details=alerts.AlertDetails(summary="x", action_requested="y", recipients=[world.other_council]),
        )
    assert not Notification.objects.exists()


def test_line_breaks_in_a_summary_cannot_inject_email_headers(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_alert(world, summary="Waits\r\nBcc: victim@example.com")
    subjects = [m.subject for m in mail.outbox]
    assert subjects and all("\n" not in s and "\r" not in s for s in subjects)
    assert all("victim@example.com" not in m.recipients() for m in mail.outbox)


def chase_on(day):
    with at(day, hour=8):
        return alerts.alerts_chase(day)


def test_reminders_before_on_and_after_the_deadline_then_escalation_each_once(world, raised):
    chair = MembershipFactory(body=world.hwb, role=Role.CHAIR).user
    due = datetime.date(2026, 12, 3)
    for day in (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 2),
        due,
        datetime.date(2026, 12, 4),
        datetime.date(2026, 12, 9),
        datetime.date(2026, 12, 10),
    ):
        chase_on(day)
        chase_on(day)  # a second run the same day adds nothing
    kinds = list(
        Notification.objects.filter(to_email="icb@example.org").order_by("created_at").values_list("kind", flat=True)
    )
    assert kinds == ["alert", "alert-due-tomorrow", "alert-due-today", "alert-overdue", "alert-escalated"]
    escalation = Notification.objects.filter(kind="alert-escalated", user=chair, channel="email")
    assert [n.subject for n in escalation.order_by("subject")] == [
        f"Escalation: NHS Testshire ICB has not acknowledged alert {raised.reference}",
        f"Escalation: Testshire Scrutiny Committee has not acknowledged alert {raised.reference}",
    ]
    assert raised.recipients.get(body=world.icb).escalated_on == datetime.date(2026, 12, 9)


def test_an_acknowledged_alert_is_not_chased(world, raised):
    alerts.alert_acknowledge(recipient=raised.recipients.get(body=world.icb), name="Dee")
    chase_on(datetime.date(2026, 12, 4))
    assert not Notification.objects.filter(to_email="icb@example.org", kind="alert-overdue").exists()
    assert Notification.objects.filter(to_email=world.scrutiny.contact_email, kind="alert-overdue").exists()


def test_nothing_is_chased_at_the_weekend(world, raised):
    assert chase_on(datetime.date(2026, 12, 5)) == 0


def test_a_bad_row_does_not_stop_the_chase(world, raised, monkeypatch):
    original = alerts._chase_one

    def flaky(recipient, stage, today):
        if recipient.body_id == world.icb.pk:
            raise RuntimeError("boom")
        return original(recipient, stage, today)

    monkeypatch.setattr(alerts, "_chase_one", flaky)
    chase_on(datetime.date(2026, 12, 4))
    assert Notification.objects.filter(to_email=world.scrutiny.contact_email, kind="alert-overdue").exists()


# ---------------------------------------------------------------- the outbox


def test_a_failing_address_backs_off_then_is_shown_as_failed(world, settings):
    settings.EMAIL_BACKEND = "tests.support.FailingEmailBackend"
    start = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        row = notifications.notify(kind="test", key="x", subject="Hello", body="Body", to_email="a@example.org")
    for attempt in range(1, 9):
        with time_machine.travel(start + datetime.timedelta(minutes=2**attempt), tick=False):
            notifications.deliver(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.state == "failed" and "refused" in row.last_error


def test_a_claim_left_by_a_dead_worker_is_resent_and_marked(world, settings):
    row = notifications.notify(kind="test", key="y", subject="Hello", body="Body", to_email="a@example.org")
    Notification.objects.filter(pk=row.pk).update(state="sending", claimed_at=NOW - datetime.timedelta(hours=1))
    assert notifications.sweep() == 1
    row.refresh_from_db()
    assert (row.state, row.possible_duplicate) == ("sent", True)
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_an_alert_raised_while_the_queue_is_down_is_delivered_by_the_sweep(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    from agencies import tasks

    def down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.deliver_notification, "delay", down)
    client = login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("concerns:alert-create", args=[world.area.slug]),
            {
                "summary": "Waits",
                "action_requested": "Look into it",
                "severity": "significant",
                "recipients": [world.icb.pk],
            },
        )
    assert response.status_code == 302
    assert mail.outbox == []
    pending = Notification.objects.filter(channel="email", state="pending").count()
    assert pending >= 2
    assert notifications.sweep() == pending
    assert notifications.sweep() == 0
    assert len(mail.outbox) == pending


def test_people_who_chose_a_daily_summary_get_one_email(world, django_capture_on_commit_callbacks):
    world.icb_officer.notification_mode = "daily"
    world.icb_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_alert(world, summary="First")
        make_alert(world, summary="Second")
    assert email_to(world.icb_officer.email) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.digests_send(datetime.date(2026, 11, 27)) == 1
        assert notifications.digests_send(datetime.date(2026, 11, 27)) == 0
    digest = email_to(world.icb_officer.email)
    assert len(digest) == 1 and "2 updates" in digest[0].subject
    assert "First" in digest[0].body and "Second" in digest[0].body


def test_urgent_alerts_skip_the_daily_summary(world, django_capture_on_commit_callbacks):
    world.icb_officer.notification_mode = "daily"
    world.icb_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_alert(world, safeguarding=True)
    assert len(email_to(world.icb_officer.email)) == 1


def test_the_alert_page_shows_each_recipients_state_and_the_emails(world, raised, login):
    BodyFactory(locality=world.area)
    page = (
        login(world.officer).get(reverse("concerns:alert-detail", args=[world.area.slug, raised.pk])).content.decode()
    )
    assert page.count("Email sent</strong>") == 2
    assert "Emails sent about this alert" in page and "icb" in page.lower()
    with time_machine.travel(datetime.datetime(2026, 12, 4, 9, tzinfo=datetime.UTC)):
        later = login(world.officer).get(reverse("concerns:alert-detail", args=[world.area.slug, raised.pk]))
    assert later.content.decode().count("Overdue") == 2


def test_a_mail_server_that_is_down_backs_off_every_claimed_message(world, settings):
    settings.EMAIL_BACKEND = "tests.support.UnreachableEmailBackend"
    for i in range(3):
        notifications.notify(kind="test", key=f"down-{i}", subject="Hello", body="Body", to_email="a@example.org")
    assert notifications.deliver_due() == 0
    rows = Notification.objects.filter(kind="test")
    assert {(r.state, r.attempts) for r in rows} == {("pending", 1)}
    assert all("refused" in r.last_error for r in rows)


def test_adding_a_closure_day_moves_open_deadlines(world, raised, login):
    client = login(world.owner)
    icb = raised.recipients.get(body=world.icb)
    assert icb.due_on == datetime.date(2026, 12, 3)
    response = client.post(
        reverse("reports:closure-days", args=[world.area.slug]),
        {"date_0": "1", "date_1": "12", "date_2": "2026", "reason": "Council offices closed"},
    )
    assert response.status_code == 302
    icb.refresh_from_db()
    assert icb.due_on == datetime.date(2026, 12, 4)
    assert "skipping 1 Dec" in icb.due_explanation
    duplicate = client.post(
        reverse("reports:closure-days", args=[world.area.slug]),
        {"date_0": "1", "date_1": "12", "date_2": "2026", "reason": "Again"},
    )
    assert "already a closure day" in duplicate.content.decode()


def test_the_people_escalated_to_can_open_the_alert(world, raised, login):
    chair = MembershipFactory(body=world.hwb, role=Role.CHAIR).user
    chase_on(datetime.date(2026, 12, 9))
    link = Notification.objects.filter(user=chair, kind="alert-escalated", channel="inbox").first().link
    assert login(chair).get(link).status_code == 200


def test_only_reviewed_experiences_can_be_linked_to_an_alert(world, login):
    new = make_concern(world, status="new", narrative="Shared online, not yet reviewed")
    client = login(world.officer)
    page = client.get(reverse("concerns:alert-create", args=[world.area.slug]) + f"?concern={new.pk}")
    assert "Shared online, not yet reviewed" not in page.content.decode()
    with pytest.raises(Exception, match="Review new experiences"):
        make_alert(world, concerns=[new])


def test_several_concerns_can_be_linked_and_volunteers_cannot_raise(world, login):
    first, second = make_concern(world, narrative="First story"), make_concern(world, narrative="Second story")
    url = reverse("concerns:alert-create", args=[world.area.slug]) + f"?concern={first.pk}&concern={second.pk}"
    page = login(world.officer).get(url).content.decode()
    # Both are listed, each with what the recipients will see of it (never the person's words).
    assert "About 2 experiences" in page and first.reference in page and second.reference in page
    assert "First story" not in page and page.count("No shareable summary yet") >= 2
    volunteer = MembershipFactory(body=world.healthwatch, role=Role.MEMBER).user
    assert login(volunteer).get(url).status_code == 403


def test_acknowledging_by_link_sends_a_fresh_link_to_respond_later(
    world, raised, client, django_capture_on_commit_callbacks
):
    link = link_from(email_to("icb@example.org")[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(link, {"name": "Dee", "response": ""})
    assert "tell them what you will do now" in page.content.decode()
    fresh = link_from(email_to("icb@example.org")[-1].body)
    assert fresh != link
    empty = client.post(fresh, {"name": "Dee", "response": ""})
    assert "Enter what your organisation will do" in empty.content.decode()
    client.post(fresh, {"name": "Dee", "response": "We will audit the rota."})
    assert raised.recipients.get(body=world.icb).state == "responded"


def test_a_second_chase_on_a_frozen_clock_adds_nothing(world, raised):
    from agencies.models import SignedLink

    assert chase_on(datetime.date(2026, 12, 4)) > 0
    links = SignedLink.objects.count()
    assert chase_on(datetime.date(2026, 12, 4)) == 0
    assert SignedLink.objects.count() == links


def test_an_alert_sent_earlier_counts_from_its_day_and_its_answers_keep_their_time(world):
    """An alert already sent by email (as the demo's are) is recorded with its real day; an
    acknowledgement given by phone keeps the time it was given. Neither may be in the future,
    nor an answer before the alert was sent: a clear error and nothing recorded."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from concerns.models import Alert

    monday = datetime.date(2026, 3, 2)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(ValidationError) as error:
            make_alert(world, sent_on=timezone.localdate() + datetime.timedelta(days=1))
        assert "sent_on" in error.value.message_dict
        assert not Alert.all_objects.exists()
        alert = make_alert(world, sent_on=monday)
        recipient = alert.recipients.get(body=world.icb)
        assert (alert.sent_on, recipient.due_on) == (monday, datetime.date(2026, 3, 9))
        too_early = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
        with pytest.raises(ValidationError, match="between the day the alert was sent and now"):
            alerts.alert_acknowledge(recipient=recipient, user=world.icb_officer, at=too_early)
        recipient.refresh_from_db()
        assert recipient.state == AlertRecipient.State.SENT
        given = datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC)
        alerts.alert_acknowledge(recipient=recipient, user=world.icb_officer, at=given)
        recipient.refresh_from_db()
        assert recipient.acknowledged_at == given


def test_a_plain_member_of_a_body_that_has_an_administrator_does_not_oversee_the_areas_alerts(world, login):
    """Oversight of every alert in an area goes with an administrator's own seat, not with
    belonging to a body where someone else is the administrator."""
    from concerns.models import Alert

    alert = make_alert(world)  # Healthwatch to the ICB and scrutiny: the council is no party
    member = MembershipFactory(body=world.council, role=Role.MEMBER).user  # world.owner administers it
    assert not Alert.all_objects.for_user(member).filter(pk=alert.pk).exists()
    assert Alert.all_objects.for_user(world.owner).filter(pk=alert.pk).exists()


def test_an_alert_to_two_of_my_bodies_is_listed_once_and_its_query_has_no_distinct(world, login):
    """Recipients are asked in subqueries, not joined, so the list needs no DISTINCT (which sorted
    every alert of the area and each recipient before the first page) and shows each alert once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    both = MembershipFactory(body=world.icb, role=Role.OFFICER).user
    MembershipFactory(body=world.scrutiny, role=Role.OFFICER, user=both)
    make_alert(world, summary="Cold wards on the seventh floor")
    client = login(both)
    url = reverse("concerns:alerts", args=[world.area.slug])
    for params in ({}, {"box": "all"}, {"box": "received", "state": "sent"}, {"box": "all", "state": "sent"}):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, params).content.decode()
        assert page.count("Cold wards on the seventh floor") == 1, params
        listing = [q["sql"] for q in queries.captured_queries if 'FROM "concerns_alert"' in q["sql"]]
        assert listing and all("DISTINCT" not in sql for sql in listing), params
        assert all('JOIN "concerns_alertrecipient"' not in sql for sql in listing), params
    # Someone with no part in it, and no oversight of the area, does not see it.
    assert "Cold wards" not in login(world.outsider).get(url, {"box": "all"}).content.decode()
