"""Each area keeps a self-assessment per duty, with its history; the right people update it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from agencies.models import Duty, DutyAssessment, Role
from tests.factories import MembershipFactory


def duty_url(world, number):
    return reverse("agencies:duty", kwargs={"slug": world.area.slug, "number": number})


def assessment(status="established", evidence="Quarterly report to the board", owner="", reviewed=("1", "10", "2026")):
    return {
        "status": status,
        "evidence": evidence,
        "owner": owner,
        "last_reviewed_on_0": reviewed[0],
        "last_reviewed_on_1": reviewed[1],
        "last_reviewed_on_2": reviewed[2],
    }


@time_machine.travel(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_healthwatch_officer_updates_a_healthwatch_duty_and_sees_it_on_the_checklist(world, login):
    client = login(world.officer)
    response = client.post(duty_url(world, 11), assessment(owner=world.officer.pk))
    assert response.status_code == 302
    saved = DutyAssessment.objects.get(locality=world.area, duty__number=11)
    assert (saved.status, saved.owner, saved.last_reviewed_on) == (
        "established",
        world.officer,
        datetime.date(2026, 10, 1),
    )
    page = client.get(response["Location"]).content.decode()
    assert "Duty 11 assessment saved." in page
    assert "Oscar Officer" in page
    assert "1 Oct 2026" in page


def test_a_healthwatch_officer_cannot_assess_a_scrutiny_duty(world, login):
    client = login(world.officer)
    assert client.post(duty_url(world, 21), assessment()).status_code == 403
    page = client.get(duty_url(world, 21)).content.decode()
    assert "Update the assessment" not in page
    assert "Officers of a body that holds this function" in page
    assert not DutyAssessment.objects.exists()


def test_a_plain_member_of_the_holding_body_cannot_assess(world, login):
    member = MembershipFactory(body=world.healthwatch, role=Role.MEMBER).user
    assert login(member).post(duty_url(world, 11), assessment()).status_code == 403


def test_every_change_is_kept_in_the_history_with_who_made_it(world, login):
    client = login(world.owner)
    client.post(duty_url(world, 6), assessment(status="developing"))
    client.post(duty_url(world, 6), assessment(status="embedded"))
    page = client.get(duty_url(world, 6)).content.decode()
    history = page[page.index("History of changes") :]
    assert history.count("Olivia Owner") == 2
    assert history.index("Embedded") < history.index("Developing")  # newest first


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "brilliant"}, "Select one of: not started, developing, established or embedded"),
        ({"status": ""}, "Select how well this duty is carried out"),
        ({"evidence": "x" * 5001}, "Evidence notes must be 5,000 characters or fewer"),
        ({"reviewed": ("1", "1", "2099")}, "The date last reviewed must be today or in the past"),
        ({"reviewed": ("30", "2", "2026")}, "The date last reviewed must be a real date"),
        ({"reviewed": ("", "2", "2026")}, "The date last reviewed must include a day"),
    ],
)
def test_bad_assessments_are_explained_and_nothing_is_saved(world, login, data, message):
    client = login(world.owner)
    form = assessment(reviewed=data.pop("reviewed", ("1", "10", "2026")), **data)
    response = client.post(duty_url(world, 6), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DutyAssessment.objects.exists()


def test_an_owner_from_another_area_is_refused(world, login):
    response = login(world.owner).post(duty_url(world, 6), assessment(owner=world.outsider.pk))
    assert response.status_code == 400
    assert "Select owner from the list" in response.content.decode()


def test_narrative_with_script_is_kept_as_typed_and_escaped(world, login):
    client = login(world.owner)
    client.post(duty_url(world, 6), assessment(evidence='<img src=x onerror="alert(1)"> minutes'))
    assert DutyAssessment.objects.get().evidence == '<img src=x onerror="alert(1)"> minutes'
    page = client.get(duty_url(world, 6)).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; minutes" in page


def test_an_unknown_duty_number_is_not_found(world, login):
    assert login(world.owner).get(duty_url(world, 22)).status_code == 404
    assert Duty.objects.count() == 21


def test_the_audit_trail_shows_who_changed_what(world, login):
    client = login(world.owner)
    client.post(duty_url(world, 6), assessment(status="developing"))
    client.post(duty_url(world, 6), assessment(status="embedded"))
    client.post(
        reverse("agencies:body-edit", kwargs={"slug": world.area.slug, "pk": world.trust.pk}),
        {
            "name": "Testshire University Hospitals",
            "kind": "nhs_trust",
            "contact_email": "t@example.org",
            "service_type": "hospital",
            "is_active": "on",
        },
    )
    page = client.get(reverse("agencies:audit", kwargs={"slug": world.area.slug})).content.decode()
    assert "Changed self-assessment: Testshire: duty 6" in page
    assert "status: ‘Developing’ → ‘Embedded’" in page
    assert "name: ‘Testshire Hospitals NHS Trust’ → ‘Testshire University Hospitals’" in page
    assert page.count("Olivia Owner") >= 3
    assert "Elsewhere" not in page
