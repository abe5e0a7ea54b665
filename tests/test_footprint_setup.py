"""Setting up a body that spans areas (issue 12, item 5): an area asks a body from elsewhere to
serve it and the body's own administrators answer; an organisation is entered once, found by
its ODS code; an area leaves a footprint only when the body owes nothing there; a body serving
several areas is changed by its own administrators. Each refusal is a clear message that
changes nothing."""

import datetime
import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import AttachRequest, Body, BodyArea, BodyKind, Membership, Notification, ResponseDuty, Role
from tests.conftest import make_alert, make_recommendation
from tests.factories import BodyFactory, LocalityFactory, MembershipFactory, UserFactory, hold


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def trust(world):
    """A trust entered in Elsewhere, with its own administrator."""
    body = BodyFactory(
        locality=world.other_area, name="Elsewhere and District NHS Trust", kind=BodyKind.NHS_TRUST, ods_code="RZZ"
    )
    body.admin = MembershipFactory(
        body=body, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Tara Trust-Admin")
    ).user
    return body


@pytest.fixture
def shared(world):
    """An ICB serving Testshire and Elsewhere, with its own administrator."""
    body = BodyFactory(locality=world.area, name="NHS Shared ICB", kind=BodyKind.ICB, serves=[world.other_area])
    body.admin = MembershipFactory(body=body, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Ada Icb")).user
    return body


def ask(client, world, body, **data):
    return client.post(reverse("agencies:attach-request", args=[world.area.slug, body.pk]), data)


# Asking for a body and answering


def test_an_area_administrator_finds_a_body_by_its_ods_code_and_asks_for_it(world, login, trust):
    client = login(world.owner)
    found = client.get(reverse("agencies:body-find", args=[world.area.slug]), {"q": "rzz"})
    assert found.status_code == 200
    assert "Elsewhere and District NHS Trust" in page(found)
    assert "Elsewhere" in page(found)  # the areas it serves now

    response = ask(client, world, trust, note="Our residents use its hospitals.")
    assert response.status_code == 302
    asked = AttachRequest.objects.get(body=trust, locality=world.area)
    assert asked.state == "pending" and asked.asked_by == world.owner
    assert not BodyArea.objects.filter(body=trust, locality=world.area).exists()  # nothing attached yet
    told = Notification.objects.filter(kind="attach-request", user=trust.admin)
    assert {n.channel for n in told} == {"inbox", "email"}
    assert "Our residents use its hospitals." in told.first().body
    state = client.get(reverse("agencies:attach-requests", args=[world.area.slug]))
    assert "Elsewhere and District NHS Trust" in page(state) and "Waiting for an answer" in page(state)
    again = client.get(reverse("agencies:body-find", args=[world.area.slug]), {"q": "District"})
    assert "Asked, waiting for an answer" in page(again)


def test_the_bodys_administrator_sees_the_request_and_accepts_it_from_a_chosen_date(world, login, trust):
    ask(login(world.owner), world, trust)
    asked = AttachRequest.objects.get(body=trust)
    client = login(trust.admin)
    waiting = client.get(reverse("agencies:attach-requests", args=[world.other_area.slug]))
    assert "Waiting for your answer" in page(waiting) and "Testshire" in page(waiting)
    answer = reverse("agencies:attach-request-answer", args=[world.other_area.slug, asked.pk])
    response = client.post(
        answer, {"decision": "accept", "starts_on_0": "1", "starts_on_1": "4", "starts_on_2": "2027"}
    )
    assert response.status_code == 302
    row = BodyArea.objects.get(body=trust, locality=world.area)
    assert row.starts_on == datetime.date(2027, 4, 1) and row.added_by == trust.admin
    asked.refresh_from_db()
    assert asked.state == "accepted" and asked.answered_by == trust.admin and asked.footprint == row
    assert Notification.objects.filter(kind="attach-answer", user=world.owner, channel="inbox").exists()
    shown = login(world.owner).get(reverse("agencies:attach-request-answer", args=[world.area.slug, asked.pk]))
    assert "Accepted" in page(shown) and "1 April 2027" in page(shown)


def test_accepting_without_a_date_starts_today_and_the_body_joins_the_area(world, login, trust):
    ask(login(world.owner), world, trust)
    asked = AttachRequest.objects.get(body=trust)
    login(trust.admin).post(
        reverse("agencies:attach-request-answer", args=[world.other_area.slug, asked.pk]), {"decision": "accept"}
    )
    assert BodyArea.objects.get(body=trust, locality=world.area).starts_on == timezone.localdate()
    listed = login(world.owner).get(reverse("agencies:bodies", args=[world.area.slug]))
    assert "Elsewhere and District NHS Trust" in page(listed)


def test_declining_needs_a_reason_which_the_asking_area_sees(world, login, trust):
    ask(login(world.owner), world, trust)
    asked = AttachRequest.objects.get(body=trust)
    client = login(trust.admin)
    answer = reverse("agencies:attach-request-answer", args=[world.other_area.slug, asked.pk])
    response = client.post(answer, {"decision": "decline"})
    assert response.status_code == 400
    assert "Enter the reason for declining" in page(response)
    asked.refresh_from_db()
    assert asked.state == "pending"
    client.post(answer, {"decision": "decline", "reason": "We do not provide services there."})
    asked.refresh_from_db()
    assert asked.state == "declined"
    assert not BodyArea.objects.filter(body=trust, locality=world.area).exists()
    shown = login(world.owner).get(reverse("agencies:attach-request-answer", args=[world.area.slug, asked.pk]))
    assert "Declined" in page(shown) and "We do not provide services there." in page(shown)
    assert "Send your answer" not in page(shown)


def test_nobody_attaches_a_body_alone_the_asking_administrator_cannot_answer(world, login, trust):
    ask(login(world.owner), world, trust)
    asked = AttachRequest.objects.get(body=trust)
    client = login(world.owner)
    answer = reverse("agencies:attach-request-answer", args=[world.area.slug, asked.pk])
    assert "Send your answer" not in page(client.get(answer))
    assert client.post(answer, {"decision": "accept"}).status_code == 403
    asked.refresh_from_db()
    assert asked.state == "pending"
    assert not BodyArea.objects.filter(body=trust, locality=world.area).exists()


def test_an_area_administrator_cannot_answer_for_a_body_there_that_is_not_theirs(world, login, trust):
    """Elsewhere's administrator (at Elsewhere Council) is no administrator of the trust."""
    ask(login(world.owner), world, trust)
    asked = AttachRequest.objects.get(body=trust)
    response = login(world.outsider).get(
        reverse("agencies:attach-request-answer", args=[world.other_area.slug, asked.pk])
    )
    assert response.status_code == 404


def test_asking_for_a_body_that_already_serves_the_area_is_refused(world, login, shared):
    response = ask(login(world.owner), world, shared)
    assert response.status_code == 400
    assert "NHS Shared ICB already serves Testshire. There is nothing to ask." in page(response)
    assert not AttachRequest.objects.exists()


def test_asking_twice_is_refused_while_the_first_request_waits(world, login, trust):
    client = login(world.owner)
    ask(client, world, trust)
    response = ask(client, world, trust)
    assert response.status_code == 400
    assert "Testshire already asked Elsewhere and District NHS Trust to serve it on" in page(response)
    assert AttachRequest.objects.count() == 1
    assert Notification.objects.filter(kind="attach-request").count() == 2  # inbox and email, once


def test_a_body_with_no_administrator_cannot_be_asked(world, login):
    lonely = BodyFactory(locality=world.other_area, name="Lonely Trust", kind=BodyKind.NHS_TRUST)
    response = ask(login(world.owner), world, lonely)
    assert response.status_code == 400
    assert "has no administrator of its own to answer" in page(response)
    assert not AttachRequest.objects.exists()


def test_an_answered_request_cannot_be_answered_again(world, login, trust):
    from agencies import footprint_services

    ask(login(world.owner), world, trust)
    asked = AttachRequest.objects.get(body=trust)
    footprint_services.attach_request_answer(attach_request=asked, by=trust.admin, accept=False, reason="No")
    with pytest.raises(Exception, match="already answered"):
        footprint_services.attach_request_answer(attach_request=asked, by=trust.admin, accept=True)
    assert not BodyArea.objects.filter(body=trust, locality=world.area).exists()


# One record per organisation


def test_a_new_body_with_an_ods_code_already_in_use_is_refused_and_offers_to_ask_for_it(world, login, trust):
    client = login(world.owner)
    response = client.post(
        reverse("agencies:body-create", args=[world.area.slug]),
        {"name": "District Trust", "kind": "nhs_trust", "contact_email": "d@example.org", "service_type": "hospital",
         "ods_code": "rzz"},
    )  # fmt: skip
    assert response.status_code == 400
    text = page(response)
    assert "Elsewhere and District NHS Trust already has the ODS code RZZ" in text
    assert reverse("agencies:attach-request", args=[world.area.slug, trust.pk]) in text
    assert not Body.objects.filter(name="District Trust").exists()


def test_a_new_body_with_a_cqc_id_already_in_use_is_refused(world, login):
    world.trust.cqc_id = "1-100000001"
    world.trust.save()
    response = login(world.owner).post(
        reverse("agencies:body-create", args=[world.area.slug]),
        {"name": "Another Trust", "kind": "nhs_trust", "contact_email": "a@example.org", "service_type": "hospital",
         "cqc_id": "1-100000001"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Testshire Hospitals NHS Trust already has the CQC ID 1-100000001" in page(response)
    assert f"Go to {world.trust.name}" in page(response)  # it serves this area already
    assert not Body.objects.filter(name="Another Trust").exists()


def test_changing_a_body_to_another_bodys_ods_code_is_refused(world, login, trust):
    response = login(world.owner).post(
        reverse("agencies:body-edit", args=[world.area.slug, world.trust.pk]),
        {"name": world.trust.name, "kind": "nhs_trust", "contact_email": "t@example.org", "service_type": "hospital",
         "ods_code": "RZZ", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "already has the ODS code RZZ" in page(response)
    world.trust.refresh_from_db()
    assert world.trust.ods_code == ""


def test_the_database_holds_one_body_per_ods_code_but_any_number_without(world, trust):
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.create(locality=world.area, name="Copy", kind=BodyKind.NHS_TRUST, contact_email="c@example.org",
                            ods_code="RZZ")  # fmt: skip
    assert Body.objects.filter(ods_code="").count() >= 2


# Leaving a footprint


def end(client, area, body, on=("31", "12", "2026")):
    data = {"ends_on_0": on[0], "ends_on_1": on[1], "ends_on_2": on[2]}
    return client.post(reverse("agencies:footprint-end", args=[area.slug, body.pk]), data)


def test_an_area_with_open_work_cannot_leave_a_footprint_and_is_told_the_work(world, login, shared):
    from reports.recommendations import services

    make_alert(world, recipients=[shared])
    rec = make_recommendation(world, to=shared)
    services.evidence_request_send(
        review=rec.report.review, to_body=shared, request="Gather views", sent_on=datetime.date(2026, 11, 2),
        duty=ResponseDuty.objects.get(code="healthwatch-report", locality=None),
    )  # fmt: skip
    hold("local_leadership", shared)
    response = end(login(world.owner), world.area, shared)
    assert response.status_code == 400
    text = page(response)
    assert "NHS Shared ICB still has open work in Testshire" in text
    assert "1 alert it has not acknowledged" in text
    assert "1 recommendation awaiting its response" in text
    assert "1 evidence request it has not answered" in text
    assert "it holds the function Local leadership there" in text
    assert BodyArea.objects.get(body=shared, locality=world.area).ends_on is None


def test_an_area_leaves_a_footprint_once_the_body_owes_nothing_there(world, login, shared):
    from concerns.models import AlertRecipient

    make_alert(world, recipients=[shared])
    AlertRecipient.objects.filter(body=shared).update(state="acknowledged")  # nothing left open
    response = end(login(world.owner), world.area, shared)
    assert response.status_code == 302
    assert BodyArea.objects.get(body=shared, locality=world.area).ends_on == datetime.date(2026, 12, 31)


def test_the_only_area_a_body_serves_cannot_be_removed(world, login):
    response = end(login(world.owner), world.area, world.trust)
    assert response.status_code == 400
    assert "Testshire is the only area Testshire Hospitals NHS Trust serves" in page(response)
    assert BodyArea.objects.get(body=world.trust).ends_on is None


def test_a_body_with_the_areas_only_administrators_cannot_leave_it(world, login, shared):
    Membership.objects.filter(user=world.owner).delete()
    response = end(login(shared.admin), world.area, shared)
    assert response.status_code == 400
    assert "NHS Shared ICB has the only administrators for Testshire" in page(response)


def test_the_body_page_lists_the_areas_it_serves_with_dates(world, login, shared):
    response = login(world.read_only).get(reverse("agencies:body-detail", args=[world.area.slug, shared.pk]))
    text = page(response)
    assert "Areas this body serves" in text
    assert "Elsewhere" in text and "Testshire" in text and "1 April 2013" in text
    assert "Stop NHS Shared ICB serving Testshire" not in text  # read-only


# Who manages a body serving several areas


def test_an_area_administrator_sees_a_shared_body_read_only_with_whom_to_ask(world, login, shared):
    client = login(world.owner)
    detail = page(client.get(reverse("agencies:body-detail", args=[world.area.slug, shared.pk])))
    assert "NHS Shared ICB serves Elsewhere and Testshire, so only NHS Shared ICB’s own administrators" in detail
    assert "Ask its administrators: Ada Icb." in detail
    assert "Change NHS Shared ICB" not in detail
    edit = client.get(reverse("agencies:body-edit", args=[world.area.slug, shared.pk]))
    assert edit.status_code == 403 and "Ask its administrators: Ada Icb." in page(edit)
    posted = client.post(
        reverse("agencies:body-edit", args=[world.area.slug, shared.pk]),
        {"name": "Renamed", "kind": "icb", "contact_email": "x@example.org", "is_active": "on"},
    )
    assert posted.status_code == 403
    shared.refresh_from_db()
    assert shared.name == "NHS Shared ICB"


def test_a_shared_bodys_own_administrator_changes_it(world, login, shared):
    response = login(shared.admin).post(
        reverse("agencies:body-edit", args=[world.area.slug, shared.pk]),
        {"name": "NHS Shared ICB", "kind": "icb", "contact_email": "new@example.org", "is_active": "on"},
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.contact_email == "new@example.org"


def test_an_area_administrator_cannot_give_change_or_remove_seats_at_a_shared_body(world, login, shared):
    client = login(world.owner)
    seat = MembershipFactory(body=shared, role=Role.OFFICER)
    added = client.post(
        reverse("agencies:person-add", args=[world.area.slug]),
        {"full_name": "New Person", "email": "new@example.org", "body": shared.pk, "role": "read_only"},
    )
    assert added.status_code == 400 and "only NHS Shared ICB’s own administrators" in page(added)
    assert not Membership.objects.filter(user__email="new@example.org").exists()
    changed = client.post(
        reverse("agencies:membership-edit", args=[world.area.slug, seat.pk]), {"role": "administrator"}
    )
    assert changed.status_code == 400
    removed = client.post(reverse("agencies:membership-remove", args=[world.area.slug, seat.pk]))
    assert removed.status_code == 400
    seat.refresh_from_db()
    assert seat.role == Role.OFFICER


def test_a_shared_bodys_own_administrator_grants_its_seats(world, login, shared):
    response = login(shared.admin).post(
        reverse("agencies:person-add", args=[world.area.slug]),
        {"full_name": "New Person", "email": "new@example.org", "body": shared.pk, "role": "officer"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="new@example.org").body == shared


# Reaching another area through a shared body


def test_a_person_in_one_area_cannot_reach_another_areas_records_through_a_shared_body(world, login, shared, trust):
    """The shared ICB serves Testshire and Elsewhere; Testshire's administrator has a seat only
    at a Testshire-only body."""
    client = login(world.owner)
    assert client.get(reverse("agencies:body-detail", args=[world.other_area.slug, shared.pk])).status_code == 404
    assert client.get(reverse("agencies:attach-requests", args=[world.other_area.slug])).status_code == 404
    third = LocalityFactory(name="Thirdshire", slug="thirdshire")
    MembershipFactory(body=BodyFactory(locality=third), role=Role.ADMINISTRATOR, user=world.outsider)
    theirs = AttachRequest.objects.create(body=shared, locality=third, asked_by=world.outsider)
    assert client.get(reverse("agencies:attach-request-answer", args=[world.area.slug, theirs.pk])).status_code == 404
    assert client.get(reverse("agencies:attach-request-answer", args=[third.slug, theirs.pk])).status_code == 404


# Query counts stay flat as bodies, their footprints and requests grow


def _count_queries(client, url, params=None) -> int:
    """The page's queries with the navigation's cached count warm, as on most pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_finding_bodies_and_listing_requests_cost_the_same_for_one_or_ten(world, login):
    from agencies import footprint_services

    client = login(world.owner)
    find = reverse("agencies:body-find", args=[world.area.slug])
    requests = reverse("agencies:attach-requests", args=[world.area.slug])
    areas = [LocalityFactory() for _ in range(10)]

    def add(n):
        for i in range(n):
            body = BodyFactory(locality=world.other_area, name=f"Wide Trust {i}", serves=areas)
            MembershipFactory(body=body, role=Role.ADMINISTRATOR)
            footprint_services.attach_request_send(body=body, locality=world.area, asked_by=world.owner)

    add(1)
    few = (_count_queries(client, find, {"q": "Wide Trust"}), _count_queries(client, requests))
    Membership.objects.filter(body__name__startswith="Wide Trust").delete()
    Body.objects.filter(name__startswith="Wide Trust").delete()
    add(10)
    many = (_count_queries(client, find, {"q": "Wide Trust"}), _count_queries(client, requests))
    assert many == few


def test_the_request_and_its_answer_are_in_the_asking_areas_audit_trail(world, login, trust):
    ask(login(world.owner), world, trust)
    response = login(world.owner).get(reverse("agencies:audit", args=[world.area.slug]))
    assert "Created request to serve the area" in page(response)
    assert "Testshire asks Elsewhere and District NHS Trust to serve it" in page(response)


def test_a_shared_bodys_last_administrator_cannot_step_down_or_leave(world, login, shared):
    client = login(shared.admin)
    seat = Membership.objects.get(user=shared.admin)
    changed = client.post(reverse("agencies:membership-edit", args=[world.area.slug, seat.pk]), {"role": "officer"})
    assert changed.status_code == 400
    assert "This is the last administrator of NHS Shared ICB, which serves several areas" in page(changed)
    removed = client.post(reverse("agencies:membership-remove", args=[world.area.slug, seat.pk]))
    assert removed.status_code == 400
    seat.refresh_from_db()
    assert seat.role == Role.ADMINISTRATOR
