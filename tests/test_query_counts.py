"""Each page's query count stays the same as the data grows (DESIGN.md, scale)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import access, services
from agencies.models import AssessmentStatus, BodyKind, Duty, Role, User
from reports.models import Priority, Referral
from tests.factories import BodyFactory, MembershipFactory, hold

PAGES = [
    ("home", lambda w: reverse("home")),
    ("quality system", lambda w: reverse("agencies:quality-system", args=[w.area.slug])),
    ("duty", lambda w: reverse("agencies:duty", args=[w.area.slug, 6])),
    ("bodies", lambda w: reverse("agencies:bodies", args=[w.area.slug])),
    ("functions", lambda w: reverse("agencies:functions", args=[w.area.slug])),
    ("people", lambda w: reverse("agencies:people", args=[w.area.slug])),
]


def grow(world, n):
    """Add n bodies, each with a member, and assess every duty n times."""
    for _ in range(n):
        body = BodyFactory(locality=world.area)
        MembershipFactory(body=body, role=Role.MEMBER)
    for duty in Duty.objects.all():
        for i in range(max(1, n // 10)):
            services.assessment_update(
                locality=world.area,
                duty=duty,
                status=AssessmentStatus.DEVELOPING if i % 2 else AssessmentStatus.ESTABLISHED,
                evidence=f"Revision {i}",
                owner=world.owner,
                last_reviewed_on=datetime.date(2026, 1, 1),
            )


def count_queries(client, url):
    """The page's queries, with the navigation's "Due from us" count already in the cache as
    it is on most pages (a cold count costs three queries once; reports.bodies.counts)."""
    client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def counts_as_data_grows(client, url, grow_by, first: int, then: int) -> tuple[int, int]:
    """The page's queries once `grow_by(n)` has added `first` records, and again after `then` more."""
    grow_by(first)
    small = count_queries(client, url)
    grow_by(then)
    return small, count_queries(client, url)


@pytest.mark.parametrize(("page", "make_url"), PAGES, ids=[p for p, _ in PAGES])
def test_query_count_does_not_grow_with_data(world, login, page, make_url):
    small, large = counts_as_data_grows(login(world.owner), make_url(world), lambda n: grow(world, n), 10, 90)
    assert large == small
    assert small <= 15


def test_the_audit_trail_reads_a_bounded_number_of_rows(world, login):
    url = reverse("agencies:audit", args=[world.area.slug])
    small, large = counts_as_data_grows(login(world.owner), url, lambda n: grow(world, n), 10, 90)
    # One query per history table (every app registers its own), plus at most three per shown
    # change (50) to find what changed and to name the record; bounded by the page size, not by
    # the history's length.
    from agencies.audit import sources

    assert large <= len(sources()) + 50 * 3 + 10
    assert small <= large


