"""Recommendations: statutory deadlines, responses by link or in the app, chasing, the tracker
and the public pages."""

import datetime
import html
import io
import re

import docx
import time_machine
from django.core import mail
from django.urls import resolve, reverse
from django.utils import timezone

from agencies.models import Notification, ResponseDuty, Role
from reports.models import EvidenceRequest, Recommendation
from reports.recommendations import chasing, services
from tests.conftest import make_recommendation
from tests.factories import MembershipFactory


def at(day):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC), tick=False)


def test_deadlines_follow_the_duty_with_an_explanation(world):
    with at(datetime.date(2027, 1, 4)):
        nhs = make_recommendation(world, sent_on=datetime.date(2026, 12, 18))
        executive = make_recommendation(
            world, to=world.council, sent_on=datetime.date(2026, 12, 31), duty="scrutiny-executive"
        )
        healthwatch = make_recommendation(world, sent_on=datetime.date(2026, 12, 18), duty="healthwatch-report")
    assert nhs.due_on == datetime.date(2027, 1, 15)  # 28 days
    assert executive.due_on == datetime.date(2027, 2, 28)  # two months, clamped
    assert healthwatch.due_on == datetime.date(2027, 1, 20)  # 20 working days
    assert "skipping 25 and 28 Dec and 1 Jan: due Wed 20 Jan 2027" in healthwatch.due_explanation


def test_the_body_answers_through_the_emailed_link_once(world, client, django_capture_on_commit_callbacks):
    with at(datetime.date(2026, 11, 2)), django_capture_on_commit_callbacks(execute=True):
        rec = make_recommendation(world)
    email = next(m for m in mail.outbox if "icb@example.org" in m.to[0])
    link = re.search(r"(/respond/recommendations/\S+/)", email.body).group(1)
    assert client.get(link).status_code == 200
    missing = client.post(link, {"name": "Dee", "decision": "not_accepted"})
    assert "Give the reasons the recommendation is not accepted" in missing.content.decode()
    answered = client.post(
        link, {"name": "Dee", "decision": "accepted", "action_plan": "Weekly publication from January."}
    )
    assert "Your response is recorded" in answered.content.decode()
    rec.refresh_from_db()
    assert (rec.state, rec.response.decision, rec.response.via_link) == ("responded", "accepted", True)
    assert client.post(link, {"name": "Eve", "decision": "accepted", "action_plan": "x"}).status_code == 410


def test_a_body_that_is_not_the_addressee_cannot_respond(world, login):
    rec = make_recommendation(world)
    url = reverse("reports:recommendation-respond-in-app", args=[world.area.slug, rec.pk])
    assert login(world.officer).get(url).status_code == 403  # Healthwatch, not the ICB
    response = login(world.icb_officer).post(
        url, {"name": "Ivy", "decision": "partially_accepted", "action_plan": "Monthly."}
    )
    assert response.status_code == 200 and Recommendation.objects.get(pk=rec.pk).state == "responded"


def test_bad_recommendations_are_refused(world, login):
    rec = make_recommendation(world)
    client = login(world.scrutiny_officer)
    url = reverse("reports:report-record-sent", args=[world.area.slug, rec.report_id])
    duty = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None).pk
    base = {
        "text": "Do better",
        "addressed_to": world.icb.pk,
        "duty": duty,
        "sent_on_0": "1",
        "sent_on_1": "11",
        "sent_on_2": "2026",
    }
    cases = [
        ({"addressed_to": ""}, "Choose the body this recommendation is for"),
        ({"addressed_to": world.other_council.pk}, "Choose a body in this area from the list"),
        ({"sent_on_2": "2099"}, "must be today or in the past"),
        ({"reference": rec.reference}, "is already used in this area"),
    ]
    for change, message in cases:
        response = client.post(url, {**base, **change})
        assert response.status_code == 400, change
        assert message in html.unescape(response.content.decode())
    assert Recommendation.objects.count() == 1


