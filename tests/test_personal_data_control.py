"""Local Healthwatch is the data controller for what people tell it: seats that reach personal
details at a body that collects experiences are granted only by that body's own
administrators. An area administrator (a council officer) sets up the body and its first
administrator, and the body's people are told."""

from __future__ import annotations

from django.urls import reverse

from agencies.models import Membership, Notification, Role
from tests.conftest import make_concern
from tests.factories import MembershipFactory, UserFactory


def _add(client, world, *, email, body, role):
    return client.post(
        reverse("agencies:person-add", args=[world.area.slug]),
        {"full_name": "Carl Council", "email": email, "body": body.pk, "role": role},
    )


def test_a_council_administrator_cannot_give_themselves_a_seat_that_reads_healthwatchs_personal_data(world, login):
    concern = make_concern(world)
    MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR)  # Healthwatch runs its own people
    client = login(world.owner)
    for role in (Role.OFFICER, Role.CHAIR, Role.ADMINISTRATOR):
        response = _add(client, world, email=world.owner.email, body=world.healthwatch, role=role)
        assert response.status_code == 400
        assert "Only Healthwatch Testshire’s own administrators" in response.content.decode()
    assert not Membership.objects.filter(user=world.owner, body=world.healthwatch).exists()
    assert login(world.owner).get(reverse("concerns:personal", args=[world.area.slug, concern.pk])).status_code == 403


def test_a_council_administrator_may_add_only_read_only_seats_at_healthwatch(world, login):
    MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR)
    client = login(world.owner)
    # A member reads what people told Healthwatch in their own words: not the council's to grant.
    response = _add(client, world, email=world.owner.email, body=world.healthwatch, role=Role.MEMBER)
    assert response.status_code == 400
    response = _add(client, world, email="observer@example.org", body=world.healthwatch, role=Role.READ_ONLY)
    assert response.status_code == 302
    assert Membership.objects.get(user__email="observer@example.org").role == Role.READ_ONLY


def test_a_council_administrator_cannot_raise_a_healthwatch_seat_to_officer(world, login):
    MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR)
    volunteer = MembershipFactory(body=world.healthwatch, role=Role.MEMBER)
    response = login(world.owner).post(
        reverse("agencies:membership-edit", args=[world.area.slug, volunteer.pk]), {"role": Role.OFFICER}
    )
    assert response.status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.role == Role.MEMBER


def test_healthwatchs_own_administrator_grants_officer_seats(world, login):
    hw_admin = MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR).user
    response = _add(login(hw_admin), world, email="new.officer@example.org", body=world.healthwatch, role=Role.OFFICER)
    assert response.status_code == 302
    assert Membership.objects.get(user__email="new.officer@example.org").role == Role.OFFICER


def test_the_area_administrator_appoints_healthwatchs_first_administrator_and_its_people_are_told(world, login):
    assert not Membership.objects.filter(body=world.healthwatch, role=Role.ADMINISTRATOR).exists()
    response = _add(
        login(world.owner), world, email="hw.lead@example.org", body=world.healthwatch, role=Role.ADMINISTRATOR
    )
    assert response.status_code == 302
    told = Notification.objects.filter(user=world.officer, channel=Notification.Channel.INBOX).get()
    assert "administrator" in told.subject and "Healthwatch Testshire" in told.subject
    # Now that Healthwatch has an administrator, the area administrator cannot appoint another.
    response = _add(
        login(world.owner), world, email="second@example.org", body=world.healthwatch, role=Role.ADMINISTRATOR
    )
    assert response.status_code == 400


def test_other_bodies_seats_are_still_set_up_by_the_area_administrator(world, login):
    # The trust serves Testshire alone (the ICB's seats, which reach a second area too, are
    # set up by its own administrators: tests/test_shared_bodies.py).
    user = UserFactory()
    response = _add(login(world.owner), world, email=user.email, body=world.trust, role=Role.OFFICER)
    assert response.status_code == 302


def test_a_council_administrator_cannot_remove_or_demote_healthwatchs_administrator_to_take_over(world, login):
    concern = make_concern(world)
    hw_admin = MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR)
    client = login(world.owner)
    remove = client.post(reverse("agencies:membership-remove", args=[world.area.slug, hw_admin.pk]))
    assert remove.status_code == 400
    demote = client.post(
        reverse("agencies:membership-edit", args=[world.area.slug, hw_admin.pk]), {"role": Role.MEMBER}
    )
    assert demote.status_code == 400
    hw_admin.refresh_from_db()
    assert hw_admin.role == Role.ADMINISTRATOR
    response = _add(client, world, email=world.owner.email, body=world.healthwatch, role=Role.ADMINISTRATOR)
    assert response.status_code == 400
    assert login(world.owner).get(reverse("concerns:personal", args=[world.area.slug, concern.pk])).status_code == 403


def test_healthwatchs_administrator_manages_its_own_people(world, login):
    hw_admin = MembershipFactory(body=world.healthwatch, role=Role.ADMINISTRATOR).user
    officer_seat = Membership.objects.get(user=world.officer, body=world.healthwatch)
    client = login(hw_admin)
    response = client.post(
        reverse("agencies:membership-edit", args=[world.area.slug, officer_seat.pk]), {"role": Role.MEMBER}
    )
    assert response.status_code == 302
    response = client.post(reverse("agencies:membership-remove", args=[world.area.slug, officer_seat.pk]))
    assert response.status_code == 302
