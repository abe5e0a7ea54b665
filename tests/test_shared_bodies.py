"""A body serving several areas is shared, not owned by one area (issue 12).

A seat at a shared body reaches every area it serves, so one area's administrator cannot give,
change or remove its seats: that would open (or close) another area's records. The body's own
administrators can, and so can someone who administers every area it serves.
"""

from __future__ import annotations

from django.urls import reverse

from agencies.models import Body, BodyKind, Locality, Membership, Role
from tests.factories import BodyFactory, MembershipFactory, UserFactory


def shared_area_admin(world):
    council = BodyFactory(locality=world.shared_area, name="Sharedshire Council", kind=BodyKind.COUNCIL)
    return MembershipFactory(body=council, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Sian Shared")).user


def test_one_areas_administrator_cannot_make_themselves_a_seat_at_a_body_shared_with_another_area(world, login):
    admin = shared_area_admin(world)
    client = login(admin)
    url = reverse("agencies:person-add", args=[world.shared_area.slug])
    for role in (Role.ADMINISTRATOR, Role.READ_ONLY):
        response = client.post(
            url, {"full_name": admin.full_name, "email": admin.email, "body": world.icb.pk, "role": role}
        )
        assert response.status_code == 400
        assert "Testshire, so only" in response.content.decode()
    assert not Membership.objects.filter(user=admin, body=world.icb).exists()
    assert login(admin).get(reverse("concerns:index", args=[world.area.slug])).status_code == 404


def test_one_areas_administrator_cannot_change_or_remove_a_shared_bodys_seats(world, login):
    client = login(shared_area_admin(world))
    seat = Membership.objects.get(user=world.multi)
    edit = reverse("agencies:membership-edit", args=[world.shared_area.slug, seat.pk])
    response = client.post(edit, {"role": Role.ADMINISTRATOR})
    assert response.status_code == 400 and "Testshire, so only" in response.content.decode()
    remove = reverse("agencies:membership-remove", args=[world.shared_area.slug, seat.pk])
    response = client.post(remove, {})
    assert response.status_code == 400 and "Testshire, so only" in response.content.decode()
    seat.refresh_from_db()
    assert seat.role == Role.OFFICER


def test_the_shared_bodys_own_administrator_and_an_administrator_of_every_area_it_serves_can(world, login):
    icb_admin = MembershipFactory(body=world.icb, role=Role.ADMINISTRATOR).user
    both = shared_area_admin(world)
    MembershipFactory(body=world.council, role=Role.ADMINISTRATOR, user=both)
    for admin, email in ((icb_admin, "new.one@example.org"), (both, "new.two@example.org")):
        response = login(admin).post(
            reverse("agencies:person-add", args=[world.shared_area.slug]),
            {"full_name": "New Person", "email": email, "body": world.icb.pk, "role": Role.OFFICER},
        )
        assert response.status_code == 302, response.content.decode()
        assert Membership.objects.filter(user__email=email, body=world.icb).exists()


def test_a_body_serving_one_area_is_set_up_by_that_areas_administrators_as_before(world, login):
    response = login(world.owner).post(
        reverse("agencies:person-add", args=[world.area.slug]),
        {"full_name": "Tess Trust", "email": "tess@example.org", "body": world.trust.pk, "role": Role.OFFICER},
    )
    assert response.status_code == 302
    assert Body.objects.get(pk=world.trust.pk).footprint.count() == 1
    assert Locality.objects.count() == 4


def test_a_shared_body_cannot_take_the_name_of_a_body_in_any_area_it_serves(world):
    import pytest
    from django.core.exceptions import ValidationError

    from agencies import services

    BodyFactory(locality=world.shared_area, name="Sharedshire Council", kind=BodyKind.COUNCIL)
    with pytest.raises(ValidationError) as refused:
        services.body_update(body=world.icb, name="sharedshire council")
    assert "already a body called" in " ".join(refused.value.message_dict["name"])
    assert Body.objects.get(pk=world.icb.pk).name == "NHS Testshire ICB"
    # A body in an area the ICB does not serve may share a name with it.
    BodyFactory(locality=world.other_area, name="Elsewhere Hospice")
    services.body_update(body=world.icb, name="Elsewhere Hospice")
