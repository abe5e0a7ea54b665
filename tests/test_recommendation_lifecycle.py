"""The recommendation lifecycle (#13 item 2): drafted, agreed at a meeting, sent in one action
(the clock starts that day; one email per recommendation), withdrawn or corrected with a reason;
drafts are never sent, counted or public."""

import datetime
import html
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agencies.models import Notification, ResponseDuty
from reports.models import Recommendation
from reports.recommendations import lifecycle, services

MON_2 = datetime.date(2026, 11, 2)


def at(day):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC), tick=False)


def page_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def when(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def nhs_rule():
    return ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield


@pytest.fixture
def report(world):
    return services.report_create(
        locality=world.area,
        issuing_body=world.scrutiny,
        title="Discharge from hospital",
        summary="People waited days for care at home after leaving hospital.",
        reference_prefix="HOSC-2026-11",
    )


def sent_emails(body) -> int:
    return Notification.objects.filter(to_email=body.contact_email, kind="recommendation").count()


def draft(report, body, text="Publish discharge delays monthly."):
    return lifecycle.recommendation_draft(report=report, text=text, addressed_to=body, duty=nhs_rule())


def test_the_done_means_sequence(world, login, report, client, django_capture_on_commit_callbacks):
    officer = login(world.scrutiny_officer)
    report_url = reverse("reports:report", args=[world.area.slug, report.pk])
    slug = world.area.slug
    with at(MON_2), django_capture_on_commit_callbacks(execute=True):
        for body, text in [
            (world.trust, "First"),
            (world.trust, "Second"),
            (world.icb, "Third"),
            (world.icb, "Fourth"),
        ]:
            made = officer.post(report_url, {"text": text, "addressed_to": body.pk, "duty": nhs_rule().pk})
            assert made.status_code == 302
        r1, r2, r3, r4 = Recommendation.objects.filter(report=report).order_by("id")
        assert {r.state for r in (r1, r2, r3, r4)} == {"draft"} and r1.sent_on is r1.due_on is None
        assert sent_emails(world.trust) == sent_emails(world.icb) == 0  # nothing sent, no clock
        edit = reverse("reports:recommendation-edit", args=[slug, r3.pk])
        edited = officer.post(edit, {"text": "Third, edited", "addressed_to": world.icb.pk, "duty": nhs_rule().pk})
        assert edited.status_code == 302
        assert officer.post(reverse("reports:recommendation-delete", args=[slug, r4.pk])).status_code == 302
        agreed = officer.post(
            reverse("reports:report-agree", args=[slug, report.pk]),
            {**when("meeting_on", datetime.date(2026, 10, 29)), "agreed_by": "Health Scrutiny Committee"},
        )
        assert agreed.status_code == 302
        send = reverse("reports:report-send", args=[slug, report.pk])
        first = officer.post(send, follow=True)
        assert "Sent HOSC-2026-11-R1, HOSC-2026-11-R2, HOSC-2026-11-R3" in page_text(first)
        second = officer.post(send, follow=True)  # a second click
        assert "There are no agreed recommendations waiting to be sent" in page_text(second)
        assert (sent_emails(world.trust), sent_emails(world.icb)) == (2, 1)  # one per recommendation
        r3.refresh_from_db()
        assert (r3.text, r3.state, r3.sent_on, r3.meeting_agreed_on) == (
            "Third, edited",
            "awaiting",
            MON_2,
            datetime.date(2026, 10, 29),
        )
        assert r3.due_on == datetime.date(2026, 11, 30)  # 28 days from the day it was sent
        assert not Recommendation.objects.filter(pk=r4.pk).exists()
        withdraw = reverse("reports:recommendation-withdraw", args=[slug, r1.pk])
        assert officer.post(withdraw, {"reason": "The trust closed the ward."}).status_code == 302
    told = Notification.objects.filter(to_email=world.trust.contact_email, dedupe_key__contains="withdrawn")
    assert told.count() == 1 and "The trust closed the ward." in told.get().body
    links = {
        ref: re.search(r"(/respond/recommendations/\S+/)", m.body).group(1)
        for m in mail.outbox
        if world.trust.contact_email in m.to[0] and "response due" in m.subject
        for ref in re.findall(r"HOSC-2026-11-R\d", m.subject)
    }
    client.logout()
    with at(datetime.date(2026, 11, 9)):
        refused = client.post(links["HOSC-2026-11-R1"], {"name": "Tam", "decision": "accepted", "action_plan": "x"})
        assert "was withdrawn" in page_text(refused) and not hasattr(Recommendation.objects.get(pk=r1.pk), "response")
        shown = page_text(client.get(links["HOSC-2026-11-R2"]))
        assert "People waited days for care at home" in shown  # the report's findings
        answered = client.post(
            links["HOSC-2026-11-R2"], {"name": "Tam", "decision": "accepted", "action_plan": "Weekly huddles."}
        )
        assert answered.status_code == 200
        draft(report, world.icb, "A later draft, never public.")
        services.report_publish(report=report, on=datetime.date(2026, 11, 9))
        reader = login(world.read_only)
        tracker = page_text(reader.get(reverse("reports:recommendations", args=[slug])))
        board = page_text(reader.get(reverse("reports:dashboard", args=[slug])))
        public = page_text(client.get(reverse("public-report", args=[slug, report.pk])))
    # Hand count: R1 withdrawn (shown, not counted), R2 answered on time, R3 awaiting, not yet due.
    assert "Withdrawn The trust closed the ward." in tracker and "A later draft" not in tracker
    # made, on time of those due, not yet due, median days, outstanding, overdue
    assert "NHS Testshire ICB 1 – (none due yet) 1 – 1 0" in tracker
    assert "Testshire Hospitals NHS Trust 1 100% (1 of 1) 0 7 0 0" in tracker
    assert "100% responded on time (1 of 1); 1 not yet due" in board
    assert "Withdrawn: The trust closed the ward." in public
    assert "A later draft" not in public and "HOSC-2026-11-R4" not in public


def test_a_sent_recommendation_cannot_be_edited_or_deleted(world, login, report):
    with at(MON_2):
        rec = services.recommendation_issue(
            report=report, text="Sent on paper.", addressed_to=world.icb, duty=nhs_rule(), sent_on=MON_2
        )
        officer = login(world.scrutiny_officer)
        edited = officer.post(
            reverse("reports:recommendation-edit", args=[world.area.slug, rec.pk]),
            {"text": "Changed quietly", "addressed_to": world.icb.pk, "duty": nhs_rule().pk},
            follow=True,
        )
        deleted = officer.post(reverse("reports:recommendation-delete", args=[world.area.slug, rec.pk]), follow=True)
    assert "has been sent: correct or withdraw it, with a reason, instead" in page_text(edited)
    assert "cannot be deleted" in page_text(deleted)
    rec.refresh_from_db()
    assert rec.text == "Sent on paper." and rec.state == "awaiting"


def test_a_draft_is_not_sent_before_the_committee_agrees_it(world, report):
    with at(MON_2):
        rec = draft(report, world.icb)
        with pytest.raises(Exception, match="record the committee's agreement"):
            lifecycle.recommendation_send(recommendation=rec)
        with pytest.raises(Exception, match="every recommendation is a draft"):
            lifecycle.recommendations_send(report=report)
    assert Recommendation.objects.get(pk=rec.pk).state == "draft" and sent_emails(world.icb) == 0


def test_an_agreed_date_in_the_future_is_refused(world, login, report):
    with at(MON_2):
        draft(report, world.icb)
        response = login(world.scrutiny_officer).post(
            reverse("reports:report-agree", args=[world.area.slug, report.pk]),
            {**when("meeting_on", datetime.date(2026, 11, 20)), "agreed_by": "The committee"},
        )
    assert response.status_code == 400
    assert "must be today or in the past" in page_text(response)
    assert Recommendation.objects.get(report=report).state == "draft"


def test_two_tabs_sending_at_once_send_one_email_each(world, report, django_capture_on_commit_callbacks):
    """Both tabs read the agreed recommendations before either sends: only the conditional
    update's winner sends, so the body gets one email."""
    with at(MON_2), django_capture_on_commit_callbacks(execute=True):
        draft(report, world.icb)
        lifecycle.recommendations_agree(report=report, meeting_on=MON_2, agreed_by="The committee")
        stale = list(Recommendation.objects.filter(report=report))  # the second tab's view
        assert len(lifecycle.recommendations_send(report=report)) == 1
        assert lifecycle._send_one(stale[0], MON_2) is False
    assert sent_emails(world.icb) == 1
    assert len([m for m in mail.outbox if world.icb.contact_email in m.to[0]]) == 1


def test_a_withdrawn_recommendation_is_not_answered_chased_or_counted(world, login, report):
    with at(MON_2):
        rec = services.recommendation_issue(
            report=report, text="Sent.", addressed_to=world.icb, duty=nhs_rule(), sent_on=MON_2
        )
        lifecycle.recommendation_withdraw(recommendation=rec, reason="Overtaken by the new contract.")
    with at(datetime.date(2026, 12, 20)):
        page = login(world.icb_officer).post(
            reverse("reports:recommendation-respond-in-app", args=[world.area.slug, rec.pk]),
            {"name": "Ivy", "decision": "accepted", "action_plan": "x"},
            follow=True,
        )
        assert "was withdrawn: Overtaken by the new contract." in page_text(page)
        with pytest.raises(Exception, match="was withdrawn"):
            services.response_record(
                recommendation=rec, decision="accepted", reasons="", action_plan="x", target_date=None, name="Ivy"
            )
        assert not Recommendation.objects.overdue(datetime.date(2026, 12, 20)).exists()
        assert Recommendation.objects.counted().count() == 0
    with pytest.raises(Exception, match="only a sent recommendation awaiting its response"):
        lifecycle.recommendation_withdraw(recommendation=rec, reason="Again")


def test_a_correction_keeps_the_old_text_and_tells_the_body(world, report, django_capture_on_commit_callbacks):
    with at(MON_2), django_capture_on_commit_callbacks(execute=True):
        rec = services.recommendation_issue(
            report=report, text="Publish delays weekly.", addressed_to=world.icb, duty=nhs_rule(), sent_on=MON_2
        )
        lifecycle.recommendation_correct(recommendation=rec, text="Publish delays monthly.", reason="A typing slip.")
        with pytest.raises(Exception, match="same as the text now"):
            lifecycle.recommendation_correct(
                recommendation=rec, text="Publish delays monthly.", reason="A second click."
            )
    rec.refresh_from_db()
    assert rec.text == "Publish delays monthly." and rec.corrected_reason == "A typing slip."
    assert "Publish delays weekly." in set(rec.history.values_list("text", flat=True))
    told = Notification.objects.filter(to_email=world.icb.contact_email, dedupe_key__contains="corrected")
    assert told.count() == 1 and "A typing slip." in told.get().body


def test_one_already_sent_is_recorded_with_its_real_date_and_not_in_the_future(world, login, report):
    url = reverse("reports:report-record-sent", args=[world.area.slug, report.pk])
    fields = {"text": "Sent on paper.", "addressed_to": world.icb.pk, "duty": nhs_rule().pk}
    with at(datetime.date(2026, 11, 10)):
        officer = login(world.scrutiny_officer)
        future = officer.post(url, {**fields, **when("sent_on", datetime.date(2026, 11, 20))})
        assert future.status_code == 400 and "must be today or in the past" in page_text(future)
        assert officer.post(url, {**fields, **when("sent_on", MON_2)}).status_code == 302
    rec = Recommendation.objects.get(report=report)
    assert (rec.state, rec.sent_on, rec.due_on) == ("awaiting", MON_2, datetime.date(2026, 11, 30))


@override_settings(DEBUG=True)
def test_the_demo_has_a_draft_report_with_two_unsent_and_one_withdrawn(db):
    call_command("seed_demo")
    call_command("seed_demo")  # again: nothing changes
    from reports.demo import DRAFT_TITLE

    recs = Recommendation.objects.filter(report__title=DRAFT_TITLE)
    assert sorted(recs.values_list("state", flat=True)) == ["draft", "draft", "withdrawn"]
    withdrawn = recs.get(state="withdrawn")
    assert withdrawn.withdrawn_reason.startswith("The ICB began publishing") and withdrawn.sent_on
    assert not recs.counted().exists() and recs.sent().count() == 1


def test_a_factual_accuracy_check_holds_the_clock_until_the_final_report(
    world, login, report, django_capture_on_commit_callbacks
):
    """The provider checks the facts in confidence by an agreed date; the recommendations are
    sent, and their 28 days start, only once the check is done."""
    slug = world.area.slug
    with at(MON_2), django_capture_on_commit_callbacks(execute=True):
        draft(report, world.trust)
        lifecycle.recommendations_agree(report=report, meeting_on=MON_2, agreed_by="The committee")
        officer = login(world.scrutiny_officer)
        url = reverse("reports:report-accuracy-check", args=[slug, report.pk])
        past = officer.post(url, {"provider": world.trust.pk, **when("due_on", MON_2)})
        assert past.status_code == 400 and "must be after today" in page_text(past)
        sent = officer.post(url, {"provider": world.trust.pk, **when("due_on", datetime.date(2026, 11, 16))})
        assert sent.status_code == 302
        refused = officer.post(reverse("reports:report-send", args=[slug, report.pk]), follow=True)
        assert "for a factual-accuracy check (comments due 16 November 2026)" in page_text(refused)
    check = Notification.objects.get(to_email=world.trust.contact_email, kind="accuracy-check")
    assert "In confidence" in check.subject and sent_emails(world.trust) == 0
    with at(datetime.date(2026, 11, 16)):
        officer.post(reverse("reports:report-accuracy-check-done", args=[slug, report.pk]))
        assert len(lifecycle.recommendations_send(report=report)) == 1
    rec = Recommendation.objects.get(report=report)
    assert (rec.sent_on, rec.due_on) == (datetime.date(2026, 11, 16), datetime.date(2026, 12, 14))
