"""People's details follow the law after a handover (issue 17, item 1): the successor sees
experiences de-identified; personal details pass only when the outgoing Healthwatch's own
administrator (or, once it has closed, the area's administrator) records a transfer under a
scheme; otherwise they are sealed (404 and a logged refusal), listed, and destroyed at the end of
the area's retention period."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agencies.models import Role
from concerns import seal_services
from concerns import services as concern_services
from concerns.models import Concern, ConcernContact, PersonalDataAccess
from concerns.tasks import destroy_sealed_details
from concerns.transfer_models import DetailsTransfer, SealDestruction
from tests.factories import MembershipFactory, UserFactory
from tests.test_function_parts import MOVE, split
from tests.test_part_access import at, care_home, council_officer, log  # noqa: F401 - fixtures

SCHEME = "Transfer scheme 2027/14"
NOTICE = "We wrote to everyone who gave us their details and published the notice on our website."


@pytest.fixture
def hw_admin(world):
    return MembershipFactory(
        body=world.healthwatch, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Hana Hw")
    ).user


@pytest.fixture
def moved(world, care_home):  # noqa: F811
    hospital = log(world, "hospital", world.trust, status="reviewed")
    home = log(world, "care_home", care_home, status="reviewed")
    for concern, name in ((hospital, "Pat Patient"), (home, "Rosa Resident")):
        concern_services.personal_details_update(
            user=world.officer, concern=concern, details={"name": name, "email": "pat@example.org"}
        )
    split(world)
    return hospital, home


def personal(client, user, concern):
    client.force_login(user)
    return client.get(reverse("concerns:personal", args=[concern.locality.slug, concern.pk]))


def transfer_url(world):
    return reverse("concerns:details-transfer", args=[world.area.slug, world.healthwatch.pk])


def test_after_the_date_the_successor_sees_the_experience_but_its_personal_details_are_sealed(client, world, moved):
    hospital, _ = moved
    with at(MOVE):
        client.force_login(world.icb_officer)
        page = client.get(reverse("concerns:detail", args=[world.area.slug, hospital.pk]))
        assert page.status_code == 200 and "Pat Patient" not in page.content.decode()
        assert "What happened." not in page.content.decode()  # no narrative either
        assert personal(client, world.icb_officer, hospital).status_code == 404
        refused = PersonalDataAccess.objects.get(action=PersonalDataAccess.Action.REFUSED)
        assert (refused.user, refused.concern) == (world.icb_officer, hospital)
        edit = client.get(reverse("concerns:personal-edit", args=[world.area.slug, hospital.pk]))
        assert edit.status_code == 404


def test_a_council_administrator_cannot_record_the_transfer(client, world, moved):
    with at(MOVE):
        client.force_login(world.owner)
        page = client.get(transfer_url(world))
        assert page.status_code == 403
        assert "Only an administrator of Healthwatch Testshire can record this transfer" in page.content.decode()
        with pytest.raises(PermissionDenied):
            seal_services.transfer_record(
                user=world.owner,
                locality=world.area,
                from_body=world.healthwatch,
                to_body=world.icb,
                scheme_reference=SCHEME,
                privacy_notice=NOTICE,
            )
    assert not DetailsTransfer.objects.exists()


def test_a_transfer_without_a_scheme_reference_is_refused_and_nothing_is_recorded(client, world, moved, hw_admin):
    with at(MOVE):
        client.force_login(hw_admin)
        page = client.post(
            transfer_url(world), {"to_body": world.icb.pk, "scheme_reference": "", "privacy_notice": NOTICE}
        )
        assert page.status_code == 400
        assert "Enter the reference of the transfer scheme the details pass under" in page.content.decode()
        with pytest.raises(ValidationError):
            seal_services.transfer_record(
                user=hw_admin,
                locality=world.area,
                from_body=world.healthwatch,
                to_body=world.icb,
                scheme_reference="  ",
                privacy_notice=NOTICE,
            )
    assert not DetailsTransfer.objects.exists()


def test_once_the_outgoing_administrator_records_it_the_successor_reads_details_and_the_log(
    client,
    world,
    moved,
    hw_admin,
    council_officer,  # noqa: F811
):
    hospital, home = moved
    with at(MOVE):
        client.force_login(hw_admin)
        page = client.post(
            transfer_url(world), {"to_body": world.icb.pk, "scheme_reference": SCHEME, "privacy_notice": NOTICE}
        )
        assert page.status_code == 302
        transfer = DetailsTransfer.objects.get()
        assert (transfer.to_body, transfer.recorded_by, transfer.scheme_reference) == (world.icb, hw_admin, SCHEME)
        assert transfer.history.count() == 1  # in the audit trail
        page = personal(client, world.icb_officer, hospital)
        assert page.status_code == 200 and "Pat Patient" in page.content.decode()
        log_page = client.get(reverse("concerns:access-log", args=[world.area.slug]))
        assert log_page.status_code == 200 and hospital.reference in log_page.content.decode()
        # The council's part (the care home) was not transferred: still sealed from the council.
        assert personal(client, council_officer, home).status_code == 404


def test_after_the_outgoing_body_closes_the_area_administrator_records_it_under_the_scheme(world, moved):
    world.healthwatch.is_active = False
    world.healthwatch.save()
    with at(MOVE):
        transfer = seal_services.transfer_record(
            user=world.owner,
            locality=world.area,
            from_body=world.healthwatch,
            to_body=world.icb,
            scheme_reference=SCHEME,
            privacy_notice=NOTICE,
        )
    assert transfer.recorded_by == world.owner


def test_the_seal_is_listed_for_the_areas_administrators_only(client, world, moved):
    with at(MOVE):
        client.force_login(world.owner)
        page = client.get(reverse("concerns:seals", args=[world.area.slug]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Healthwatch Testshire" in text and "Experiences with sealed details" in text
        client.force_login(world.icb_officer)
        assert client.get(reverse("concerns:seals", args=[world.area.slug])).status_code == 403


def test_destroying_before_the_retention_date_is_refused_and_nothing_is_lost(client, world, moved):
    hospital, _ = moved
    with at(MOVE + datetime.timedelta(days=10)):
        client.force_login(world.owner)
        page = client.post(reverse("concerns:seal-destroy", args=[world.area.slug, world.healthwatch.pk]), follow=True)
        assert "They cannot be destroyed before then" in page.content.decode()
        assert destroy_sealed_details() == 0
    assert ConcernContact.all_objects.get(concern=hospital).name == "Pat Patient"
    assert not SealDestruction.objects.exists()


def test_at_the_end_of_the_retention_period_the_nightly_job_destroys_the_sealed_details_once(
    client, world, moved, hw_admin
):
    hospital, home = moved
    with at(MOVE):
        seal_services.transfer_record(
            user=hw_admin,
            locality=world.area,
            from_body=world.healthwatch,
            to_body=world.icb,
            scheme_reference=SCHEME,
            privacy_notice=NOTICE,
        )
        client.force_login(world.owner)
        client.post(reverse("concerns:seal-retention", args=[world.area.slug]), {"days": "30"})
    with at(MOVE + datetime.timedelta(days=30)):
        assert destroy_sealed_details() == 1
        assert destroy_sealed_details() == 0  # once only
    # The care home's details were sealed (no transfer to the council): blanked, words too.
    assert ConcernContact.all_objects.get(concern=home).name == ""
    assert "Destroyed" in Concern.all_objects.get(pk=home.pk).narrative
    assert all("Destroyed" in h.narrative for h in Concern.history.filter(id=home.pk))
    # The hospital's went to the ICB under the scheme: kept.
    assert ConcernContact.all_objects.get(concern=hospital).name == "Pat Patient"
    destruction = SealDestruction.objects.get()
    assert (destruction.from_body, destruction.experiences, destruction.contacts) == (world.healthwatch, 1, 1)


def test_the_job_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "concerns.tasks.destroy_sealed_details" in tasks


def test_the_areas_audit_trail_shows_the_transfer(client, world, moved, hw_admin):
    with at(MOVE):
        seal_services.transfer_record(
            user=hw_admin,
            locality=world.area,
            from_body=world.healthwatch,
            to_body=world.icb,
            scheme_reference=SCHEME,
            privacy_notice=NOTICE,
        )
        client.force_login(world.owner)
        page = client.get(reverse("agencies:audit", args=[world.area.slug]))
    assert (
        "Transfer of people&#x27;s details" in page.content.decode()
        or "Transfer of people's details" in page.content.decode()
    )
