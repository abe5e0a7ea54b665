"""Access and landing follow the functions a body holds on a date, never its kind: a body that
takes on a function gets what goes with it, and one that gives it up loses it."""

from __future__ import annotations

import datetime

from django.urls import reverse

from agencies.models import Body, BodyArea, BodyKind, Function, FunctionHolding, Role
from quality_system.navigation import LANDING_FOR_FUNCTION
from tests.conftest import make_alert
from tests.factories import TEST_PASSWORD, BodyFactory, MembershipFactory, UserFactory, hold


def _hand_over(world, function_code: str, from_body: Body, to_body: Body) -> None:
    """The old holder's holding ended yesterday; the new holder's began today."""
    today = datetime.date.today()
    FunctionHolding.objects.filter(body=from_body, function__code=function_code).update(
        ends_on=today - datetime.timedelta(days=1)
    )
    hold(function_code, to_body, starts_on=today)


def test_the_landing_pages_are_keyed_by_function_codes_that_exist(db):
    from tests.conftest import restore_reference_data

    restore_reference_data()
    assert set(LANDING_FOR_FUNCTION) == {
        Function.HWB,
        Function.LOCAL_HEALTHWATCH,
        Function.HEALTH_SCRUTINY,
        Function.JOINT_HEALTH_SCRUTINY,
    }
    assert set(Function.objects.filter(code__in=LANDING_FOR_FUNCTION).values_list("code", flat=True)) == set(
        LANDING_FOR_FUNCTION
    )


def test_an_icb_that_takes_on_local_healthwatch_lands_on_healthwatch_work_and_logs_concerns(world, login, client):
    _hand_over(world, Function.LOCAL_HEALTHWATCH, world.healthwatch, world.icb)
    healthwatch_home = reverse("reports:healthwatch-home", args=[world.area.slug])
    assert healthwatch_home in login(world.icb_officer).get(reverse("home")).content.decode()
    assert login(world.icb_officer).get(reverse("concerns:create", args=[world.area.slug])).status_code == 200
    # Healthwatch's own officer no longer logs concerns once the function has moved.
    assert login(world.officer).get(reverse("concerns:create", args=[world.area.slug])).status_code == 403
    # The ICB serves a second area too, so its officer has two seats and starts at the home
    # page, which lists both; once it serves Testshire alone, signing in lands on the work.
    client.logout()
    response = client.post(reverse("sign-in"), {"username": world.icb_officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    footprint = BodyArea.objects.get(body=world.icb, locality=world.shared_area)
    footprint.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    footprint.save()  # as the footprint pages do (a save moves the cached seats' version)
    client.logout()
    response = client.post(reverse("sign-in"), {"username": world.icb_officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == healthwatch_home


def test_a_joint_committee_holding_health_scrutiny_oversees_the_areas_alerts(world, login):
    joint = BodyFactory(locality=world.area, name="Joint Health Scrutiny Committee", kind=BodyKind.COUNCIL)
    member = MembershipFactory(body=joint, role=Role.OFFICER, user=UserFactory(full_name="Jo Joint")).user
    alert = make_alert(world, recipients=[world.icb])
    detail = reverse("concerns:alert-detail", args=[world.area.slug, alert.pk])
    assert login(member).get(detail).status_code == 404  # a council with no oversight function
    assert login(world.scrutiny_officer).get(detail).status_code == 200
    _hand_over(world, Function.HEALTH_SCRUTINY, world.scrutiny, joint)
    assert login(member).get(detail).status_code == 200
    assert login(world.scrutiny_officer).get(detail).status_code == 404  # no longer holds the function
    assert (
        reverse("reports:scrutiny-home", args=[world.area.slug]) in login(member).get(reverse("home")).content.decode()
    )


def test_recording_the_quality_surveillance_groups_view_follows_the_function_not_the_kind(world, login):
    url = reverse("reports:surveillance-record", args=[world.area.slug])
    assert login(world.icb_officer).get(url).status_code == 200
    for holding in FunctionHolding.objects.filter(body=world.icb, function__code="quality_surveillance"):
        holding.ends_on = datetime.date(2020, 1, 1)
        holding.save()  # as the function pages do (a save moves the cached functions' version)
    assert login(world.icb_officer).get(url).status_code == 403  # an ICB no longer on the group
    council_officer = MembershipFactory(body=world.council, role=Role.OFFICER).user
    assert login(council_officer).get(url).status_code == 403
    hold("quality_surveillance", world.council)
    assert login(council_officer).get(url).status_code == 200  # a council body that sits on it
