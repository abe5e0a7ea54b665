"""The review queue of what the public shared online (issue 14, item 2): oldest first, everything
the person wrote, and accept, signposted, duplicate or reject as spam, each recorded with who
and when; rejected ones count in no figure, lose their personal details after the area's
retention period and can be restored until then."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from concerns import services, summaries, triage
from concerns.models import Concern, ConcernContact, MonthlyCount, PersonalDataAccess, Theme
from concerns.tasks import purge_rejected_submissions
from concerns.triage_models import SubmissionDecision
from tests.factories import BodyFactory

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)


def make_submission(w, *, received_on=datetime.date(2026, 11, 20), typed="Testshire hospitals", narrative=None):
    """What the public form stores: a new concern from the public, with the person's details."""
    details = services.ConcernDetails(
        received_on=received_on,
        channel="web_form",
        service_type="hospital",
        sentiment="negative",
        narrative=narrative or "Waited nine hours in A&E with my father.",
        service_described=typed,
        status="new",
    )
    return services.concern_log(
        locality=w.area,
        collecting_body=w.healthwatch,
        details=details,
        from_public=True,
        contact={"name": "Sam Sharer", "email": "sam@example.com", "consent_to_contact": True},
    )


def page_url(w, name, concern=None):
    args = [w.area.slug] + ([concern.pk] if concern else [])
    return reverse(f"concerns:{name}", args=args)


def decide(client, w, concern, **data):
    return client.post(page_url(w, "submission", concern), data)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def officer(world, login):
    return login(world.officer)


@time_machine.travel(NOW, tick=False)
def test_the_queue_lists_what_the_public_shared_oldest_first_with_the_service_as_typed(world, officer):
    newer = make_submission(world, received_on=datetime.date(2026, 11, 24), typed="Riverside surgery")
    older = make_submission(world, received_on=datetime.date(2026, 11, 2), typed="testshire hospitals nhs trust")
    page = text(officer.get(page_url(world, "submissions")))
    assert page.index(older.reference) < page.index(newer.reference)
    assert "2 waiting" in page
    assert "testshire hospitals nhs trust" in page and "Riverside surgery" in page
    # The typed name is matched to a listed service, as a suggestion only.
    assert "Testshire Hospitals NHS Trust" in page
    assert Concern.all_objects.get(pk=older.pk).service is None


@time_machine.travel(NOW, tick=False)
def test_the_review_page_shows_everything_the_person_wrote_and_logs_the_read_of_their_details(world, officer):
    concern = make_submission(world)
    page = text(officer.get(page_url(world, "submission", concern)))
    for shown in ("Testshire hospitals", "Waited nine hours in A&amp;E", "Sam Sharer", "sam@example.com"):
        assert shown in page
    assert "Suggested match for ‘Testshire hospitals’: <strong>Testshire Hospitals NHS Trust</strong>" in page
    assert "It is not set until you choose it below" in page
    assert PersonalDataAccess.objects.filter(concern=concern, user=world.officer, action="view").count() == 1


@time_machine.travel(NOW, tick=False)
def test_an_officer_accepts_a_submission_with_its_themes_and_the_service_they_confirm(world, officer):
    concern = make_submission(world)
    services.themes_ensure_defaults(locality=world.area)
    waiting = Theme.all_objects.get(locality=world.area, name="Waiting times")
    response = decide(
        officer, world, concern, outcome="accept", service=world.trust.pk, themes=[waiting.pk], severity="3"
    )
    assert response.status_code == 302 and response["Location"] == page_url(world, "submissions")
    assert f"{concern.reference} accepted into the record." in text(officer.get(response["Location"]))
    concern.refresh_from_db()
    assert (concern.status, concern.service, concern.severity, concern.theme_names) == (
        "reviewed",
        world.trust,
        3,
        "Waiting times",
    )
    decision = SubmissionDecision.objects.get(concern=concern)
    assert (decision.outcome, decision.decided_by, decision.decided_at) == ("accepted", world.officer, NOW)
    assert concern.history.first().history_user == world.officer
    summaries.refresh(world.area.pk)
    assert MonthlyCount.objects.get(locality=world.area, dimension="public").count == 1
    assert "Nothing shared online is waiting for review" in text(officer.get(page_url(world, "submissions")))


@time_machine.travel(NOW, tick=False)
def test_accepting_twice_in_two_tabs_says_who_accepted_it_and_changes_nothing(world, officer):
    concern = make_submission(world)
    first = decide(officer, world, concern, outcome="accept", service=world.trust.pk)
    assert first.status_code == 302
    second = decide(officer, world, concern, outcome="accept", service="", service_type="gp", severity="5")
    assert second.status_code == 302 and second["Location"] == page_url(world, "submission", concern)
    page = text(officer.get(second["Location"]))
    assert f"{concern.reference} was already accepted by Oscar Officer at 10:00 on 26 November 2026" in page
    assert "Nothing was changed" in page
    concern.refresh_from_db()
    assert (concern.service, concern.service_type, concern.severity) == (world.trust, "hospital", 0)
    assert SubmissionDecision.objects.filter(concern=concern).count() == 1