def test_extensions_and_the_stopped_clock_move_the_deadline(world, login):
    rec = make_recommendation(world)
    client = login(world.scrutiny_officer)
    extend = reverse("reports:recommendation-extend", args=[world.area.slug, rec.pk])
    early = client.post(
        extend,
        {
            "new_due_on_0": "1",
            "new_due_on_1": "10",
            "new_due_on_2": "2026",
            "reason": "x",
            "agreed_by": "Chair",
        },
    )
    assert "The new date must be after the date the recommendation was sent" in early.content.decode()
    client.post(
        extend,
        {
            "new_due_on_0": "15",
            "new_due_on_1": "12",
            "new_due_on_2": "2026",
            "reason": "Purdah",
            "agreed_by": "Chair",
        },
    )
    rec.refresh_from_db()
    assert rec.due_on == datetime.date(2026, 12, 15) and rec.extensions.count() == 1
    with at(datetime.date(2026, 12, 1)):  # sessions last a working day: sign in on the day
        stop = login(world.scrutiny_officer).post(
            reverse("reports:recommendation-clock-stop", args=[world.area.slug, rec.pk])
        )
    assert stop.status_code == 302
    with at(datetime.date(2026, 12, 11)):
        login(world.scrutiny_officer).post(
            reverse("reports:recommendation-clock-restart", args=[world.area.slug, rec.pk])
        )
    rec.refresh_from_db()
    assert rec.due_on == datetime.date(2026, 12, 25) and "clock stopped 10 days" in rec.due_explanation


def test_a_missed_deadline_is_chased_up_the_ladder_once_each(world):
    chair = MembershipFactory(body=world.scrutiny, role=Role.CHAIR).user
    hwb_chair = MembershipFactory(body=world.hwb, role=Role.CHAIR).user
    with at(datetime.date(2026, 11, 2)):
        rec = make_recommendation(world)  # due 30 November
    for day in (
        datetime.date(2026, 11, 25),
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 10),
        datetime.date(2026, 12, 20),
    ):
        with at(day):
            chasing.recommendations_chase(today=day)
            chasing.recommendations_chase(today=day)
    body_kinds = list(
        Notification.objects.filter(to_email="icb@example.org").order_by("id").values_list("kind", flat=True)
    )
    assert body_kinds == [
        "recommendation",
        "recommendation-due-soon",
        "recommendation-due-today",
        "recommendation-overdue",
    ]
    assert (
        Notification.objects.filter(user=world.scrutiny_officer, kind="recommendation-officer", channel="email").count()
        == 1
    )
    assert Notification.objects.filter(user=chair, kind="recommendation-chair", channel="email").count() == 1
    assert Notification.objects.filter(user=hwb_chair, kind="recommendation-hwb-agenda", channel="email").count() == 1
    rec.refresh_from_db()
    assert rec.state == "awaiting"


def test_the_tracker_shows_days_overdue_and_response_rates(world, login):
    with at(datetime.date(2026, 11, 2)):
        late = make_recommendation(world)
        answered = make_recommendation(world, to=world.trust)
    with at(datetime.date(2026, 11, 20)):  # on time (the test read the wall clock: late from 1 December 2026)
        services.response_record(
            recommendation=answered, decision="accepted", reasons="", action_plan="Plan", target_date=None, name="T"
        )
    with at(datetime.date(2026, 12, 10)):
        page = login(world.read_only).get(reverse("reports:recommendations", args=[world.area.slug])).content.decode()
        csv_text = login(world.read_only).get(reverse("reports:tracker-csv", args=[world.area.slug])).content.decode()
    assert late.reference in page and "Overdue by 10 days" in page
    assert "100%" in page  # the trust answered on time
    assert late.reference in csv_text and "No response" in csv_text


