"""A concern flagged as safeguarding is referred the same day to the council's adult or
children's safeguarding team (the body holding that function in the area), and the referral is
recorded: to whom, when, how, by whom, their reference and, when told, the outcome. An alert to
commissioners is not the referral. Healthwatch's page lists safeguarding concerns not referred."""

import datetime
import html

import time_machine
from django.urls import reverse

from concerns.models import SafeguardingReferral
from tests.conftest import make_concern
from tests.factories import BodyFactory, MembershipFactory, hold

TODAY = datetime.datetime(2026, 11, 30, 10)


def when(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def teams(world):
    adults = BodyFactory(locality=world.area, name="Testshire Adult Safeguarding", contact_email="asg@example.org")
    children = BodyFactory(locality=world.area, name="Testshire Children's Safeguarding")
    hold("adult_safeguarding", adults)
    hold("children_safeguarding", children)
    return adults, children


def page(client, world, name, **kwargs) -> str:
    return html.unescape(client.get(reverse(name, kwargs={"slug": world.area.slug, **kwargs})).content.decode())


@time_machine.travel(TODAY, tick=False)
def test_an_officer_records_the_referral_and_later_the_outcome(world, login):
    adults, children = teams(world)
    concern = make_concern(world, safeguarding=True, received_on=datetime.date(2026, 11, 30))
    client = login(world.officer)
    detail = page(client, world, "concerns:detail", pk=concern.pk)
    assert "No referral to the safeguarding team is recorded" in detail
    assert "An alert to commissioners is not the referral" in detail
    home = page(client, world, "reports:healthwatch-home")
    assert concern.reference in home and "1 safeguarding concern with no referral" in home

    form = page(client, world, "concerns:safeguarding-refer", pk=concern.pk)
    assert adults.name in form and children.name in form and world.trust.name not in form
    url = reverse("concerns:safeguarding-refer", args=[world.area.slug, concern.pk])
    response = client.post(
        url,
        {"to_body": adults.pk, "method": "phone", "their_reference": "ASG-4471", **when("referred_on", TODAY.date())},
    )
    assert response.status_code == 302
    referral = SafeguardingReferral.objects.get()
    assert (referral.to_body, referral.referred_by, referral.their_reference) == (adults, world.officer, "ASG-4471")
    detail = page(client, world, "concerns:detail", pk=concern.pk)
    assert "Referred to Testshire Adult Safeguarding" in detail
    assert "30 November 2026, phone call, by Oscar Officer. Their reference: ASG-4471" in detail
    assert "Outcome not yet recorded" in detail
    assert concern.reference not in page(client, world, "reports:healthwatch-home")

    outcome = reverse("concerns:safeguarding-outcome", args=[world.area.slug, concern.pk, referral.pk])
    client.post(outcome, {"outcome": "Section 42 enquiry opened.", **when("outcome_on", TODAY.date())})
    detail = page(client, world, "concerns:detail", pk=concern.pk)
    assert "Outcome (30 November 2026):</strong>" in detail and "Section 42 enquiry opened." in detail
    assert referral.history.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_bad_referrals_are_refused_with_a_reason_and_record_nothing(world, login):
    adults, _ = teams(world)
    concern = make_concern(world, safeguarding=True, received_on=datetime.date(2026, 11, 20))
    plain = make_concern(world)
    client = login(world.officer)
    url = reverse("concerns:safeguarding-refer", args=[world.area.slug, concern.pk])
    cases = [
        ({"method": "phone", **when("referred_on", TODAY.date())}, "Choose the safeguarding team you referred it to"),
        (
            {"to_body": world.trust.pk, "method": "phone", **when("referred_on", TODAY.date())},
            "Choose one of this area's safeguarding teams",
        ),
        (
            {"to_body": adults.pk, "method": "phone", **when("referred_on", datetime.date(2026, 11, 19))},
            "The date referred must be on or after the date received, 20 November 2026",
        ),
        ({"to_body": adults.pk, **when("referred_on", TODAY.date())}, "Select how it was referred"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400
        assert message in html.unescape(response.content.decode())
    not_flagged = client.post(
        reverse("concerns:safeguarding-refer", args=[world.area.slug, plain.pk]),
        {"to_body": adults.pk, "method": "phone", **when("referred_on", TODAY.date())},
    )
    assert "Mark the experience as a safeguarding concern" in html.unescape(not_flagged.content.decode())
    assert not SafeguardingReferral.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_only_officers_of_the_collecting_body_record_referrals_and_others_see_nothing_of_them(world, login):
    teams(world)
    concern = make_concern(world, safeguarding=True)
    volunteer = MembershipFactory(body=world.healthwatch, role="member").user
    url = reverse("concerns:safeguarding-refer", args=[world.area.slug, concern.pk])
    assert login(volunteer).get(url).status_code == 403
    assert login(world.icb_officer).get(url).status_code == 403
    assert "Safeguarding referral" not in page(login(world.icb_officer), world, "concerns:detail", pk=concern.pk)


@time_machine.travel(TODAY, tick=False)
def test_an_area_with_no_safeguarding_team_says_whom_to_ask(world, login):
    concern = make_concern(world, safeguarding=True)
    form = page(login(world.officer), world, "concerns:safeguarding-refer", pk=concern.pk)
    assert "No body holds the adult or children's safeguarding function in this area" in form