@time_machine.travel(NOW, tick=False)
def test_signposting_is_counted_as_advice_and_information_not_as_a_concern_or_a_rejection(world, officer):
    concern = make_submission(world)
    refused = decide(officer, world, concern, outcome="signpost", note="")
    assert refused.status_code == 400
    assert "Enter the advice or information you gave" in text(refused)
    response = decide(officer, world, concern, outcome="signpost", note="Told them how to complain to PALS.")
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == "signposted"
    assert not Concern.all_objects.counted().filter(pk=concern.pk).exists()
    summaries.refresh(world.area.pk)
    assert not MonthlyCount.objects.filter(locality=world.area).exists()
    home = text(officer.get(reverse("reports:healthwatch-home", args=[world.area.slug])))
    assert (
        '<span class="app-figure">1</span><span class="govuk-body-s">people given advice and information '
        "(signposted) since 1 April 2026" in home
    )
    assert SubmissionDecision.objects.get(concern=concern).outcome == "signposted"
    assert "Rejected" not in text(officer.get(page_url(world, "submission", concern)))


@time_machine.travel(NOW, tick=False)
def test_a_spam_submission_rejected_counts_in_no_figure_and_others_never_see_it(world, officer, login):
    concern = make_submission(world, narrative="Buy cheap watches at example.biz")
    response = decide(officer, world, concern, outcome="reject")
    assert "rejected as spam. You can restore it for 30 days" in text(officer.get(response["Location"]))
    concern.refresh_from_db()
    assert concern.status == "rejected"
    summaries.refresh(world.area.pk)
    assert not MonthlyCount.objects.filter(locality=world.area).exists()
    assert triage.signposting_count(world.area, [world.healthwatch.pk], datetime.date(2026, 4, 1)) == 0
    home = text(officer.get(reverse("reports:healthwatch-home", args=[world.area.slug])))
    assert '<span class="app-figure">0</span><span class="govuk-body-s"><a class="govuk-link"' in home
    icb = login(world.icb_officer)
    assert concern.reference not in text(icb.get(reverse("concerns:index", args=[world.area.slug])))
    assert icb.get(reverse("concerns:detail", args=[world.area.slug, concern.pk])).status_code == 404


def test_a_rejected_submission_can_be_restored_within_the_retention_period_and_is_recorded(world, officer, login):
    with time_machine.travel(NOW, tick=False):
        concern = make_submission(world)
        decide(officer, world, concern, outcome="reject")
    with time_machine.travel(NOW + datetime.timedelta(days=29), tick=False):
        assert purge_rejected_submissions() == 0
        officer = login(world.officer)  # a new session, weeks later
        response = officer.post(page_url(world, "submission-restore", concern))
        assert "is back in the queue for review" in text(officer.get(response["Location"]))
    concern.refresh_from_db()
    assert concern.status == "new"
    assert ConcernContact.all_objects.filter(concern=concern).exists()
    assert [d.outcome for d in triage.decisions(concern)] == ["rejected", "restored"]
    assert concern.reference in text(officer.get(page_url(world, "submissions")))


def test_the_nightly_job_removes_a_rejected_submissions_details_after_the_retention_period(world, officer, login):
    with time_machine.travel(NOW, tick=False):
        concern = make_submission(world)
        decide(officer, world, concern, outcome="reject")
    with time_machine.travel(NOW + datetime.timedelta(days=30, minutes=1), tick=False):
        assert purge_rejected_submissions() == 1
        assert purge_rejected_submissions() == 0  # once only
        concern.refresh_from_db()
        assert not ConcernContact.all_objects.filter(concern=concern).exists()
        assert concern.narrative == triage.REMOVED and concern.service_described == ""
        assert not concern.history.filter(narrative__contains="nine hours").exists()
        purged = SubmissionDecision.objects.get(concern=concern, outcome="purged")
        assert purged.decided_by is None and purged.note == "After 30 days"
        officer = login(world.officer)  # a new session, weeks later
        response = officer.post(page_url(world, "submission-restore", concern))
        page = text(officer.get(response["Location"]))
    assert "can no longer be restored" in page and "Sam Sharer" not in page
    concern.refresh_from_db()
    assert concern.status == "rejected"