def test_public_pages_and_feed_show_published_reports_only(world, client):
    draft = make_recommendation(world)
    published = make_recommendation(world, publish=True)
    services.response_record(
        recommendation=published,
        decision="accepted",
        reasons="",
        action_plan="Weekly figures",
        target_date=None,
        name="T",
    )
    listing = html.unescape(client.get(reverse("public-reports", args=[world.area.slug])).content.decode())
    assert published.report.title in listing
    assert client.get(reverse("public-report", args=[world.area.slug, draft.report_id])).status_code == 404
    page = client.get(reverse("public-report", args=[world.area.slug, published.report_id])).content.decode()
    assert "You said, we did" in page and "Weekly figures" in page
    feed = client.get(reverse("public-feed", args=[world.area.slug]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"responded to" in feed.content and b"Report published" in feed.content


def test_officers_record_a_letter_and_progress_updates(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rec = make_recommendation(world)
    client = login(world.scrutiny_officer)
    url = reverse("reports:recommendation", args=[world.area.slug, rec.pk])
    letter = reverse("reports:recommendation-letter-record", args=[world.area.slug, rec.pk])
    update = reverse("reports:recommendation-update", args=[world.area.slug, rec.pk])
    wrong = client.post(
        letter,
        {
            "name": "CEO",
            "decision": "accepted",
            "action_plan": "Plan",
            "letter": SimpleUploadedFile("letter.exe", b"MZ"),
        },
    )
    assert "The letter must be a PDF or Word file" in wrong.content.decode()
    client.post(
        letter,
        {
            "name": "CEO",
            "decision": "accepted",
            "action_plan": "Weekly from January",
            "received_on_0": "20",
            "received_on_1": "11",
            "received_on_2": "2026",
            "letter": SimpleUploadedFile("letter.pdf", b"%PDF-1.4"),
        },
    )
    rec.refresh_from_db()
    assert rec.response.answered_by_name == "CEO" and rec.response.letter.name.endswith(".pdf")
    assert rec.response.responded_on == datetime.date(2026, 11, 20) and rec.response.on_time()
    download = client.get(reverse("reports:recommendation-letter", args=[world.area.slug, rec.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    slipped = client.post(update, {"status": "slipped", "progress": "Data feed late"})
    assert "Give the new date and the reason it slipped" in slipped.content.decode()
    client.post(
        update,
        {
            "status": "slipped",
            "progress": "Data feed late",
            "new_date_0": "1",
            "new_date_1": "3",
            "new_date_2": "2027",
            "reason": "Supplier delay",
        },
    )
    rec.refresh_from_db()
    assert rec.follow_up_on == datetime.date(2027, 3, 1)
    page = login(world.read_only).get(url).content.decode()
    assert "Slipped" in page and "Supplier delay" in page
    assert (
        login(world.officer).get(reverse("reports:recommendation-letter", args=[world.area.slug, rec.pk])).status_code
        == 403
    )


def test_a_review_links_its_evidence_and_asks_healthwatch_for_views(
    world, login, client, django_capture_on_commit_callbacks
):
    from tests.conftest import make_alert, make_concern

    concern = make_concern(world, narrative="Ambulance took three hours")
    alert = make_alert(world)
    officer = login(world.scrutiny_officer)
    url = reverse("reports:review-create", args=[world.area.slug])
    bad = officer.post(url, {"kind": "scrutiny_review", "topic": "Ambulances", "concern_refs": "C-999999"})
    assert "No reviewed experience you can see has the reference C-999999" in bad.content.decode()
    response = officer.post(
        url,
        {
            "kind": "scrutiny_review",
            "topic": "Ambulances",
            "concern_refs": concern.reference,
            "alert_refs": alert.reference,
        },
    )
    review_url = response["Location"]
    page = officer.get(review_url).content.decode()
    assert concern.reference in page and alert.reference in page
    evidence_url = reverse("reports:review-evidence", args=[world.area.slug, resolve(review_url).kwargs["pk"]])
    statutory = ResponseDuty.objects.get(code="healthwatch-report", locality=None).pk
    asked = {"to_body": world.healthwatch.pk, "request": "Gather views of ambulance users"}
    refused = officer.post(evidence_url, {**asked, "duty": statutory})
    assert refused.status_code == 400
    assert "does not bind Healthwatch Testshire" in html.unescape(refused.content.decode())
    assert not EvidenceRequest.objects.exists()
    agreed = ResponseDuty.objects.get(code="agreed-date", locality=None).pk
    later = timezone.localdate() + datetime.timedelta(days=30)
    when = {"agreed_on_0": later.day, "agreed_on_1": later.month, "agreed_on_2": later.year}
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(evidence_url, {**asked, "duty": agreed, **when})
    item = EvidenceRequest.objects.get()
    assert item.due_on == later
    assert item.due_explanation.startswith("No statutory duty to respond: a date agreed with the body")
    email = next(m for m in mail.outbox if world.healthwatch.contact_email in m.to[0])
    link = re.search(r"(/respond/evidence/\S+/)", email.body).group(1)
    assert client.get(link).status_code == 200
    client.post(link, {"name": "Hana", "answer": "42 people told us about long waits."})
    assert client.post(link, {"name": "Hana", "answer": "again"}).status_code == 410
    assert "42 people told us" in officer.get(review_url).content.decode()


def test_the_committee_document_prints(world, login):
    rec = make_recommendation(world)
    client = login(world.read_only)
    url = reverse("reports:recommendations", args=[world.area.slug])
    printable = client.get(url, {"print": "yes"}).content.decode()
    assert "Prepared" in printable and rec.reference in printable


def test_the_committee_tracker_is_a_real_word_document_with_headings_figures_and_a_table(world, login):
    late = make_recommendation(world, sent_on=datetime.date(2026, 6, 1))
    recent = make_recommendation(world, to=world.trust, sent_on=timezone.localdate() - datetime.timedelta(days=3))
    response = login(world.read_only).get(
        reverse("reports:recommendations", args=[world.area.slug]), {"format": "word"}
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="recommendations-{world.area.slug}-{today:%Y-%m-%d}.docx"'
    )
    doc = docx.Document(io.BytesIO(response.content))  # python-docx opens it: a real .docx
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Recommendations tracker: Testshire"),
        ("Heading 2", "Summary"),
        ("Heading 2", "Recommendations"),
        ("Heading 2", "Response times by body"),
    ]
    summary, recommendations, by_body = ([[c.text for c in row.cells] for row in t.rows] for t in doc.tables)
    assert summary[1:] == [
        ["Recommendations shown", "2"],
        ["Awaiting a response", "2"],
        ["Overdue for a response", "1"],
        ["Responded or closed", "0"],
    ]
    assert recommendations[0] == [
        "Reference", "Recommendation", "To", "Made", "Due", "Status", "Response and action plan"
    ]  # fmt: skip
    assert recommendations[1][:4] == [
        late.reference,
        "Publish A&E waiting times weekly.",
        "NHS Testshire ICB",
        "1 Jun 2026",
    ]
    assert recommendations[1][5].startswith("Overdue by ") and recommendations[1][6] == "No response yet"
    assert recommendations[2][0] == recent.reference and recommendations[2][5].startswith("Due in ")
    assert by_body[0][0] == "Body" and {row[0] for row in by_body[1:]} == {"NHS Testshire ICB", world.trust.name}


def test_filters_never_fail_and_extensions_only_move_later(world, login):
    rec = make_recommendation(world)
    client = login(world.read_only)
    for params in ({"year": "0"}, {"year": "10000"}, {"body": "9" * 20}, {"committee": "²"}):
        assert client.get(reverse("reports:recommendations", args=[world.area.slug]), params).status_code == 200
    officer = login(world.scrutiny_officer)
    url = reverse("reports:recommendation-extend", args=[world.area.slug, rec.pk])
    earlier = officer.post(
        url,
        {
            "new_due_on_0": "10",
            "new_due_on_1": "11",
            "new_due_on_2": "2026",
            "reason": "x",
            "agreed_by": "Chair",
        },
    )
    assert "An extension must be later than the current deadline" in earlier.content.decode()


def test_an_extended_deadline_is_chased_again_and_people_hear_of_responses(world):
    with at(datetime.date(2026, 11, 2)):
        rec = make_recommendation(world)
    with at(datetime.date(2026, 12, 1)):
        chasing.recommendations_chase(today=datetime.date(2026, 12, 1))
    services.extension_record(
        recommendation=rec,
        new_due_on=datetime.date(2027, 1, 15),
        reason="Purdah",
        agreed_by="Chair",
        user=world.scrutiny_officer,
    )
    with at(datetime.date(2027, 1, 18)):
        chasing.recommendations_chase(today=datetime.date(2027, 1, 18))
    overdue = Notification.objects.filter(to_email="icb@example.org", kind="recommendation-overdue")
    assert overdue.count() == 2  # once for each deadline
    assert Notification.objects.filter(user=world.icb_officer, kind="recommendation", channel="inbox").exists()
    services.response_record(
        recommendation=rec, decision="accepted", reasons="", action_plan="Plan", target_date=None, name="Ivy"
    )
    assert Notification.objects.filter(
        user=world.scrutiny_officer, kind="recommendation-answered", channel="inbox"
    ).exists()


def test_publishing_twice_keeps_the_first_date_and_prefixes_are_unique(world):
    import pytest
    from django.core.exceptions import ValidationError

    rec = make_recommendation(world, publish=True)
    services.report_publish(report=rec.report, on=datetime.date(2026, 12, 25))
    rec.report.refresh_from_db()
    assert rec.report.published_on == datetime.date(2026, 11, 3)
    with pytest.raises(ValidationError, match="already used by another report"):
        services.report_create(
            locality=world.area,
            issuing_body=world.scrutiny,
            title="x",
            summary="y",
            reference_prefix=rec.report.reference_prefix.lower(),
        )


def test_the_tracker_pages_by_100_and_the_committee_document_lists_all(world, login):
    from tests.test_query_counts import bulk_recommendations

    bulk_recommendations(world, 150)
    client = login(world.read_only)
    url = reverse("reports:recommendations", args=[world.area.slug])
    first = client.get(url).content.decode()
    assert "150 recommendations, 1 to 100 shown" in first and 'rel="next"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "101 to 150 shown" in second
    # Each recommendation once, in the tracker's order (due date, then reference), across the pages.
    from reports.models import Recommendation

    def shown(page):
        return list(dict.fromkeys(re.findall(r"\bB-\d+\b", page)))

    expected = Recommendation.objects.filter(reference__startswith="B-").order_by("due_on", "reference")
    assert shown(first) + shown(second) == list(expected.values_list("reference", flat=True))
    assert len(shown(first)) == 100
    assert client.get(url, {"page": "junk"}).status_code == 200
    document = client.get(url, {"print": "yes"}).content.decode()
    assert document.count("<tr>") == 151  # the header row and every recommendation


def test_evidence_is_asked_of_the_body_holding_healthwatch_today_or_a_community_group(world):
    from agencies.models import BodyKind, Function, FunctionHolding
    from reports.recommendations.forms import EvidenceForm
    from tests.factories import BodyFactory, hold

    successor = BodyFactory(locality=world.area, name="Testshire Voices CIC", kind=BodyKind.PROVIDER)
    group = BodyFactory(locality=world.area, name="Carers Together", kind=BodyKind.VCS)
    FunctionHolding.objects.filter(body=world.healthwatch).update(ends_on=datetime.date(2026, 3, 31))
    hold(Function.LOCAL_HEALTHWATCH, successor, starts_on=datetime.date(2026, 4, 1))
    with at(datetime.date(2026, 11, 2)):
        offered = set(EvidenceForm(locality=world.area).fields["to_body"].queryset)
    assert offered == {successor, group}  # the former holder's kind no longer makes it one


def test_each_action_has_its_own_url_and_a_refused_button_shows_on_the_page(world, login):
    rec = make_recommendation(world)
    client = login(world.scrutiny_officer)
    restart = client.post(reverse("reports:recommendation-clock-restart", args=[world.area.slug, rec.pk]))
    assert restart.status_code == 400
    assert "There is a problem" in restart.content.decode() and "The clock is not stopped." in restart.content.decode()
    closed = client.post(reverse("reports:recommendation-close", args=[world.area.slug, rec.pk]), follow=True)
    assert f"{rec.reference} closed." in closed.content.decode()
    refused = login(world.icb_officer).post(reverse("reports:recommendation-reopen", args=[world.area.slug, rec.pk]))
    assert refused.status_code == 403
    page = login(world.scrutiny_officer).get(reverse("reports:recommendation", args=[world.area.slug, rec.pk]))
    page = page.content.decode()
    assert 'name="action"' not in page
    assert reverse("reports:recommendation-reopen", args=[world.area.slug, rec.pk]) in page


def test_a_chase_that_was_already_sent_leaves_no_link_behind(world):
    from agencies.models import SignedLink

    with at(datetime.date(2026, 11, 2)):
        make_recommendation(world)
    day = datetime.date(2026, 12, 1)
    with at(day):
        chasing.recommendations_chase(today=day)
        links = SignedLink.objects.count()
        assert chasing.recommendations_chase(today=day) == 0
    assert SignedLink.objects.count() == links
