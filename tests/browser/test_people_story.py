"""Issue 14's story, tried as a new user would, in a real browser (every page checked with axe):

a visitor shares an experience from the front door and gets a reference; a Healthwatch officer
rejects a spam one from the queue and accepts the real one; selects it with thirteen similar
experiences and alerts the ICB; the ICB acknowledges; the visitor gets exactly one update email
and sees the trail at "Track your experience"; six weeks after the experience is closed the
follow-up arrives once, and its answer is counted on the board's dashboard and the Healthwatch
landing page.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from agencies.models import BodyKind
from agencies.outbox_models import Notification
from concerns import tasks
from concerns.models import Alert, Concern
from concerns.updates_models import FollowUp, UpdatesWish
from tests.browser.test_accessibility import assert_accessible, follow, sign_in_by_keyboard
from tests.conftest import make_concern
from tests.factories import BodyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISITOR = "visitor@example.com"
STORY = "The night nurses on Ward 7 did not answer the call bell for an hour."
SPAM = "Cheap watches and prizes at example.biz, click now"


def share(page, world, *, narrative, email=None):
    """The public form as a visitor fills it in; returns the thank-you page's reference."""
    page.get_by_label("Which service is it about?").fill("Ward 7 Testshire General")
    page.get_by_label("What type of service is it?").select_option(label="Hospital")
    happened = datetime.date.today() - datetime.timedelta(days=3)
    page.get_by_label("Day", exact=True).fill(str(happened.day))
    page.get_by_label("Month", exact=True).fill(str(happened.month))
    page.get_by_label("Year", exact=True).fill(str(happened.year))
    page.get_by_label("Negative").check()
    page.get_by_label("Tell us what happened").fill(narrative)
    if email:
        page.get_by_label("Yes, email me").check()
        page.get_by_label("Your email address").fill(email)
    follow(page, page.get_by_role("button", name="Send your experience"))
    assert page.locator("h1").inner_text() == "Thank you for sharing your experience"
    assert_accessible(page)
    return re.search(r"Your reference\s+(\S+)", page.inner_text(".govuk-panel")).group(1)


def decide(page, words, outcome, *, service=None, theme=None):
    """From the queue, review the experience whose text has these words and save a decision."""
    card = page.locator(".govuk-summary-card", has_text=words)
    follow(page, card.get_by_role("link", name=re.compile("^Review")))
    assert_accessible(page)
    page.get_by_label(outcome).check()
    if service:
        page.get_by_label("Service it is about").select_option(label=service)
    if theme:
        page.get_by_label(theme).check()
    follow(page, page.get_by_role("button", name="Save decision"))


def outcome_table(page):
    """The 'Did things get better?' table of a dashboard."""
    return page.locator("table", has=page.locator("caption", has_text="six weeks after a concern closed"))


def assert_counted_once(table):
    """One answer, 'Better': counted there, and shown as 'fewer than 5' so no one is picked out."""
    assert "the total is not shown" in table.locator("caption").inner_text()
    rows = {row.split("\t")[0]: row.split("\t")[-1] for row in table.locator("tbody tr").all_inner_texts()}
    assert rows == {"Better": "Fewer than 5", "No change": "None", "Worse": "None", "Prefer not to say": "None"}


