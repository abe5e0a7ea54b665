"""Administrators set up bodies, functions and people; bad input gets clear errors."""

import datetime
import html

import pytest
from django.core import mail
from django.urls import reverse

from agencies.models import Body, Function, FunctionHolding, Membership, Role, User
from tests.factories import BodyFactory, MembershipFactory


def url(name, world, **kwargs):
    return reverse(name, kwargs={"slug": world.area.slug, **kwargs})


def body_data(**overrides):
    data = {
        "name": "Riverside Surgery",
        "kind": "gp_practice",
        "contact_email": "riverside@example.org",
        "service_type": "gp",
        "cqc_id": "1-123456789",
        "ods_code": "a81001",
    }
    data.update(overrides)
    return data


def test_an_administrator_adds_a_body_and_sees_it(world, login):
    client = login(world.owner)
    response = client.post(url("agencies:body-create", world), body_data())
    body = Body.objects.get(name="Riverside Surgery")
    assert response.status_code == 302
    assert body.locality == world.area
    assert body.ods_code == "A81001"  # typed in lower case, stored as the NHS writes it
    page = client.get(response["Location"])
    assert "Riverside Surgery added." in page.content.decode()
    assert "A81001" in page.content.decode()


def test_a_duplicate_name_in_the_same_area_is_refused_whatever_its_case(world, login):
    client = login(world.owner)
    response = client.post(url("agencies:body-create", world), body_data(name="testshire COUNCIL"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "There is already a body called ‘testshire COUNCIL’ in this area" in html
    assert Body.objects.filter(locality=world.area, name__iexact="testshire council").count() == 1


def test_the_same_name_is_allowed_in_another_area(world, login):
    client = login(world.owner)
    response = client.post(url("agencies:body-create", world), body_data(name="Elsewhere Council"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter name"),
        ("name", "x" * 201, "Name must be 200 characters or fewer"),
        ("contact_email", "not-an-email", "Enter contact email address in the correct format"),
        ("kind", "castle", "Select kind of body from the list"),
        ("ods_code", "A-1", "Enter an ODS code of 3 to 6 capital letters and numbers"),
        ("cqc_id", "123", "Enter a CQC location or provider ID like 1-123456789"),
        ("service_type", "", "Select the type of service this body provides"),
    ],
)
def test_bad_body_details_get_a_message_that_names_the_fix(world, login, field, value, message):
    client = login(world.owner)
    response = client.post(url("agencies:body-create", world), body_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Body.objects.filter(contact_email="riverside@example.org").exists()


def test_script_in_a_body_name_is_stored_as_typed_and_shown_escaped(world, login):
    client = login(world.owner)
    client.post(url("agencies:body-create", world), body_data(name="<script>alert(1)</script> Surgery"))
    page = client.get(url("agencies:bodies", world)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Surgery" in page
    assert "<script>alert(1)" not in page


def test_editing_another_areas_body_through_a_guessed_url_is_not_found(world, login):
    client = login(world.owner)
    foreign = reverse("agencies:body-edit", kwargs={"slug": world.area.slug, "pk": world.other_council.pk})
    assert client.get(foreign).status_code == 404
    assert client.post(foreign, body_data(name="Hijacked")).status_code == 404
    world.other_council.refresh_from_db()
    assert world.other_council.name == "Elsewhere Council"


def test_moving_healthwatch_functions_to_the_council_ends_the_old_holding_the_day_before(world, login):
    client = login(world.owner)
    response = client.post(
        url("agencies:function-assign", world),
        {
            "function": Function.objects.get(code="local_healthwatch").pk,
            "body": world.council.pk,
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2027",
            "notes": "Healthwatch functions move to the council",
        },
    )
    assert response.status_code == 302
    old = FunctionHolding.objects.get(body=world.healthwatch, function__code="local_healthwatch")
    new = FunctionHolding.objects.get(body=world.council, function__code="local_healthwatch")
    assert old.ends_on == datetime.date(2027, 3, 31)
    assert new.starts_on == datetime.date(2027, 4, 1)
    assert new.ends_on is None


def test_a_function_holder_keeps_the_function_until_its_end_date_for_assessments(world):
    from agencies import access, services

    duty = Function.objects.get(code="local_healthwatch").duties.first()
    services.function_assign(function=duty.function, body=world.council, starts_on=datetime.date(2027, 4, 1))
    assert access.can_assess(world.officer, world.area, duty, on=datetime.date(2027, 3, 31))
    assert not access.can_assess(world.officer, world.area, duty, on=datetime.date(2027, 4, 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"function": "999999"}, "Select function from the list"),
        ({"starts_on_0": "31", "starts_on_1": "2", "starts_on_2": "2027"}, "must be a real date"),
        ({"starts_on_0": "1", "starts_on_1": "4", "starts_on_2": ""}, "The start date must include a year"),
        ({"starts_on_0": "1", "starts_on_1": "4", "starts_on_2": "27"}, "must have 4 numbers"),
        (
            {"starts_on_0": "1", "starts_on_1": "1", "starts_on_2": "2010"},
            "holds this function from 1 April 2013",
        ),
    ],
)
def test_bad_function_assignments_are_explained(world, login, data, message):
    client = login(world.owner)
    form = {
        "function": Function.objects.get(code="hwb").pk,
        "body": world.council.pk,
        "starts_on_0": "1",
        "starts_on_1": "4",
        "starts_on_2": "2027",
    }
    form.update(data)
    response = client.post(url("agencies:function-assign", world), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FunctionHolding.objects.get(body=world.hwb).ends_on is None  # nothing half-done


def test_a_body_from_another_area_cannot_be_given_a_function(world, login):
    client = login(world.owner)
    response = client.post(
        url("agencies:function-assign", world),
        {
            "function": Function.objects.get(code="hwb").pk,
            "body": world.other_council.pk,
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2027",
        },
    )
    assert response.status_code == 400
    assert "Select body from the list" in response.content.decode()


def test_ending_a_holding_before_it_started_is_refused(world, login):
    client = login(world.owner)
    holding = FunctionHolding.objects.get(body=world.hwb)
    response = client.post(
        url("agencies:holding-end", world, pk=holding.pk),
        {"ends_on_0": "1", "ends_on_1": "1", "ends_on_2": "2012"},
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date, 1 April 2013" in response.content.decode()
    holding.refresh_from_db()
    assert holding.ends_on is None


def test_adding_a_new_person_creates_their_account_and_emails_a_set_password_link(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("agencies:person-add", world),
            {
                "full_name": "Nia Newcomer",
                "email": "Nia@Example.org",
                "body": world.trust.pk,
                "role": "officer",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nia@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.OFFICER
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Nia Newcomer <nia@example.org>"]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_adding_an_existing_person_to_a_second_body_sends_no_new_invitation(world, login):
    client = login(world.owner)
    response = client.post(
        url("agencies:person-add", world),
        {
            "full_name": "Ignored",
            "email": world.officer.email.upper(),
            "body": world.trust.pk,
            "role": "member",
        },
    )
    assert response.status_code == 302
    assert world.officer.memberships.count() == 2
    assert mail.outbox == []


def test_adding_someone_twice_to_the_same_body_is_explained(world, login):
    client = login(world.owner)
    response = client.post(
        url("agencies:person-add", world),
        {"full_name": "Oscar", "email": world.officer.email, "body": world.healthwatch.pk, "role": "read_only"},
    )
    assert response.status_code == 400
    assert "is already a member of Healthwatch Testshire" in response.content.decode()


def test_the_last_administrator_cannot_be_demoted_or_removed(world, login):
    client = login(world.owner)
    membership = Membership.objects.get(user=world.owner)
    response = client.post(url("agencies:membership-edit", world, pk=membership.pk), {"role": "member"})
    assert response.status_code == 400
    assert "This is the last administrator for the area" in response.content.decode()
    response = client.post(url("agencies:membership-remove", world, pk=membership.pk))
    assert response.status_code == 400
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMINISTRATOR


def test_an_administrator_can_hand_over_then_step_down(world, login):
    deputy = MembershipFactory(body=world.council, role=Role.ADMINISTRATOR)
    client = login(world.owner)
    membership = Membership.objects.get(user=world.owner)
    response = client.post(url("agencies:membership-edit", world, pk=membership.pk), {"role": "officer"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == Role.OFFICER
    assert deputy.role == Role.ADMINISTRATOR


def test_members_of_an_inactive_body_lose_access_to_the_area(world, login):
    body = BodyFactory(locality=world.area, is_active=False)
    member = MembershipFactory(body=body, role=Role.ADMINISTRATOR).user
    client = login(member)
    assert client.get(url("agencies:people", world)).status_code == 404
    assert client.get(url("agencies:quality-system", world)).status_code == 404


def test_switching_off_the_body_of_the_only_administrators_is_refused(world, login):
    client = login(world.owner)
    response = client.post(
        url("agencies:body-edit", world, pk=world.council.pk),
        body_data(name="Testshire Council", kind="council", service_type="", cqc_id="", ods_code=""),
    )
    assert response.status_code == 400
    assert "has the only administrators for Testshire" in html.unescape(response.content.decode())
    world.council.refresh_from_db()
    assert world.council.is_active


def test_ending_a_holding_cannot_overlap_the_next_holder(world, login):
    client = login(world.owner)
    from agencies import services

    services.function_assign(
        function=Function.objects.get(code="local_healthwatch"),
        body=world.council,
        starts_on=datetime.date(2027, 4, 1),
    )
    old = FunctionHolding.objects.get(body=world.healthwatch, function__code="local_healthwatch")
    response = client.post(
        url("agencies:holding-end", world, pk=old.pk),
        {"ends_on_0": "31", "ends_on_1": "3", "ends_on_2": "2030"},
    )
    assert response.status_code == 400
    assert "Testshire Council holds this function from 1 April 2027" in response.content.decode()
    old.refresh_from_db()
    assert old.ends_on == datetime.date(2027, 3, 31)