def test_the_area_administrator_sets_a_shorter_retention_period(world, login, officer):
    owner = login(world.owner)
    refused = owner.post(page_url(world, "submission-retention"), {"rejected_retention_days": "0"})
    assert refused.status_code == 400 and "The number of days must be 1 or more" in text(refused)
    assert owner.post(page_url(world, "submission-retention"), {"rejected_retention_days": "7"}).status_code == 302
    world.area.refresh_from_db()
    assert world.area.rejected_retention_days == 7
    assert world.area.history.first().history_user == world.owner
    client = login(world.officer)
    with time_machine.travel(NOW, tick=False):
        concern = make_submission(world)
        decide(client, world, concern, outcome="reject")
    with time_machine.travel(NOW + datetime.timedelta(days=7, minutes=1), tick=False):
        assert purge_rejected_submissions() == 1


@time_machine.travel(NOW, tick=False)
def test_a_duplicate_must_name_a_concern_in_this_area_and_then_links_to_it(world, officer):
    original = make_submission(world, received_on=datetime.date(2026, 11, 1))
    concern = make_submission(world)
    elsewhere_hw = BodyFactory(locality=world.other_area, name="Healthwatch Elsewhere", kind="healthwatch")
    elsewhere = services.concern_log(
        locality=world.other_area,
        collecting_body=elsewhere_hw,
        details=services.ConcernDetails(
            received_on=datetime.date(2026, 11, 1),
            channel="phone",
            service_type="gp",
            sentiment="neutral",
            narrative="x",
        ),
    )
    cases = [
        ("", "Enter the reference of the experience it duplicates, like C-000123"),
        ("C-99999999", "There is no experience C-99999999 in this area. Check the reference."),
        (elsewhere.reference, f"There is no experience {elsewhere.reference} in this area. Check the reference."),
        (concern.reference, "Enter the reference of another experience, not this one"),
    ]
    for reference, message in cases:
        response = decide(officer, world, concern, outcome="duplicate", duplicate_of=reference)
        assert response.status_code == 400 and message in text(response), reference
    concern.refresh_from_db()
    assert concern.status == "new"
    response = decide(officer, world, concern, outcome="duplicate", duplicate_of=original.reference.lower())
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == "duplicate"
    assert SubmissionDecision.objects.get(concern=concern).duplicate_of == original
    page = text(officer.get(page_url(world, "submission", concern)))
    assert (
        f'Marked as a duplicate by Oscar Officer (duplicate of <a class="govuk-link" href="{reverse("concerns:detail", args=[world.area.slug, original.pk])}">{original.reference}</a>)'
        in page
    )
    summaries.refresh(world.area.pk)
    assert not MonthlyCount.objects.filter(locality=world.area).exists()


@time_machine.travel(NOW, tick=False)
def test_choosing_no_decision_names_the_field_to_fix(world, officer):
    concern = make_submission(world)
    response = decide(officer, world, concern)
    assert response.status_code == 400
    assert "Select what you want to do with this experience" in text(response)


@time_machine.travel(NOW, tick=False)
def test_decisions_are_in_the_areas_audit_trail_with_who_and_when(world, officer, login):
    concern = make_submission(world)
    decide(officer, world, concern, outcome="reject")
    page = text(login(world.owner).get(reverse("agencies:audit", args=[world.area.slug])))
    assert "Decision on an experience shared online" in page
    assert f"{concern.reference}: rejected as spam by Oscar Officer" in page


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@time_machine.travel(NOW, tick=False)
def test_the_queue_makes_the_same_queries_for_5_or_50_submissions(world, officer):
    for i in range(10):
        BodyFactory(locality=world.area, name=f"Surgery {i}", kind="gp_practice", service_type="gp")
    officer.get(reverse("inbox"))  # warm the nav count
    for i in range(5):
        make_submission(world, typed=f"Surgery {i}")
    small = _queries(officer, page_url(world, "submissions"))
    for i in range(45):
        make_submission(world, typed=f"surgery {i % 10}")
    large = _queries(officer, page_url(world, "submissions"))
    assert large == small


@time_machine.travel(NOW, tick=False)
def test_a_rejected_submission_cannot_be_changed_back_through_the_edit_page(world, officer):
    concern = make_submission(world)
    decide(officer, world, concern, outcome="reject")
    response = officer.get(reverse("concerns:edit", args=[world.area.slug, concern.pk]))
    assert response["Location"] == page_url(world, "submission", concern)
    assert f"{concern.reference} is rejected as spam. Restore it first." in text(officer.get(response["Location"]))


@time_machine.travel(NOW, tick=False)
def test_spam_stays_out_of_the_list_of_experiences_unless_asked_for(world, officer):
    concern = make_submission(world)
    officer.get(decide(officer, world, concern, outcome="reject")["Location"])  # the message is shown
    index = reverse("concerns:index", args=[world.area.slug])
    assert concern.reference not in text(officer.get(index))
    assert concern.reference in text(officer.get(index, {"status": "rejected"}))