def test_a_visitor_is_told_once_what_changed_and_answers_the_follow_up(page, world):
    ward = BodyFactory(
        locality=world.area, name="Ward 7, Testshire General", kind=BodyKind.NHS_TRUST, service_type="hospital"
    )
    similar = [
        make_concern(world, narrative=f"No one came to the call bell on Ward 7 ({i})", service=ward) for i in range(13)
    ]
    make_concern(world, narrative="Somewhere else entirely")  # filtered out of the alert

    # 1. The visitor, from the front door to the area's form, asks to hear back.
    page.goto("/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Share your experience of health and care in Testshire"))
    assert_accessible(page)
    reference = share(page, world, narrative=STORY, email=VISITOR)
    assert re.fullmatch(r"[A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{2}", reference), reference

    # 2. A spam-like one, from the form too.
    follow(page, page.get_by_role("link", name="Share another experience"))
    share(page, world, narrative=SPAM)

    # 3. The officer works through the queue: rejects the spam, accepts the real one.
    page.context.clear_cookies()
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("reports:healthwatch-home", args=[world.area.slug]))
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="shared online, waiting for review"))
    assert "2 waiting" in page.inner_text("main")
    assert_accessible(page)
    decide(page, "Cheap watches", "Reject it as spam")
    assert "rejected as spam" in page.inner_text("main")
    assert_accessible(page)
    decide(page, "call bell for an hour", "Accept it into the record", service=ward.name, theme="Waiting times")
    assert "accepted into the record." in page.inner_text("main")
    assert_accessible(page)
    shared = Concern.all_objects.get(narrative=STORY)
    assert (shared.status, shared.service) == ("reviewed", ward)
    assert Concern.all_objects.get(narrative=SPAM).status == "rejected"

    # 4. All fourteen about the ward, filtered and ticked together, in one alert to the ICB.
    page.goto(reverse("concerns:index", args=[world.area.slug]))
    assert_accessible(page)
    page.get_by_label("Service", exact=True).select_option(label=ward.name)
    follow(page, page.get_by_role("button", name="Apply filters"))
    assert "14 experiences" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("All 14 experiences matching these filters").check()
    follow(page, page.get_by_role("button", name="Raise an alert about them").first)
    assert "About 14 experiences" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("What are you asking them to do?").fill("Look into night staffing on Ward 7.")
    page.get_by_label(world.icb.name).check()
    follow(page, page.get_by_role("button", name="Send the alert"))
    # The ICB, and the ward as the provider: the form ticks it, as every experience is about it.
    assert "sent to 2 bodies" in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)
    alert = Alert.all_objects.get()
    assert set(alert.concerns.all()) == {shared, *similar}
    assert {r.body for r in alert.recipients.all()} == {world.icb, ward}

    # 5. The ICB officer acknowledges it from their work.
    page.context.clear_cookies()
    sign_in_by_keyboard(page, world.icb_officer.email)
    assert_accessible(page)
    assert "Alert to acknowledge" in page.inner_text("main")
    follow(page, page.get_by_role("link", name=re.compile(rf"^Read it.*{alert.reference}")))
    assert_accessible(page)
    follow(page, page.get_by_role("button", name=f"Acknowledge for {world.icb.name}"))
    assert_accessible(page)
    assert alert.recipients.get(body=world.icb).state == "acknowledged"

    # 6. Exactly one "what changed" email (and the confirmation from sharing), and the trail.
    to_visitor = Notification.objects.filter(to_email=VISITOR)
    kinds = sorted(to_visitor.values_list("kind", flat=True))
    assert kinds == ["person-update", "share-confirmation"]
    update = to_visitor.get(kind="person-update")
    assert f"{world.icb.name} has acknowledged an alert that included your experience" in update.body
    assert STORY not in update.body
    assert update.state == "sent"
    updates = [m for m in mail.outbox if VISITOR in m.to and "because of your experience" in m.subject]
    assert len(updates) == 1
    page.context.clear_cookies()
    page.goto("/")
    testshire = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name="Testshire", exact=True))
    follow(page, testshire.get_by_role("link", name=re.compile("^Track your experience")))
    assert_accessible(page)
    page.get_by_label("Your reference").fill(reference)
    follow(page, page.get_by_role("button", name="Find what happened"))
    assert page.locator("h1").inner_text() == "What happened to your experience"
    trail = page.inner_text("main")
    steps = [
        "Healthwatch Testshire received your experience.",
        "Healthwatch Testshire reviewed it.",
        f"Healthwatch Testshire alerted {world.icb.name} and {ward.name} about it.",
        f"{world.icb.name} acknowledged the alert.",
    ]
    assert [step in trail for step in steps] == [True] * 4, trail
    assert sorted(steps, key=trail.index) == steps  # oldest first
    assert STORY not in trail and "call bell" not in trail
    assert_accessible(page)

    # 7. The officer closes it (the experience's edit page); 43 days later, the follow-up.
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:detail", args=[world.area.slug, shared.pk]))
    assert_accessible(page)
    follow(page, page.get_by_role("link", name=f"Change or review {shared.reference}"))
    assert_accessible(page)
    page.get_by_label("Closed", exact=True).check()
    page.get_by_label("Reason for closing").fill("The trust changed the night rota.")
    follow(page, page.get_by_role("button", name="Save"))
    assert page.locator(".govuk-error-summary").count() == 0
    assert_accessible(page)
    assert Concern.all_objects.get(pk=shared.pk).status == "closed"
    closed_at = UpdatesWish.objects.get(concern=shared).closed_at
    assert closed_at is not None
    mail.outbox.clear()
    with time_machine.travel(closed_at + datetime.timedelta(days=41), tick=True):
        assert tasks.send_follow_ups() == 0  # not yet six weeks
    with time_machine.travel(closed_at + datetime.timedelta(days=43), tick=True):
        assert tasks.send_follow_ups() == 1
        assert tasks.send_follow_ups() == 0  # once only
        assert Notification.objects.filter(to_email=VISITOR, kind="person-follow-up").count() == 1
        asked = [m for m in mail.outbox if VISITOR in m.to and m.subject == "Did things get better?"]
        assert len(asked) == 1
        link = re.search(r"https?://\S+/updates/follow-up/\S+/", asked[0].body).group(0)

        sign_in_by_keyboard(page, world.board_member.email)
        page.goto(reverse("reports:dashboard", args=[world.area.slug]))
        assert "0 in all" in outcome_table(page).locator("caption").inner_text()  # and now cached

        page.context.clear_cookies()
        page.goto(re.sub(r"^https?://[^/]+", "", link))
        assert_accessible(page)
        page.get_by_label("Better").check()
        follow(page, page.get_by_role("button", name="Send your answer"))
        assert "Thank you for your answer" in page.inner_text("main")
        assert_accessible(page)
        assert FollowUp.objects.get(concern=shared).answer == "better"

        sign_in_by_keyboard(page, world.board_member.email)
        page.goto(reverse("reports:dashboard", args=[world.area.slug]))  # worked out again, not the cached one
        assert_counted_once(outcome_table(page))
        assert_accessible(page)

        page.context.clear_cookies()
        sign_in_by_keyboard(page, world.officer.email)
        page.goto(reverse("reports:healthwatch-home", args=[world.area.slug]))
        assert_counted_once(outcome_table(page))
        assert_accessible(page)

        assert tasks.send_follow_ups() == 0
    assert Notification.objects.filter(to_email=VISITOR, kind="person-follow-up").count() == 1
    assert Notification.objects.filter(to_email=VISITOR, kind="person-update").count() == 1
