"""Telling people what changed: one email per event to those who asked, stop links, the
six-week follow-up and its outcome measure."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from agencies.models import ResponseDuty
from concerns import alerts, follow_ups, people_updates, person_references, services
from concerns.models import Concern, ConcernContact
from concerns.updates_models import FollowUp, UpdatesWish
from reports.board import services as board
from reports.models import Review
from reports.recommendations import services as rec_services
from tests.conftest import make_alert, make_concern, make_priority, make_recommendation
from tests.test_public_and_imports import share

NOW = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
PERSON = "pat@example.com"


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def to_person():
    return [m for m in mail.outbox if any(PERSON in to for to in m.to)]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what each change enqueues after it commits (the outbox's delivery), as in production."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def asked(world):
    """A concern whose person asked to hear back (their email is in the personal details)."""
    with at(NOW):
        concern = make_concern(world)
        people_updates.wish_record(concern=concern, wants=True)
    return concern


def acknowledge(world, alert, sent):
    recipient = alert.recipients.get(body=world.icb)
    with at(NOW + datetime.timedelta(hours=2)):
        sent(alerts.alert_acknowledge, recipient=recipient, user=world.icb_officer)


# ---------------------------------------------------------------- asking to hear back


@time_machine.travel(NOW, tick=False)
def test_the_public_form_asks_and_needs_an_email_for_updates(client, world):
    cache.clear()
    page = client.get(reverse("share", args=[world.area.slug])).content.decode()
    assert "Do you want us to email you when something happens because of your experience?" in page
    response = share(client, world, wants_updates="yes")
    assert response.status_code == 400
    assert "Enter your email address so we can email you updates" in response.content.decode()
    assert not Concern.all_objects.exists()
    response = share(client, world, wants_updates="yes", email="sam@example.com")
    assert response.status_code == 302
    concern = Concern.all_objects.get()
    assert UpdatesWish.objects.get(concern=concern).wants_updates
    # Only the address is kept (they did not ask to be contacted otherwise).
    contact = ConcernContact.all_objects.get(concern=concern)
    assert (contact.email, contact.consent_to_contact) == ("sam@example.com", False)


@time_machine.travel(NOW, tick=False)
def test_staff_record_the_wish_in_the_personal_details_and_see_it(world, login):
    concern = make_concern(world)
    client = login(world.officer)
    url = reverse("concerns:personal-edit", args=[world.area.slug, concern.pk])
    response = client.post(url, {"name": "Pat Patient", "wants_updates": "on"})
    assert response.status_code == 400
    assert "Enter their email address" in response.content.decode()
    client.post(url, {"name": "Pat Patient", "email": PERSON, "wants_updates": "on"})
    assert UpdatesWish.objects.get(concern=concern).wants_updates
    page = client.get(reverse("concerns:detail", args=[world.area.slug, concern.pk])).content.decode()
    assert "Emails about what happened" in page and "Asked for" in page


# ---------------------------------------------------------------- one email per event


def test_an_acknowledged_alert_sends_the_person_one_update(world, asked, sent):
    with at(NOW):
        alert = sent(make_alert, world, concerns=[asked])
    mail.outbox.clear()
    acknowledge(world, alert, sent)
    messages = to_person()
    assert len(messages) == 1
    body = messages[0].body
    assert "NHS Testshire ICB has acknowledged an alert that included your experience" in body
    reference = person_references.reference_for(asked)
    assert reverse("public-track-reference", args=[reference]) in body
    assert "Waited six hours" not in body and "Long waits in A&E" not in body  # no one's words
    # Responding afterwards, or the sweep running again, sends nothing more.
    recipient = alert.recipients.get(body=world.icb)
    with at(NOW + datetime.timedelta(hours=3)):
        sent(alerts.alert_respond, recipient=recipient, response="We will act.", user=world.icb_officer)
    people_updates.tell(
        concern_ids=[asked.pk],
        event="alert-acknowledged",
        key=f"alert-acknowledged:recipient-{recipient.pk}",
        body_name="x",
    )
    assert len(to_person()) == 1


def test_the_email_carries_a_stop_link_and_the_one_click_headers(world, asked, sent):
    with at(NOW):
        alert = sent(make_alert, world, concerns=[asked])
    acknowledge(world, alert, sent)
    message = to_person()[0]
    token = people_updates.stop_token(UpdatesWish.objects.get(concern=asked))
    assert reverse("people-updates-stop", args=[token]) in message.body
    assert message.extra_headers["List-Unsubscribe"].endswith(reverse("people-updates-one-click", args=[token]) + ">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("why", ["did not ask", "stopped", "safeguarding"])
def test_no_update_when_the_person_did_not_ask_stopped_or_staff_did_not_allow_it(world, sent, why):
    with at(NOW):
        concern = make_concern(world, safeguarding=why == "safeguarding")
        if why != "did not ask":
            wish = people_updates.wish_record(concern=concern, wants=True)
        if why == "stopped":
            people_updates.updates_stop(wish=wish, how=people_updates.BY_LINK)
        alert = sent(make_alert, world, concerns=[concern])
    acknowledge(world, alert, sent)
    assert to_person() == []


def test_staff_may_allow_updates_for_a_safeguarding_concern_recorded_with_who_and_when(world, sent, login):
    with at(NOW):
        concern = make_concern(world, safeguarding=True)
        people_updates.wish_record(concern=concern, wants=True)
        url = reverse("concerns:personal-edit", args=[world.area.slug, concern.pk])
        form = {"name": "Pat Patient", "email": PERSON, "wants_updates": "on", "safeguarding_updates": "on"}
        assert login(world.officer).post(url, form).status_code == 302
        alert = sent(make_alert, world, concerns=[concern])
    wish = UpdatesWish.objects.get(concern=concern)
    assert (wish.safeguarding_allowed_by, wish.safeguarding_allowed_at) == (world.officer, NOW)
    acknowledge(world, alert, sent)
    assert len(to_person()) == 1


def test_a_review_and_its_published_report_each_send_once(world, asked, sent):
    with at(NOW):
        review = sent(
            rec_services.review_create,
            locality=world.area,
            lead_body=world.scrutiny,
            created_by=world.scrutiny_officer,
            kind=Review.Kind.SCRUTINY_REVIEW,
            topic="A&E waits",
            concerns=[asked],
        )
        assert len(to_person()) == 1
        assert "Testshire Scrutiny Committee is looking into your experience" in to_person()[0].body
        report = rec_services.report_create(
            locality=world.area,
            issuing_body=world.scrutiny,
            title="A&E waits",
            summary="We heard about long waits.",
            reference_prefix="HOSC-2026-99",
            review=review,
        )
        rec_services.recommendation_issue(
            report=report,
            text="Publish waits weekly.",
            addressed_to=world.icb,
            duty=ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None),
            sent_on=datetime.date(2026, 11, 2),
        )
        sent(rec_services.report_publish, report=report, on=NOW.date())
        sent(rec_services.report_publish, report=report, on=NOW.date())
    messages = to_person()
    assert len(messages) == 2
    assert "has published a report that drew on your experience" in messages[1].body


def test_a_response_to_a_recommendation_from_its_report_sends_once(world, asked, sent):
    with at(NOW):
        rec = make_recommendation(world)
        rec.report.review.concerns.add(asked)
        sent(
            rec_services.response_record,
            recommendation=rec,
            decision="accepted",
            reasons="",
            action_plan="Publish weekly.",
            target_date=None,
            name="Ivy",
        )
    messages = to_person()
    assert len(messages) == 1
    assert "NHS Testshire ICB has responded to a recommendation" in messages[0].body


def test_a_board_action_marked_done_sends_once(world, asked, sent):
    with at(NOW):
        priority = make_priority(world)
        board.thread_link(priority=priority, concerns=[asked])
        action = board.action_add(
            priority=priority,
            user=world.board_member,
            action="Open a new ward",
            owner_body=world.trust,
            due_on=NOW.date() + datetime.timedelta(days=30),
        )
        sent(board.action_done, action=action, on=NOW.date())
        sent(board.action_done, action=action, on=NOW.date())
    messages = to_person()
    assert len(messages) == 1
    assert "has finished an action the health and wellbeing board agreed" in messages[0].body


# ---------------------------------------------------------------- stopping


def test_the_stop_page_changes_nothing_until_its_button_is_pressed(world, asked):
    wish = UpdatesWish.objects.get(concern=asked)
    url = reverse("people-updates-stop", args=[people_updates.stop_token(wish)])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    reference = person_references.reference_for(asked)
    assert page.status_code == 200 and f"Stop emails about {reference}?" in page.content.decode()
    wish.refresh_from_db()
    assert wish.stopped_at is None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    with at(NOW + datetime.timedelta(days=1)):
        done = client.post(url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and "Emails stopped" in done.content.decode()
    wish.refresh_from_db()
    assert (wish.stopped_at, wish.stopped_how) == (NOW + datetime.timedelta(days=1), people_updates.BY_LINK)
    again = client.post(url, {"csrfmiddlewaretoken": token})
    assert "You have already stopped these emails" in again.content.decode()
    wish.refresh_from_db()
    assert wish.stopped_at == NOW + datetime.timedelta(days=1)  # the first stop is kept


def test_one_click_stops_without_csrf_and_twice_is_harmless(world, asked, login):
    wish = UpdatesWish.objects.get(concern=asked)
    url = reverse("people-updates-one-click", args=[people_updates.stop_token(wish)])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 405  # a scanner following the link changes nothing
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    wish.refresh_from_db()
    assert wish.stopped_how == people_updates.BY_ONE_CLICK
    assert "You have already stopped these emails" in client.post(url).content.decode()
    page = login(world.officer).get(reverse("concerns:detail", args=[world.area.slug, asked.pk])).content.decode()
    assert "Stopped on" in page


@pytest.mark.parametrize("name", ["people-updates-stop", "people-updates-one-click"])
def test_a_tampered_stop_link_gets_a_clear_message_and_stops_nothing(world, asked, name):
    token = people_updates.stop_token(UpdatesWish.objects.get(concern=asked))
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().post(reverse(name, args=[tampered]))
    assert response.status_code == 400
    assert "This link to stop emails is not valid" in response.content.decode()
    assert UpdatesWish.objects.get(concern=asked).stopped_at is None


# ---------------------------------------------------------------- the six-week follow-up


def close(concern, when, status="closed"):
    details = services.ConcernDetails(
        received_on=concern.received_on,
        channel=concern.channel,
        service_type=concern.service_type,
        sentiment=concern.sentiment,
        narrative=concern.narrative,
        service=concern.service,
        status=status,
        closed_reason="Shared with the provider." if status == "closed" else "",
    )
    with at(when):
        services.concern_update(concern=concern, details=details)


def test_the_follow_up_goes_once_six_weeks_after_closing(world, asked, sent):
    close(asked, NOW)
    with at(NOW + datetime.timedelta(days=41)):
        assert sent(follow_ups.follow_ups_send) == 0
    with at(NOW + datetime.timedelta(days=43)):
        assert sent(follow_ups.follow_ups_send) == 1
        assert sent(follow_ups.follow_ups_send) == 0
    messages = [m for m in to_person() if m.subject == "Did things get better?"]
    assert len(messages) == 1
    assert "List-Unsubscribe" in messages[0].extra_headers


def _follow_up_link(world, asked, sent) -> str:
    close(asked, NOW)
    with at(NOW + datetime.timedelta(days=43)):
        sent(follow_ups.follow_ups_send)
    message = next(m for m in to_person() if m.subject == "Did things get better?")
    return re.search(r"(/updates/follow-up/\d+/[\w-]+/)", message.body).group(1)


def test_the_follow_up_answer_is_kept_once_and_shown_to_healthwatch_and_the_board(world, asked, sent, login):
    link = _follow_up_link(world, asked, sent)
    client = Client()
    assert "Did things get better?" in client.get(link).content.decode()
    assert client.post(link, {}).status_code == 400  # no choice: an error naming the question
    assert "Thank you for your answer" in client.post(link, {"answer": "better"}).content.decode()
    again = client.post(link, {"answer": "worse"})
    assert "You have already answered — thank you" in again.content.decode()
    assert FollowUp.objects.get(concern=asked).answer == "better"  # the first answer is kept
    for persona, name in (("officer", "reports:healthwatch-home"), ("read_only", "reports:dashboard")):
        page = login(getattr(world, persona)).get(reverse(name, args=[world.area.slug])).content.decode()
        assert "Did things get better?" in page
        assert "Fewer than 5" in page  # one answer: not shown exactly


def test_a_tampered_follow_up_link_gets_a_clear_message(world, asked, sent):
    link = _follow_up_link(world, asked, sent)
    response = Client().post(link[:-5] + "xxxx/", {"answer": "worse"})
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert FollowUp.objects.get(concern=asked).answer == ""


def answers(world, **counts):
    with at(NOW):
        for answer, n in counts.items():
            for _ in range(n):
                FollowUp.objects.create(
                    concern=make_concern(world), locality=world.area, answer=answer, answered_at=NOW
                )
    return follow_ups.outcome_measure(locality=world.area, today=NOW.date())


def test_the_outcome_measure_shows_counts_and_shares_once_numbers_are_not_small(world):
    outcome = answers(world, better=5, worse=6)
    assert dict(outcome.lines) == {
        "Better": "5 (45%)",
        "No change": "None",
        "Worse": "6 (55%)",
        "Prefer not to say": "None",
    }
    assert outcome.total_shown == "11"


def test_a_hidden_answer_hides_the_total_and_the_shares_too(world):
    """Better 5 (71%) would give the total (7), and so the 'fewer than 5' worse answers (2)."""
    outcome = answers(world, better=5, worse=2)
    assert dict(outcome.lines) == {
        "Better": "5",
        "No change": "None",
        "Worse": "Fewer than 5",
        "Prefer not to say": "None",
    }
    assert outcome.total_shown == "Not shown"


@pytest.mark.parametrize(
    ("name", "persona"), [("reports:healthwatch-home", "officer"), ("reports:dashboard", "read_only")]
)
def test_the_outcome_measure_makes_the_same_queries_for_2_or_20_answers(world, login, name, persona):
    from tests.test_query_counts import count_queries

    client, url = login(getattr(world, persona)), reverse(name, args=[world.area.slug])

    def answers(n):
        for _ in range(n):
            FollowUp.objects.create(concern=make_concern(world), locality=world.area, answer="better", answered_at=NOW)

    with at(NOW):
        answers(2)
        cache.clear()
        small = count_queries(client, url)
        answers(18)
        cache.clear()
        large = count_queries(client, url)
    assert large == small


def test_a_visitor_hears_once_when_the_icb_acknowledges_and_answers_the_follow_up_once(world, client, login, sent):
    """The issue's story: shared online asking for updates; reviewed; alerted; the ICB
    acknowledges by its emailed link; closed; six weeks later the follow-up, answered once."""
    cache.clear()
    with at(NOW):
        share(client, world, wants_updates="yes", email=PERSON)
    concern = Concern.all_objects.get()
    close(concern, NOW, status="reviewed")
    with at(NOW):
        alert = sent(make_alert, world, concerns=[concern])
    icb_email = next(m for m in mail.outbox if "icb@example.org" in m.to[0])
    link = re.search(r"(/respond/alerts/\d+/\d+/[\w-]+/)", icb_email.body).group(1)
    with at(NOW + datetime.timedelta(hours=1)):
        sent(Client().post, link, {"name": "Dee", "response": ""})
    updates = [m for m in to_person() if m.subject == "Something has happened because of your experience"]
    assert len(updates) == 1
    assert "NHS Testshire ICB has acknowledged an alert that included your experience" in updates[0].body
    assert "Could not get an appointment" not in updates[0].body
    assert alert.recipients.get(body=world.icb).state == "acknowledged"
    close(concern, NOW + datetime.timedelta(days=2))
    with at(NOW + datetime.timedelta(days=45)):
        sent(follow_ups.follow_ups_send)
        sent(follow_ups.follow_ups_send)
    asked = [m for m in to_person() if m.subject == "Did things get better?"]
    assert len(asked) == 1
    answer = re.search(r"(/updates/follow-up/\d+/[\w-]+/)", asked[0].body).group(1)
    dashboard = reverse("reports:dashboard", args=[world.area.slug])
    with at(NOW + datetime.timedelta(days=46)):
        board_member = login(world.read_only)
        assert "Did things get better?" in board_member.get(dashboard).content.decode()  # now cached
        sent(Client().post, answer, {"answer": "better"})
        page = board_member.get(dashboard).content.decode()
    assert "the total is not shown" in page  # the cached dashboard was worked out again (one answer: hidden)
    assert FollowUp.objects.get(concern=concern).answer == "better"