def bulk_concerns(world, n):
    """n reviewed concerns with two theme tags each, written in bulk (fast, no history)."""
    from concerns.models import Concern, ConcernTheme, Theme

    themes = list(Theme.all_objects.filter(locality=world.area)[:2])
    start = datetime.date.today() - datetime.timedelta(days=600)
    concerns = Concern.all_objects.bulk_create(
        [
            Concern(
                locality=world.area,
                collecting_body=world.healthwatch,
                received_on=start + datetime.timedelta(days=(i * 7) % 600),
                channel="phone",
                service=world.trust,
                service_type="hospital",
                sentiment="negative",
                severity=i % 6,
                narrative=f"Experience number {i}",
                status="reviewed",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    ConcernTheme.objects.bulk_create(
        [
            ConcernTheme(concern=c, theme=t, locality=world.area, received_on=c.received_on)
            for c in concerns
            for t in themes
        ],
        batch_size=2000,
    )
    return concerns


CONCERN_PAGES = [
    ("list", lambda w, c: reverse("concerns:index", args=[w.area.slug])),
    ("list filtered", lambda w, c: reverse("concerns:index", args=[w.area.slug]) + "?severity=3&q=number"),
    ("detail", lambda w, c: reverse("concerns:detail", args=[w.area.slug, c.pk])),
    ("trends", lambda w, c: reverse("concerns:trends", args=[w.area.slug])),
    ("themes", lambda w, c: reverse("concerns:themes", args=[w.area.slug])),
]


@pytest.mark.slow
@pytest.mark.parametrize(("page", "make_url"), CONCERN_PAGES, ids=[p for p, _ in CONCERN_PAGES])
def test_concern_pages_make_the_same_queries_at_100_and_10000_concerns(world, login, page, make_url):
    from concerns import summaries

    client = login(world.officer)
    first = bulk_concerns(world, 100)[0]
    summaries.refresh(world.area.pk)  # the services do this through the beat job; bulk writes here
    client.get(make_url(world, first))  # a record written in bulk gets its person's reference when first seen
    small = count_queries(client, make_url(world, first))
    bulk_concerns(world, 9_900)
    summaries.refresh(world.area.pk)
    large = count_queries(client, make_url(world, first))
    assert large == small
    assert small <= 20


def bulk_recommendations(world, n):
    from agencies.models import ResponseDuty
    from reports.models import Recommendation, Report, Response

    report = Report.objects.create(
        locality=world.area,
        issuing_body=world.scrutiny,
        title="Bulk",
        summary="s",
        reference_prefix="B",
        published_on=datetime.date(2026, 1, 1),
    )
    duty = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)
    start = Recommendation.objects.count()
    recs = Recommendation.objects.bulk_create(
        [
            Recommendation(
                locality=world.area,
                report=report,
                reference=f"B-{start + i}",
                text="Do this",
                addressed_to=world.icb,
                duty=duty,
                sent_on=datetime.date(2026, 1, 1),
                due_on=datetime.date(2026, 1, 29),
                due_explanation="x",
                state="responded" if i % 2 else "awaiting",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    Response.objects.bulk_create(
        [
            Response(
                recommendation=r, decision="accepted", responded_on=datetime.date(2026, 1, 20), answered_by_name="x"
            )
            for r in recs
            if r.state == "responded"
        ],
        batch_size=2000,
    )
    return report


REPORT_PAGES = [
    ("tracker", lambda w, r: reverse("reports:recommendations", args=[w.area.slug])),
    ("public report", lambda w, r: reverse("public-report", args=[w.area.slug, r.pk])),
    ("public list", lambda w, r: reverse("public-reports", args=[w.area.slug])),
]


@pytest.mark.slow
@pytest.mark.parametrize(("page", "make_url"), REPORT_PAGES, ids=[p for p, _ in REPORT_PAGES])
def test_recommendation_pages_make_the_same_queries_at_100_and_10000(world, login, page, make_url):
    client = login(world.scrutiny_officer)
    report = bulk_recommendations(world, 100)
    small = count_queries(client, make_url(world, report))
    from reports.models import Recommendation, Response

    extra = bulk_recommendations(world, 9_900)
    Recommendation.objects.filter(report=extra).update(report=report)
    assert Response.objects.count() > 4_000
    large = count_queries(client, make_url(world, report))
    assert large == small
    assert small <= 20


MORE_PAGES = [
    ("alerts", lambda w: reverse("concerns:alerts", args=[w.area.slug]) + "?box=all", "officer"),
    ("messages", lambda w: reverse("inbox"), "icb_officer"),
    ("reviews", lambda w: reverse("reports:reviews", args=[w.area.slug]), "scrutiny_officer"),
    ("themes", lambda w: reverse("concerns:themes", args=[w.area.slug]), "officer"),
]


def grow_alerts(world, n):
    from tests.conftest import make_alert

    for i in range(n):
        make_alert(world, summary=f"Alert {i}")


@pytest.mark.slow
@pytest.mark.parametrize(("page", "make_url", "persona"), MORE_PAGES, ids=[p for p, _, _ in MORE_PAGES])
def test_alert_message_and_review_lists_do_not_grow_with_data(world, login, page, make_url, persona):
    from reports.models import Review

    client = login(getattr(world, persona))
    grow_alerts(world, 3)
    Review.objects.create(
        locality=world.area,
        kind="scrutiny_review",
        lead_body=world.scrutiny,
        topic="x",
        created_by=world.scrutiny_officer,
    )
    small = count_queries(client, make_url(world))
    grow_alerts(world, 27)
    for i in range(27):
        Review.objects.create(
            locality=world.area,
            kind="scrutiny_review",
            lead_body=world.scrutiny,
            topic=f"r{i}",
            created_by=world.scrutiny_officer,
        )
    large = count_queries(client, make_url(world))
    assert large == small
    assert small <= 20


def grow_board(world, n):
    """n concerns (with theme tags), n recommendations (half answered), n // 10 priorities with
    a year of hand-entered figures and a progress update, each referred to scrutiny (every third
    accepted, every third declined) and with n // 10 concerns and an alert linked, a change and a
    note recorded on each figure, every fifth joined by a priority tracking a share of negative
    experiences (a theme's, a service's), n // 10 QSG views, n // 50 alerts."""
    from concerns import series_notes, summaries
    from concerns.models import Alert, Concern, Theme
    from reports.board import referrals
    from reports.board import services as board
    from reports.models import SurveillanceView
    from tests.conftest import make_alert, make_priority

    bulk_concerns(world, n)
    bulk_recommendations(world, n)
    for i in range(n // 10):
        priority = make_priority(world, title=f"Priority {i}", figures=[5 + (i * j) % 7 for j in range(12)])
        board.priority_update_add(priority=priority, user=world.board_member, status="on_track", progress="Better.")
        months = list(priority.figures.order_by("month").values_list("month", flat=True))
        key = series_notes.series_key("priority", priority.pk)
        for kind, month in (("change", months[6]), ("note", months[3])):
            series_notes.record(
                user=world.board_member, locality=world.area, series=key, kind=kind, month=month, reason="Why"
            )
        if i % 5 == 0:
            theme = Theme.all_objects.filter(locality=world.area).first()
            make_priority(world, title=f"Share {i}", measure="theme_share", measure_theme=theme)
            make_priority(world, title=f"Service share {i}", measure="service_share", measure_service=world.trust)
        priority.concerns.add(*Concern.all_objects.filter(locality=world.area).order_by("?")[: n // 10])
        referral = referrals.referral_make(
            priority=priority, user=world.board_member, to_body=world.scrutiny, question="Why?", report_by=None
        )
        if i % 3 == 1:
            referrals.referral_accept(referral=referral, user=world.scrutiny_officer)
        elif i % 3 == 2:
            referrals.referral_decline(referral=referral, user=world.scrutiny_officer, reasons="Full programme.")
    SurveillanceView.objects.bulk_create(
        SurveillanceView(
            locality=world.area,
            provider=world.trust,
            level="routine",
            decided_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            summary="Routine.",
            recorded_by=world.icb_officer,
        )
        for i in range(n // 10)
    )
    for i in range(max(1, n // 50)):
        make_alert(world, summary=f"Alert {i}")
    for priority in Priority.objects.filter(locality=world.area):
        priority.alerts.add(*Alert.all_objects.filter(locality=world.area))
    summaries.refresh(world.area.pk)


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first().pk


BOARD_PAGES = [
    ("dashboard", lambda w: reverse("reports:dashboard", args=[w.area.slug]), "read_only"),
    ("dashboard 12 months", lambda w: reverse("reports:dashboard", args=[w.area.slug]) + "?period=12", "read_only"),
    ("concerns chart", lambda w: reverse("reports:concerns-chart", args=[w.area.slug]), "read_only"),
    ("priorities", lambda w: reverse("reports:priorities", args=[w.area.slug]), "board_member"),
    ("surveillance", lambda w: reverse("reports:surveillance", args=[w.area.slug]), "icb_officer"),
    ("healthwatch landing", lambda w: reverse("reports:healthwatch-home", args=[w.area.slug]), "officer"),
    ("scrutiny landing", lambda w: reverse("reports:scrutiny-home", args=[w.area.slug]), "scrutiny_officer"),
    ("board packs", lambda w: reverse("reports:board-packs", args=[w.area.slug]), "board_member"),
    ("priority", lambda w: reverse("reports:priority", args=[w.area.slug, _first(Priority)]), "board_member"),
    (
        "priority chart",
        lambda w: reverse("reports:priority-chart", args=[w.area.slug, _first(Priority)]),
        "board_member",
    ),
    (
        "referral waiting",
        lambda w: reverse("reports:referral", args=[w.area.slug, _first(Referral, state="suggested")]),
        "scrutiny_officer",
    ),
    (
        "referral declined",
        lambda w: reverse("reports:referral", args=[w.area.slug, _first(Referral, state="declined")]),
        "board_member",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("page", "make_url", "persona"), BOARD_PAGES, ids=[p for p, _, _ in BOARD_PAGES])
def test_board_pages_make_the_same_queries_at_n_and_10n(world, login, page, make_url, persona):
    """Worked out afresh each time (the dashboard's cache emptied first), and then from the cache."""
    from django.core.cache import cache

    client = login(getattr(world, persona))
    grow_board(world, 100)
    cache.clear()
    small = count_queries(client, make_url(world))
    small_cached = count_queries(client, make_url(world))
    grow_board(world, 900)
    cache.clear()
    large = count_queries(client, make_url(world))
    large_cached = count_queries(client, make_url(world))
    assert (large, large_cached) == (small, small_cached)
    assert small <= 45
    assert small_cached <= small


# ---------------------------------------------------------------- a body's own work page


def owe(world, area, scrutiny, n: int, start: int) -> None:
    """n items to the ICB in one area, in turn an alert, a recommendation and an evidence
    request, every other one answered (so each list, the figures and the history all grow)."""
    from agencies.models import ResponseDuty
    from concerns import alerts
    from reports.models import Review
    from reports.recommendations import services as rs

    duty = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)
    for i in range(start, start + n):
        answer = i % 2 == 0
        if i % 3 == 0:
            alert = alerts.alert_raise(
                locality=area,
                raised_by_body=scrutiny,
                raised_by=world.scrutiny_officer,
                details=alerts.AlertDetails(summary=f"Alert {i}", action_requested="Act.", recipients=[world.icb]),
            )
            if answer:
                alerts.alert_acknowledge(recipient=alert.recipients.get(), user=world.icb_officer)
            continue
        review = Review.objects.create(
            locality=area, kind="scrutiny_review", lead_body=scrutiny, topic=f"Topic {i}", created_by=world.owner
        )
        if i % 3 == 1:
            report = rs.report_create(
                locality=area, issuing_body=scrutiny, title="R", summary="S", reference_prefix=f"R-{i}", review=review
            )
            rec = rs.recommendation_issue(
                report=report, text=f"Do {i}", addressed_to=world.icb, duty=duty, sent_on=datetime.date(2026, 11, 2)
            )
            if answer:
                rs.response_record(
                    recommendation=rec, decision="accepted", reasons="", action_plan="Yes", target_date=None, name="CEO"
                )
            continue
        item = rs.evidence_request_send(
            review=review, to_body=world.icb, request=f"Views {i}", duty=duty, sent_on=datetime.date(2026, 11, 2)
        )
        if answer:
            rs.evidence_answer(item=item, answer="Found", name="CEO")


@pytest.mark.slow
def test_a_bodys_work_page_makes_the_same_queries_for_1_or_10_areas_and_5_or_50_items(world, login):
    from django.core.cache import cache

    from agencies.models import BodyArea, BodyKind
    from tests.factories import STATUTORY_START, LocalityFactory

    client = login(world.icb_officer)
    url = reverse("bodies:work", args=[world.icb.pk])

    def measured() -> tuple[int, int]:
        cache.clear()
        return count_queries(client, url), count_queries(client, url)

    owe(world, world.area, world.scrutiny, 5, 0)
    few = measured()
    owe(world, world.area, world.scrutiny, 45, 5)
    many = measured()
    for _ in range(9):
        area = LocalityFactory()
        BodyArea.objects.create(body=world.icb, locality=area, starts_on=STATUTORY_START)
        owe(world, area, BodyFactory(locality=area, kind=BodyKind.SCRUTINY), 5, 50)
    wide = measured()
    page = client.get(url)
    assert len(page.context["areas"]) == 1 + 9 + 1  # Testshire, nine more, and the world's Sharedshire
    assert few == many == wide
    assert few[0] <= 30


FOOTPRINT_PAGES = [
    ("home", lambda w: reverse("home")),
    ("concerns", lambda w: reverse("concerns:index", args=[w.area.slug])),
    ("alerts", lambda w: reverse("concerns:alerts", args=[w.area.slug]) + "?box=all"),
    ("recommendations", lambda w: reverse("reports:recommendations", args=[w.area.slug])),
    ("dashboard", lambda w: reverse("reports:dashboard", args=[w.area.slug])),
    ("quality system", lambda w: reverse("agencies:quality-system", args=[w.area.slug])),
    ("bodies", lambda w: reverse("agencies:bodies", args=[w.area.slug])),
    ("people", lambda w: reverse("agencies:people", args=[w.area.slug])),
]


def widen(body, areas: int) -> None:
    """The body serves this many more areas, each with its own board, Healthwatch and people."""
    from agencies.models import BodyArea, BodyKind
    from tests.factories import STATUTORY_START, LocalityFactory

    for _ in range(areas):
        area = LocalityFactory()
        BodyArea.objects.create(body=body, locality=area, starts_on=STATUTORY_START)
        hold("hwb", BodyFactory(locality=area, kind=BodyKind.HWB))
        healthwatch = BodyFactory(locality=area, kind=BodyKind.HEALTHWATCH)
        hold("local_healthwatch", healthwatch)
        hold("local_leadership", body, locality=area)
        MembershipFactory(body=healthwatch, role=Role.OFFICER)


@pytest.mark.parametrize(("page", "make_url"), FOOTPRINT_PAGES, ids=[p for p, _ in FOOTPRINT_PAGES])
def test_query_count_stays_flat_as_a_bodys_footprint_grows_from_1_to_10_areas(world, login, page, make_url):
    """An administrator of a body serving one area, then ten: the same queries on each page."""
    from django.core.cache import cache

    from tests.conftest import make_alert, make_concern, make_recommendation

    body = BodyFactory(locality=world.area, name="NHS Wide ICB", kind=BodyKind.ICB)
    hold("local_leadership", body)
    person = MembershipFactory(body=body, role=Role.ADMINISTRATOR).user
    make_concern(world)
    make_alert(world, recipients=[body, world.scrutiny])
    make_recommendation(world, to=body)
    client = login(person)
    url = make_url(world)
    count_queries(client, url)  # the first visit brings the area's summaries up to date
    cache.clear()
    one_area = count_queries(client, url)
    widen(body, 9)
    assert len({seat.locality_id for seat in access.seats(User.objects.get(pk=person.pk))}) == 10
    cache.clear()
    ten_areas = count_queries(client, url)
    assert ten_areas == one_area


def test_the_report_page_makes_the_same_queries_for_5_or_50_recommendations_in_every_state(world, login):
    """The report page lists each recommendation with its state and the actions its state allows."""
    from reports.models import Recommendation

    client = login(world.scrutiny_officer)
    report = bulk_recommendations(world, 5)
    url = reverse("reports:report", args=[world.area.slug, report.pk])
    states = ["draft", "agreed", "awaiting", "responded", "withdrawn"]

    def spread():
        for i, rec in enumerate(Recommendation.objects.filter(report=report).order_by("pk")):
            Recommendation.objects.filter(pk=rec.pk).update(state=states[i % len(states)])

    spread()
    small = count_queries(client, url)
    extra = bulk_recommendations(world, 45)
    Recommendation.objects.filter(report=extra).update(report=report)
    spread()
    assert count_queries(client, url) == small
    assert small <= 20


def test_the_front_door_makes_the_same_queries_for_2_or_20_areas(world, client):
    from tests.factories import LocalityFactory

    def front_door() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    few = front_door()
    for _ in range(18):
        LocalityFactory()
    assert front_door() == few


def _handover_plans(world, n):
    from agencies.handover_models import HandoverPlan
    from agencies.models import Function

    function = Function.objects.get(code=Function.LOCAL_HEALTHWATCH)
    states = list(HandoverPlan.State.values)
    HandoverPlan.objects.bulk_create(
        HandoverPlan(
            locality=world.area,
            function=function,
            takes_effect_on=datetime.date(2027, 4, 1) + datetime.timedelta(days=i),
            state=states[i % len(states)],
            created_by=world.owner,
        )
        for i in range(n)
    )


def _seal_destructions(world, n):
    from concerns.transfer_models import SealDestruction

    SealDestruction.objects.bulk_create(
        SealDestruction(
            locality=world.area,
            from_body=world.healthwatch,
            sealed_since=datetime.date(2020, 1, 1),
            experiences=i,
            contacts=i,
            run_by=world.owner,
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("page", "grow_by"),
    [("agencies:handovers", _handover_plans), ("concerns:seals", _seal_destructions)],
    ids=["handover plans", "sealed details"],
)
def test_the_handover_and_sealed_details_pages_make_the_same_queries_for_2_or_20_records(world, login, page, grow_by):
    url = reverse(page, args=[world.area.slug])
    small, large = counts_as_data_grows(login(world.owner), url, lambda n: grow_by(world, n), 2, 18)
    assert large == small
    assert small <= 20
