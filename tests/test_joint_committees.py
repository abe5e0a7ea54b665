"""A joint health scrutiny committee's work concerns every area that appointed it (issue 12,
item 3): its reviews, reports and recommendations show in each of those areas' trackers and
public pages, count once in a body's statistics, are chased once, and stay out of any other
area's reach."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from agencies.models import Body, BodyArea, BodyKind, Locality, Notification, ResponseDuty, Role, User
from reports.models import Recommendation, Review
from reports.recommendations import chasing, selectors, services
from tests.conftest import World
from tests.factories import BodyFactory, LocalityFactory, MembershipFactory, hold

SENT = datetime.date(2026, 11, 2)  # a Monday: the 28-day NHS response is due 30 November


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


@dataclasses.dataclass
class Joint:
    w: World
    east: Locality
    committee: Body
    joint_officer: User
    east_scrutiny: Body
    east_only: User  # an officer of the second area's own scrutiny committee
    east_council: Body


@pytest.fixture
def joint(world) -> Joint:
    """Testshire and Eastshire appointed a joint committee; the trust serves both."""
    east = LocalityFactory(name="Eastshire", slug="eastshire")
    committee = BodyFactory(
        locality=world.area, serves=[east], name="Testshire and Eastshire Joint Committee", kind=BodyKind.SCRUTINY
    )
    hold("joint_health_scrutiny", committee)
    hold("joint_health_scrutiny", committee, locality=east)
    BodyArea.objects.create(body=world.trust, locality=east, starts_on=datetime.date(2013, 4, 1))
    east_scrutiny = BodyFactory(locality=east, name="Eastshire Scrutiny Committee", kind=BodyKind.SCRUTINY)
    hold("health_scrutiny", east_scrutiny)
    east_council = BodyFactory(locality=east, name="Eastshire Council", kind=BodyKind.COUNCIL)
    joint_officer = MembershipFactory(body=committee, role=Role.OFFICER, user__full_name="Jo Joint").user
    east_only = MembershipFactory(body=east_scrutiny, role=Role.OFFICER, user__full_name="Eve East").user
    return Joint(world, east, committee, joint_officer, east_scrutiny, east_only, east_council)


def joint_recommendation(
    j: Joint, *, to: Body | None = None, publish: bool = True, prefix: str = "JHOSC-2026-01"
) -> Recommendation:
    review = services.review_create(
        locality=j.w.area,
        lead_body=j.committee,
        created_by=j.joint_officer,
        areas=[j.east],
        kind=Review.Kind.SERVICE_CHANGE,
        topic="Moving stroke services",
    )
    report = services.report_create(
        locality=j.w.area,
        issuing_body=j.committee,
        review=review,
        areas=[j.east],
        title="Stroke services for both areas",
        summary="People in both areas told us about travel times.",
        reference_prefix=prefix,
    )
    rec = services.recommendation_issue(
        report=report,
        text="Publish travel times from every part of Eastshire.",
        addressed_to=to or j.w.trust,
        duty=ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None),
        sent_on=SENT,
    )
    if publish:
        services.report_publish(report=report, on=SENT)
    return rec


def east_review(j: Joint) -> Review:
    return services.review_create(
        locality=j.east, lead_body=j.east_scrutiny, created_by=j.east_only, kind="scrutiny_review", topic="East only"
    )


# ---------------------------------------------------------------- both areas see it


def test_a_joint_recommendation_to_the_trust_is_in_both_areas_trackers_and_once_in_its_statistics(joint, login):
    w = joint.w
    with at(SENT):
        rec = joint_recommendation(joint)
    assert Recommendation.objects.count() == 1
    for user, area in ((w.scrutiny_officer, w.area), (joint.east_only, joint.east)):
        page = login(user).get(reverse("reports:recommendations", args=[area.slug]))
        assert page.status_code == 200
        text = page.content.decode()
        assert rec.reference in text
        other = "Eastshire" if area == w.area else "Testshire"
        assert f"Joint recommendation with {other}" in text
    # The area's tracker counts it in that area; across areas the trust and the committee count it once.
    for area in (w.area, joint.east):
        (row,) = selectors.response_statistics(SENT, locality=area)
        assert (row["body"], row["made"], row["outstanding"]) == (w.trust.name, 1, 1)
    (trust_row,) = selectors.response_statistics(SENT, addressed_to=w.trust)
    assert trust_row["made"] == 1
    (committee_row,) = selectors.response_statistics(SENT, issued_by=joint.committee)
    assert committee_row["made"] == 1


def test_a_response_to_a_joint_recommendation_counts_once_on_time(joint):
    with at(SENT):
        rec = joint_recommendation(joint)
    with at(SENT + datetime.timedelta(days=10)):
        services.response_record(
            recommendation=rec,
            decision="accepted",
            reasons="",
            action_plan="Travel times published in December.",
            target_date=None,
            name="Trust chief executive",
        )
    (row,) = selectors.response_statistics(SENT, addressed_to=joint.w.trust)
    assert (row["made"], row["answered"], row["on_time_rate"], row["outstanding"]) == (1, 1, 100, 0)
    for area in (joint.w.area, joint.east):
        (row,) = selectors.response_statistics(SENT, locality=area)
        assert (row["made"], row["answered"], row["on_time_rate"]) == (1, 1, 100)


def test_each_concerned_area_reads_the_joint_review_report_and_recommendation_under_its_own_urls(joint, login):
    with at(SENT):
        rec = joint_recommendation(joint)
    client = login(joint.east_only)
    slug = joint.east.slug
    reviews = client.get(reverse("reports:reviews", args=[slug])).content.decode()
    assert "Moving stroke services" in reviews and "Joint review with Testshire" in reviews
    for name, pk in (
        ("reports:review", rec.report.review_id),
        ("reports:report", rec.report_id),
        ("reports:recommendation", rec.pk),
    ):
        page = client.get(reverse(name, args=[slug, pk]))
        assert page.status_code == 200, name
        assert "Testshire" in page.content.decode()


def test_the_joint_review_page_in_another_area_does_not_show_the_lead_areas_experiences(joint, login):
    from tests.conftest import make_concern

    concern = make_concern(joint.w)
    with at(SENT):
        rec = joint_recommendation(joint)
    rec.report.review.concerns.add(concern)
    east_page = login(joint.joint_officer).get(reverse("reports:review", args=[joint.east.slug, rec.report.review_id]))
    assert concern.reference not in east_page.content.decode()
    assert "held in Testshire" in east_page.content.decode()
    lead_page = login(joint.joint_officer).get(
        reverse("reports:review", args=[joint.w.area.slug, rec.report.review_id])
    )
    assert concern.reference in lead_page.content.decode()


def test_the_public_pages_and_feed_of_each_concerned_area_carry_the_joint_report(joint, client):
    with at(SENT):
        rec = joint_recommendation(joint)
    for area, other in ((joint.w.area, "Eastshire"), (joint.east, "Testshire")):
        listing = client.get(reverse("public-reports", args=[area.slug])).content.decode()
        assert "Stroke services for both areas" in listing and f"Joint report with {other}" in listing
        page = client.get(reverse("public-report", args=[area.slug, rec.report_id]))
        assert page.status_code == 200 and rec.reference in page.content.decode()
        feed = client.get(reverse("public-feed", args=[area.slug])).content.decode()
        assert reverse("public-report", args=[area.slug, rec.report_id]) in feed


def test_the_joint_committees_officer_sees_its_late_recommendation_on_either_areas_landing(joint, login):
    with at(SENT):
        rec = joint_recommendation(joint)
    with at(datetime.date(2026, 12, 10)):
        for area in (joint.w.area, joint.east):
            page = login(joint.joint_officer).get(reverse("reports:scrutiny-home", args=[area.slug]))
            assert rec.reference in page.content.decode(), area.slug


# ---------------------------------------------------------------- and nobody else


def test_a_third_area_gets_404_on_a_joint_committees_work(joint, login, client):
    """The outsider administers Elsewhere, which did not appoint the committee."""
    w = joint.w
    with at(SENT):
        rec = joint_recommendation(joint)
    outsider = login(w.outsider)
    for name, pk in (
        ("reports:recommendation", rec.pk),
        ("reports:report", rec.report_id),
        ("reports:review", rec.report.review_id),
    ):
        for area in (w.other_area, w.area, joint.east):
            assert outsider.get(reverse(name, args=[area.slug, pk])).status_code == 404, (name, area.slug)
    tracker = outsider.get(reverse("reports:recommendations", args=[w.other_area.slug])).content.decode()
    assert rec.reference not in tracker
    assert client.get(reverse("public-report", args=[w.other_area.slug, rec.report_id])).status_code == 404
    listing = client.get(reverse("public-reports", args=[w.other_area.slug])).content.decode()
    assert "Stroke services" not in listing


def test_one_areas_person_reads_the_joint_work_at_home_but_not_the_other_areas_own(joint, login):
    w = joint.w
    with at(SENT):
        rec = joint_recommendation(joint)
    own = east_review(joint)
    client = login(w.scrutiny_officer)  # Testshire only
    assert client.get(reverse("reports:recommendation", args=[w.area.slug, rec.pk])).status_code == 200
    assert client.get(reverse("reports:recommendation", args=[joint.east.slug, rec.pk])).status_code == 404
    assert client.get(reverse("reports:review", args=[w.area.slug, own.pk])).status_code == 404
    assert client.get(reverse("reports:review", args=[joint.east.slug, own.pk])).status_code == 404
    reviews = client.get(reverse("reports:reviews", args=[w.area.slug])).content.decode()
    assert "East only" not in reviews and "Moving stroke services" in reviews


def test_a_recommendation_led_in_one_area_is_not_in_another_areas_tracker(joint, login):
    from tests.conftest import make_recommendation

    with at(SENT):
        rec = make_recommendation(joint.w, to=joint.w.trust)  # Testshire's own committee
    page = login(joint.joint_officer).get(reverse("reports:recommendations", args=[joint.east.slug]))
    assert rec.reference not in page.content.decode()
    assert (
        login(joint.joint_officer).get(reverse("reports:recommendation", args=[joint.east.slug, rec.pk])).status_code
        == 404
    )
    assert selectors.response_statistics(SENT, locality=joint.east) == []


# ---------------------------------------------------------------- making joint work


def test_the_joint_committee_chooses_the_areas_a_review_concerns(joint, login):
    client = login(joint.joint_officer)
    url = reverse("reports:review-create", args=[joint.w.area.slug])
    form = client.get(url).content.decode()
    assert "Other areas this review concerns" in form and "Eastshire" in form
    assert "Elsewhere" not in form  # the committee holds no function there
    response = client.post(
        url,
        {"kind": "service_change", "topic": "Moving stroke services", "areas": [joint.east.pk]},
    )
    assert response.status_code == 302
    review = Review.objects.get(topic="Moving stroke services")
    assert review.locality == joint.w.area
    assert {a.slug for a in review.areas.all()} == {"testshire", "eastshire"}


def test_a_review_concerns_the_lead_area_only_by_default(joint, login):
    client = login(joint.joint_officer)
    client.post(reverse("reports:review-create", args=[joint.w.area.slug]), {"kind": "research", "topic": "Solo"})
    review = Review.objects.get(topic="Solo")
    assert [a.slug for a in review.areas.all()] == ["testshire"]
    assert login(joint.east_only).get(reverse("reports:review", args=[joint.east.slug, review.pk])).status_code == 404


def test_an_area_the_committee_does_not_serve_is_refused_with_a_message_on_the_field(joint, login):
    client = login(joint.joint_officer)
    response = client.post(
        reverse("reports:review-create", args=[joint.w.area.slug]),
        {"kind": "service_change", "topic": "Too far", "areas": [joint.w.other_area.pk]},
    )
    assert response.status_code == 400
    assert "Choose the other areas from the list" in response.content.decode()
    assert not Review.objects.filter(topic="Too far").exists()


def test_the_service_refuses_an_area_where_the_body_holds_no_review_function(joint):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.review_create(
            locality=joint.w.area,
            lead_body=joint.w.scrutiny,
            created_by=joint.w.scrutiny_officer,
            areas=[joint.east],
            kind="scrutiny_review",
            topic="Not ours",
        )
    assert "Eastshire" in refused.value.message_dict["areas"][0]
    assert not Review.objects.filter(topic="Not ours").exists()


def test_a_single_area_committee_is_not_offered_other_areas(joint, login):
    form = login(joint.w.scrutiny_officer).get(reverse("reports:review-create", args=[joint.w.area.slug]))
    assert "Other areas this review concerns" not in form.content.decode()


def test_a_joint_reviews_report_concerns_its_areas_by_default_and_may_go_to_either_areas_bodies(joint, login):
    with at(SENT):
        rec = joint_recommendation(joint, publish=False)
    review = rec.report.review
    client = login(joint.joint_officer)
    form = client.get(reverse("reports:report-create", args=[joint.w.area.slug, review.pk])).content.decode()
    assert re.search(rf'value="{joint.east.pk}"[^>]*checked', form)
    # A joint report's recommendation may go to a body serving only the other area.
    page = client.get(reverse("reports:report", args=[joint.east.slug, rec.report_id])).content.decode()
    assert "Eastshire Council" in page
    with at(SENT):
        second = services.recommendation_issue(
            report=rec.report,
            text="Fund transport for families.",
            addressed_to=joint.east_council,
            duty=ResponseDuty.objects.get(code="scrutiny-executive", locality=None),
            sent_on=SENT,
        )
    assert second.reference == "JHOSC-2026-01-R2" and second.locality == joint.w.area


# ---------------------------------------------------------------- chasing


def test_a_joint_recommendation_is_chased_once_and_both_boards_hear_of_it(joint):
    w = joint.w
    east_board = BodyFactory(locality=joint.east, name="Eastshire Health and Wellbeing Board", kind=BodyKind.HWB)
    hold("hwb", east_board)
    testshire_chair = MembershipFactory(body=w.hwb, role=Role.CHAIR).user
    east_chair = MembershipFactory(body=east_board, role=Role.CHAIR).user
    with at(SENT):
        rec = joint_recommendation(joint)
    for day in (datetime.date(2026, 11, 30), datetime.date(2026, 12, 1), datetime.date(2026, 12, 21)):
        with at(day):
            chasing.recommendations_chase(today=day)
            chasing.recommendations_chase(today=day)
    to_trust = Notification.objects.filter(
        to_email=w.trust.contact_email, related_id=rec.pk, kind__startswith="recommendation-"
    )
    kinds = sorted(to_trust.values_list("kind", flat=True))
    assert kinds == ["recommendation-due-today", "recommendation-overdue"]
    officer_chases = Notification.objects.filter(
        user=joint.joint_officer, kind="recommendation-officer", channel="email"
    )
    assert officer_chases.count() == 1
    for chair in (testshire_chair, east_chair):
        assert Notification.objects.filter(user=chair, kind="recommendation-hwb-agenda", channel="email").count() == 1


# ---------------------------------------------------------------- query counts


JOINT_PAGES = [
    ("tracker", lambda j: reverse("reports:recommendations", args=[j.east.slug])),
    ("reviews", lambda j: reverse("reports:reviews", args=[j.east.slug])),
    ("public list", lambda j: reverse("public-reports", args=[j.east.slug])),
    ("feed", lambda j: reverse("public-feed", args=[j.east.slug])),
]


@pytest.mark.parametrize(("page", "make_url"), JOINT_PAGES, ids=[p for p, _ in JOINT_PAGES])
def test_the_second_areas_pages_make_the_same_queries_at_1_and_10_joint_reports(joint, login, page, make_url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(joint.east_only)

    def count() -> int:
        client.get(reverse("inbox"))  # the navigation's cached count warm, as on most pages
        with CaptureQueriesContext(connection) as queries:
            assert client.get(make_url(joint)).status_code == 200
        return len(queries)

    with at(SENT):
        joint_recommendation(joint, prefix="J-0")
        small = count()
        for i in range(1, 10):
            joint_recommendation(joint, prefix=f"J-{i}")
        assert count() == small


# ---------------------------------------------------------------- the demo


@override_settings(DEBUG=True)
def test_the_demos_joint_committee_recommendation_is_in_both_areas_once(db, client):
    from django.core.management import call_command

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    (review,) = Review.objects.filter(lead_body__name="Northmoor and Eastvale Joint Health Scrutiny Committee")
    (rec,) = Recommendation.objects.filter(report__review=review)
    assert rec.addressed_to.name == "Northmoor Hospitals NHS Foundation Trust"
    for email, slug in (("scrutiny.officer", "northmoor"), ("eastvale.scrutiny", "eastvale")):
        client.force_login(User.objects.get(email=f"{email}@demo.example"))
        assert rec.reference in client.get(reverse("reports:recommendations", args=[slug])).content.decode()
        public = client.get(reverse("public-report", args=[slug, rec.report_id]))
        assert public.status_code == 200
    (row,) = selectors.response_statistics(rec.sent_on, addressed_to=rec.addressed_to, issued_by=review.lead_body)
    assert row["made"] == 1
