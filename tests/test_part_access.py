"""Access follows the holding of a part (issue 16, item 4), which part a record belongs to, and
the self-assessment kept per holder: checked on the day before and the day a part starts, with
the clock moved (time-machine)."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from agencies import access
from agencies.models import DutyAssessment, Function, Role
from agencies.parts import rules_for
from concerns import access as concern_access
from concerns import services as concern_services
from concerns.models import Alert, Concern
from concerns.parts import alert_part, alerts_for_parts, concern_part
from reports.models import Recommendation, Review
from reports.parts import recommendation_part, recommendations_for_parts, review_part, reviews_for_parts
from tests.conftest import make_alert, make_recommendation
from tests.factories import BodyFactory, MembershipFactory, UserFactory
from tests.test_function_parts import DAY_BEFORE, MOVE, lhw, part, split


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


def log(world, service_type: str, service=None, status="new") -> Concern:
    """An experience collected by Healthwatch, not yet reviewed (only its collector sees it)."""
    details = concern_services.ConcernDetails(
        received_on=datetime.date(2026, 10, 1),
        channel="phone",
        service_type=service_type,
        sentiment="negative",
        narrative="What happened.",
        service=service,
        status=status,
    )
    return concern_services.concern_log(
        locality=world.area, collecting_body=world.healthwatch, details=details, created_by=world.officer
    )


@pytest.fixture
def care_home(world):
    return BodyFactory(locality=world.area, name="Rose Court Care Home", kind="care_home", service_type="care_home")


@pytest.fixture
def council_officer(world):
    return MembershipFactory(body=world.council, role=Role.OFFICER, user=UserFactory(full_name="Cal Council")).user


def visible(user) -> set[int]:
    return set(Concern.all_objects.for_user(user).values_list("pk", flat=True))


def test_a_part_holder_sees_its_parts_experiences_from_the_day_the_part_starts(world, care_home, council_officer):
    hospital = log(world, "hospital", world.trust)
    home = log(world, "care_home", care_home)
    split(world)
    with at(DAY_BEFORE):
        assert visible(world.icb_officer) == set() and visible(council_officer) == set()
        assert visible(world.officer) == {hospital.pk, home.pk}
        assert concern_access.collecting_bodies(world.officer, world.area) == [world.healthwatch]
        assert concern_access.collecting_bodies(world.icb_officer, world.area) == []
    with at(MOVE):
        assert visible(world.icb_officer) == {hospital.pk}
        assert visible(council_officer) == {home.pk}
        # The old holder's people log no more from the date; each part holder's people do.
        assert concern_access.collecting_bodies(world.officer, world.area) == []
        assert concern_access.collecting_bodies(world.icb_officer, world.area) == [world.icb]
        assert concern_access.collecting_bodies(council_officer, world.area) == [world.council]


def test_the_areas_rule_decides_which_part_holder_sees_an_experience(world, council_officer, login):
    community = log(world, "community")
    split(world)
    with at(MOVE):
        assert visible(world.icb_officer) == {community.pk}
        rules_page = reverse("agencies:part-rules", args=[world.area.slug])
        data = {f"local_healthwatch-{t or 'none'}": p.pk for t, p in rules_for(world.area, lhw()).items()}
        login(world.owner).post(rules_page, data | {"local_healthwatch-community": part("social_care").pk})
        assert visible(world.icb_officer) == set()
        assert visible(council_officer) == {community.pk}


def test_the_concern_page_opens_for_the_part_holder_only_from_the_date(world, login):
    hospital = log(world, "hospital", world.trust)
    split(world)
    url = reverse("concerns:detail", args=[world.area.slug, hospital.pk])
    with at(DAY_BEFORE):
        assert login(world.icb_officer).get(url).status_code == 404
    with at(MOVE):
        assert login(world.icb_officer).get(url).status_code == 200


def test_the_part_of_each_kind_of_record(world, care_home):
    rules = rules_for(world.area, lhw())
    hospital = log(world, "hospital", world.trust, status="reviewed")
    home = log(world, "care_home", care_home, status="reviewed")
    assert concern_part(hospital, rules).code == "health"
    assert concern_part(home, rules).code == "social_care"

    to_home = make_alert(world, summary="Falls at Rose Court", recipients=[care_home], concerns=[home])
    both = make_alert(world, summary="Discharge to care homes", recipients=[world.trust, care_home])
    no_service = make_alert(world, summary="Hard to reach the council", recipients=[world.council])
    alerts = {a.pk: a for a in alerts_for_parts(Alert.all_objects.filter(locality=world.area))}
    assert alert_part(alerts[to_home.pk], rules).code == "social_care"
    assert alert_part(alerts[both.pk], rules).code == "health"  # several parts: the stated default
    assert alert_part(alerts[no_service.pk], rules).code == "health"

    recommendation = make_recommendation(world)  # to the ICB: not a service, so its review decides
    review = recommendation.report.review
    review.concerns.add(home)
    fetched = recommendations_for_parts(Recommendation.objects.filter(pk=recommendation.pk)).get()
    assert recommendation_part(fetched, rules).code == "social_care"
    assert review_part(reviews_for_parts(Review.objects.filter(pk=review.pk)).get(), rules).code == "social_care"
    review.alerts.add(both)
    review.concerns.add(hospital)
    assert review_part(reviews_for_parts(Review.objects.filter(pk=review.pk)).get(), rules).code == "health"


def test_parts_of_a_list_cost_a_fixed_number_of_queries(world, care_home, django_assert_max_num_queries):
    for index in range(5):
        home = log(world, "care_home", care_home, status="reviewed")
        make_alert(world, summary=f"Alert {index}", recipients=[care_home, world.icb], concerns=[home])
    function = lhw()
    with django_assert_max_num_queries(5):  # the rules (2), the alerts and their two relations (3)
        rules = rules_for(world.area, function)
        alerts = list(alerts_for_parts(Alert.all_objects.filter(locality=world.area)))
        assert {alert_part(a, rules).code for a in alerts} == {"social_care"}


def test_each_part_holder_keeps_its_own_self_assessment_from_the_date(world, council_officer, login):
    duty = lhw().duties.order_by("number").first()
    url = reverse("agencies:duty", args=[world.area.slug, duty.number])
    form = {"status": "developing", "evidence": "Our plan", "last_reviewed_on_0": "", "owner": ""}
    client = login(world.officer)
    assert client.post(url, form).status_code == 302
    assert DutyAssessment.objects.get().body == world.healthwatch
    split(world)
    with at(MOVE):
        client = login(world.officer)
        assert client.post(url, form).status_code == 403  # the old holder no longer assesses
        client = login(council_officer)
        page = client.get(url).content.decode()
        assert "held in parts by 2 bodies" in page and "Testshire Council’s self-assessment" in page
        assert client.post(url, form | {"status": "established"}).status_code == 302
        assert client.post(url + f"?holder={world.icb.pk}", form).status_code == 403
        client = login(world.icb_officer)
        assert client.post(url, form).status_code == 302
    saved = {(a.body, a.status) for a in DutyAssessment.objects.filter(duty=duty)}
    assert saved == {(world.healthwatch, "developing"), (world.council, "established"), (world.icb, "developing")}


def test_the_migration_gives_existing_assessments_to_the_current_holder(world):
    duty = lhw().duties.order_by("number").first()
    kept = DutyAssessment.objects.create(locality=world.area, duty=duty, status="embedded")
    nobody = DutyAssessment.objects.create(locality=world.other_area, duty=duty)
    step = importlib.import_module("agencies.migrations.0018_assessments_per_holder")
    step.existing_to_current_holder(apps, None)
    kept.refresh_from_db()
    nobody.refresh_from_db()
    assert kept.body == world.healthwatch and nobody.body is None
    step.back_to_one_per_area(apps, None)
    assert not DutyAssessment.objects.filter(body__isnull=False).exists()


def test_functions_held_by_a_part_holder_bring_its_landing_pages(world):
    split(world)
    with at(MOVE):
        seats = access.seats(world.icb_officer, world.area)
        held = access.seat_functions(seats)
        assert Function.LOCAL_HEALTHWATCH in held[(world.icb.pk, world.area.pk)]


def test_a_holders_first_assessment_takes_over_the_areas_own(world):
    from agencies import services

    duty = lhw().duties.order_by("number").first()
    own = DutyAssessment.objects.create(locality=world.area, duty=duty, status="established")
    saved = services.assessment_update(
        locality=world.area, duty=duty, status="embedded", evidence="", owner=None, last_reviewed_on=None
    )
    assert saved.pk == own.pk and saved.body == world.healthwatch
    assert saved.history.count() == 2  # the area's version is kept in the history
