"""The signed-in person's seats, functions and unread count come from the cache
(agencies.person_cache), and every change to them shows on the very next request."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from agencies.models import BodyArea, FunctionHolding, Membership, Role
from agencies.notifications import notify_user
from tests.factories import MembershipFactory

TRIVIAL = "/accounts/password/change/done/"
DAY = datetime.date(2026, 3, 10)


def at(day: datetime.date, hour: int, minute: int):
    """London time (GMT in March)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=datetime.UTC), tick=False
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_trivial_signed_in_page_asks_the_database_only_for_the_session_and_the_user(world, django_assert_num_queries):
    client = signed_in(world.officer)
    assert client.get(TRIVIAL).status_code == 200  # fills the cache
    # Before: session, user, seats and the unread count (4); now the seats, the functions and the
    # unread count come from one cache read.
    with django_assert_num_queries(2):
        response = client.get(TRIVIAL)
    assert response.status_code == 200
    assert reverse("concerns:index", args=[world.area.slug]) in response.text  # the navigation


def test_removing_a_membership_takes_effect_on_the_very_next_request(world):
    reader = signed_in(world.read_only)
    concerns = reverse("concerns:index", args=[world.area.slug])
    assert reader.get(concerns).status_code == 200
    assert concerns in reader.get(TRIVIAL).text  # now from the cache
    seat = Membership.objects.get(user=world.read_only)
    owner = signed_in(world.owner)
    removed = owner.post(reverse("agencies:membership-remove", args=[world.area.slug, seat.pk]))
    assert removed.status_code == 302
    assert reader.get(concerns).status_code == 404
    assert concerns not in reader.get(TRIVIAL).text  # no seat, so no area in the navigation


def test_a_new_membership_and_a_switched_off_body_show_on_the_next_request(world):
    outsider = signed_in(world.outsider)
    concerns = reverse("concerns:index", args=[world.area.slug])
    home = reverse("home")
    assert outsider.get(concerns).status_code == 404
    assert world.council.name not in outsider.get(home).text
    MembershipFactory(body=world.council, user=world.outsider, role=Role.READ_ONLY)
    assert outsider.get(concerns).status_code == 200
    assert world.council.name in outsider.get(home).text
    world.council.is_active = False
    world.council.save()
    assert outsider.get(concerns).status_code == 404
    assert world.council.name not in outsider.get(home).text


def test_a_holding_or_footprint_that_ends_yesterday_stops_counting_today_without_any_write(world):
    FunctionHolding.objects.filter(body=world.healthwatch, function__code="local_healthwatch").update(ends_on=DAY)
    BodyArea.objects.filter(body=world.icb, locality=world.shared_area).update(ends_on=DAY)
    shared = reverse("concerns:index", args=[world.shared_area.slug])
    with at(DAY, 23, 58):
        officer, multi = signed_in(world.officer), signed_in(world.multi)
        assert "Healthwatch work" in officer.get(reverse("home")).text
        assert "Healthwatch work" in officer.get(reverse("home")).text  # from the cache
        assert multi.get(shared).status_code == 200
        assert multi.get(shared).status_code == 200
    with at(DAY + datetime.timedelta(days=1), 0, 2):  # four minutes later: the cached entry is still there
        assert "Healthwatch work" not in officer.get(reverse("home")).text
        assert multi.get(shared).status_code == 404


def test_the_unread_count_follows_new_messages_and_marking_them_read(world):
    client = signed_in(world.officer)
    assert "new)" not in client.get(TRIVIAL).text
    notify_user(user=world.officer, kind="test", key="one", subject="Hello", body="Hello")
    assert "Messages (1 new)" in client.get(TRIVIAL).text
    client.post(reverse("inbox-read"))
    assert "new)" not in client.get(TRIVIAL).text


@pytest.mark.django_db(transaction=True)
def test_a_removal_committed_by_another_request_shows_on_the_next_one(world):
    """With real commits: the version moves at once and again once the change commits."""
    reader = signed_in(world.read_only)
    concerns = reverse("concerns:index", args=[world.area.slug])
    assert reader.get(concerns).status_code == 200
    assert concerns in reader.get(TRIVIAL).text
    seat = Membership.objects.get(user=world.read_only)
    assert signed_in(world.owner).post(reverse("agencies:membership-remove", args=[world.area.slug, seat.pk]))
    assert reader.get(concerns).status_code == 404
    assert concerns not in reader.get(TRIVIAL).text


def _concerns_query(user) -> str:
    from concerns.models import Concern

    return str(Concern.all_objects.for_user(user).order_by().query)


def test_every_scope_names_the_cached_areas_and_bodies_and_follows_a_change_at_once(world):
    """A list's query names the person's areas and bodies (from their cached entry) instead of
    joining memberships and footprints again, and a change to a seat shows in the very next
    scope, on the same user object, with no request in between."""
    from agencies.managers import reachable_area_ids, seat_body_ids
    from concerns.models import Concern
    from tests.conftest import make_concern

    concern = make_concern(world, status="new")
    officer = world.officer
    assert reachable_area_ids(officer) == [world.area.pk]
    assert seat_body_ids(officer) == [world.healthwatch.pk]
    assert "agencies_membership" not in _concerns_query(officer)
    assert concern in Concern.all_objects.for_user(officer)  # their own body's new experience
    Membership.objects.filter(user=officer).delete()
    assert reachable_area_ids(officer) == []
    assert concern not in Concern.all_objects.for_user(officer)


def test_a_member_of_a_body_whose_footprint_ended_still_counts_as_its_member(world):
    """Seats need a footprint today; membership of the body does not (its own experiences stay
    visible to its staff in an area they reach through another seat)."""
    from agencies.managers import seat_body_ids

    officer = world.officer
    MembershipFactory(user=officer, body=world.hwb, role=Role.MEMBER)
    BodyArea.objects.filter(body=world.healthwatch).update(ends_on=datetime.date(2020, 1, 1))
    from agencies import person_cache

    person_cache.access_changed()  # update() sends no signal: say so, as a service would
    assert world.healthwatch.pk in seat_body_ids(officer)
    assert world.healthwatch.pk not in {seat.body_id for seat in person_cache.person(officer).seats}


def test_the_part_holders_condition_is_asked_only_of_people_whose_bodies_hold_a_part(world):
    """Without a part of local Healthwatch held by one of their bodies today, the condition could
    match nothing, so the scope leaves it out; with one, it is there."""
    from agencies.models import Function
    from agencies.part_models import FunctionPart
    from agencies.part_services import part_assign

    assert "agencies_partrule" not in _concerns_query(world.icb_officer)
    part_assign(
        function=Function.objects.get(code=Function.LOCAL_HEALTHWATCH),
        part=FunctionPart.objects.get(code="health"),
        body=world.icb,
        locality=world.area,
        starts_on=datetime.date(2020, 1, 1),
    )
    assert "agencies_partrule" in _concerns_query(world.icb_officer)


def test_the_lists_service_filter_shows_a_new_or_renamed_service_at_once(world):
    """The filter's 1,500 services are cached under the version every body change moves."""
    from tests.factories import BodyFactory

    officer = signed_in(world.officer)
    concerns = reverse("concerns:index", args=[world.area.slug])
    assert "Testshire Hospitals NHS Trust</option>" in officer.get(concerns).text  # cached now
    BodyFactory(locality=world.area, name="Brookside Surgery", kind="gp_practice", service_type="gp")
    world.trust.name = "Testshire University Hospitals NHS Trust"
    world.trust.save()
    page = officer.get(concerns).text
    assert "Brookside Surgery</option>" in page
    assert "Testshire University Hospitals NHS Trust</option>" in page
    assert "Testshire Hospitals NHS Trust</option>" not in page


def test_acting_for_a_function_from_the_cache_agrees_with_the_database(world):
    """`acts_for` answers from the person's cached entry what `bodies_acting_for` asks the
    database, for every person, area, function and role in the test world."""
    from agencies import access
    from agencies.models import Function, Locality, User

    codes = [Function.HWB, Function.QUALITY_SURVEILLANCE, Function.LOCAL_HEALTHWATCH, Function.HEALTH_SCRUTINY]
    answers = set()
    for user in User.objects.all():
        for area in Locality.objects.all():
            for code in codes:
                for role in (Role.READ_ONLY, Role.MEMBER, Role.OFFICER, Role.ADMINISTRATOR):
                    from_database = bool(access.bodies_acting_for(user, area, code, min_role=role))
                    assert access.acts_for(user, area, code, min_role=role) == from_database, (user, area, code, role)
                    answers.add(from_database)
    assert answers == {True, False}  # the world has people who act for functions and people who don't


def test_the_dashboards_surveillance_section_follows_a_seat_at_once(world):
    """Board members see the QSG's views on the dashboard (the check reads the cached entry);
    losing the seat takes the section away on the very next request."""
    member = signed_in(world.board_member)
    dashboard = reverse("reports:dashboard", args=[world.area.slug])
    surveillance = reverse("reports:surveillance", args=[world.area.slug])
    assert surveillance in member.get(dashboard).text
    assert surveillance in member.get(dashboard).text  # from the cache
    assert surveillance not in signed_in(world.officer).get(dashboard).text  # Healthwatch: not in the group
    Membership.objects.filter(user=world.board_member).delete()
    assert member.get(dashboard).status_code == 404
