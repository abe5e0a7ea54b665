"""Parts of a function (issue 16, item 1): giving local Healthwatch's health part and social
care part to different bodies from a date, with the legal basis; the area's rules for which part
a record belongs to, seen by the area and changed by its administrators."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies import access, services
from agencies.models import Function, FunctionHolding, Role
from agencies.part_models import FunctionPart, PartRule
from agencies.parts import rules_for
from tests.factories import BodyFactory, MembershipFactory, UserFactory

MOVE = datetime.date(2027, 4, 1)
DAY_BEFORE = MOVE - datetime.timedelta(days=1)


def lhw():
    return Function.objects.get(code=Function.LOCAL_HEALTHWATCH)


def part(code: str) -> FunctionPart:
    return FunctionPart.objects.get(function__code=Function.LOCAL_HEALTHWATCH, code=code)


def split(world, *, health=None, social_care=None, on=MOVE):
    """Health to the ICB, social care to the council (unless other bodies are named)."""
    made = []
    for code, body, basis in (
        ("health", health or world.icb, "Transfer scheme 2027/14, part 1"),
        ("social_care", social_care or world.council, "Transfer scheme 2027/14, part 2"),
    ):
        made.append(
            services.function_assign(
                function=lhw(), part=part(code), body=body, locality=world.area, starts_on=on, legal_basis=basis
            )
        )
    return made


def test_each_part_gets_its_own_holder_and_the_whole_holding_ends_the_day_before(world):
    health, social_care = split(world)
    whole = FunctionHolding.objects.get(body=world.healthwatch, function=lhw())
    assert whole.ends_on == DAY_BEFORE and whole.part is None
    assert (health.body, health.part.code, health.starts_on, health.ends_on) == (world.icb, "health", MOVE, None)
    assert social_care.body == world.council and social_care.legal_basis == "Transfer scheme 2027/14, part 2"
    ids = [world.healthwatch.pk, world.icb.pk, world.council.pk]
    # The day before the parts start, Healthwatch holds the function and every part of it.
    before = access.parts_held(ids, DAY_BEFORE, world.area)
    assert before[world.healthwatch.pk] == {("local_healthwatch", "health"), ("local_healthwatch", "social_care")}
    assert world.icb.pk not in before
    # From the date, a part holder holds the function (its code), and says which part.
    held = access.functions_held(ids, MOVE, world.area)
    assert "local_healthwatch" in held[world.icb.pk] and "local_healthwatch" in held[world.council.pk]
    assert "local_healthwatch" not in held.get(world.healthwatch.pk, set())
    parts = access.parts_held(ids, MOVE, world.area)
    assert parts[world.icb.pk] == {("local_healthwatch", "health")}
    assert ("local_healthwatch", "social_care") in parts[world.council.pk]
    holders = set(access.bodies_holding(Function.LOCAL_HEALTHWATCH, world.area, MOVE))
    assert holders == {world.icb, world.council}
    assert set(access.bodies_holding(Function.LOCAL_HEALTHWATCH, world.area, DAY_BEFORE)) == {world.healthwatch}


def test_a_part_cannot_be_held_by_two_bodies_at_once(world):
    split(world)
    with pytest.raises(ValidationError) as error:
        services.function_assign(
            function=lhw(), part=part("health"), body=world.council, locality=world.area, starts_on=MOVE
        )
    assert error.value.message_dict["starts_on"] == [
        "NHS Testshire ICB holds the health part from 1 April 2027. "
        "Enter a start date after that, or end that holding first."
    ]
    assert FunctionHolding.objects.filter(part__code="health").count() == 1


def test_a_later_holder_of_a_part_takes_over_the_day_before(world):
    split(world)
    later = datetime.date(2028, 4, 1)
    services.function_assign(
        function=lhw(), part=part("health"), body=world.council, locality=world.area, starts_on=later
    )
    icb = FunctionHolding.objects.get(body=world.icb, part__code="health")
    assert icb.ends_on == later - datetime.timedelta(days=1)
    assert set(access.bodies_holding(Function.LOCAL_HEALTHWATCH, world.area, later)) == {world.council}


def test_the_same_body_cannot_be_given_a_part_it_already_holds(world):
    split(world)
    with pytest.raises(ValidationError) as error:
        services.function_assign(
            function=lhw(), part=part("health"), body=world.icb, locality=world.area, starts_on=MOVE
        )
    assert "already holds the health part" in str(error.value)


def test_a_successor_outside_the_area_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.function_assign(
            function=lhw(), part=part("health"), body=world.other_council, locality=world.area, starts_on=MOVE
        )
    assert error.value.message_dict["body"] == [
        "Elsewhere Council does not serve Testshire on 1 April 2027. Choose a body that serves it."
    ]
    assert FunctionHolding.objects.get(body=world.healthwatch).ends_on is None


def test_giving_the_whole_function_again_ends_both_parts(world):
    split(world)
    back = datetime.date(2029, 4, 1)
    services.function_assign(function=lhw(), body=world.healthwatch, locality=world.area, starts_on=back)
    ended = FunctionHolding.objects.filter(part__isnull=False).values_list("ends_on", flat=True)
    assert set(ended) == {back - datetime.timedelta(days=1)}


def test_an_administrator_gives_a_part_through_the_form_and_sees_it_with_its_legal_basis(world, login):
    client = login(world.owner)
    url = reverse("agencies:function-assign", args=[world.area.slug])
    form = client.get(url).content.decode()
    assert "Local Healthwatch: Health" in form and "The whole function" in form
    response = client.post(
        url,
        {
            "function": lhw().pk,
            "part": part("health").pk,
            "body": world.icb.pk,
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2027",
            "legal_basis": "Transfer scheme 2027/14",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "NHS Testshire ICB holds the health part of Local Healthwatch from 1 April 2027." in page
    assert "Who holds each part today" in page
    assert "Transfer scheme 2027/14" in page
    assert "NHS Testshire ICB from 1 April 2027" in page  # the health part's next holder


def test_the_form_refuses_a_part_of_another_function(world, login):
    client = login(world.owner)
    response = client.post(
        reverse("agencies:function-assign", args=[world.area.slug]),
        {
            "function": Function.objects.get(code=Function.HWB).pk,
            "part": part("health").pk,
            "body": world.icb.pk,
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2027",
        },
    )
    assert response.status_code == 400
    assert "Health is a part of Local Healthwatch, not" in response.content.decode()
    assert not FunctionHolding.objects.filter(part__isnull=False).exists()


def test_the_form_shows_an_overlapping_holder_as_an_error_on_the_date(world, login):
    split(world)
    response = login(world.owner).post(
        reverse("agencies:function-assign", args=[world.area.slug]),
        {
            "function": lhw().pk,
            "part": part("social_care").pk,
            "body": world.icb.pk,
            "starts_on_0": "1",
            "starts_on_1": "1",
            "starts_on_2": "2027",
        },
    )
    assert response.status_code == 400
    assert "Testshire Council holds the social care part from 1 April 2027" in response.content.decode()


# --- The area's part rules ----------------------------------------------------------------


def rules_url(world):
    return reverse("agencies:part-rules", args=[world.area.slug])


def test_everyone_in_the_area_reads_the_rules_with_the_defaults_marked(world, login):
    page = login(world.read_only).get(rules_url(world)).content.decode()
    assert "Care home" in page and "Records about no service, or several" in page
    assert page.count(">Default<") == 12
    assert "Only administrators for Testshire can change these rules." in page
    assert "Save the rules" not in page


def test_only_administrators_change_the_rules(world, login):
    client = login(world.officer)
    assert client.post(rules_url(world), {"local_healthwatch-other": part("social_care").pk}).status_code == 403
    assert not PartRule.objects.exists()


def baseline(world) -> dict:
    return {f"local_healthwatch-{t or 'none'}": p.pk for t, p in rules_for(world.area, lhw()).items()}


def test_an_administrator_changes_a_rule_and_the_change_is_recorded(world, login):
    client = login(world.owner)
    data = baseline(world) | {"local_healthwatch-community": part("social_care").pk}
    response = client.post(rules_url(world), data, follow=True)
    page = response.content.decode()
    assert "Part rules for Testshire saved: 1 changed." in page
    assert "Changed for Testshire" in page
    rule = PartRule.objects.get()
    assert (rule.service_type, rule.part.code, rule.changed_by) == ("community", "social_care", world.owner)
    assert rule.history.get().history_user == world.owner
    assert rules_for(world.area, lhw())["community"].code == "social_care"
    assert rules_for(world.other_area, lhw())["community"].code == "health"  # only this area
    # Changing it back keeps the history.
    client.post(rules_url(world), baseline(world) | {"local_healthwatch-community": part("health").pk})
    assert rule.history.count() == 2


def test_a_bad_rule_is_explained_and_nothing_is_saved(world, login):
    client = login(world.owner)
    data = baseline(world) | {"local_healthwatch-gp": "999999"}
    data.pop("local_healthwatch-none")
    response = client.post(rules_url(world), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of the parts of Local Healthwatch." in page
    assert "Choose the part for records about no service, or several." in page
    assert not PartRule.objects.exists()


def test_a_part_holders_officer_can_assess_only_for_their_own_body(world):
    split(world)
    council_officer = MembershipFactory(body=world.council, role=Role.OFFICER, user=UserFactory()).user
    duty = lhw().duties.first()
    assert access.can_assess(council_officer, world.area, duty, on=MOVE, body=world.council)
    assert not access.can_assess(council_officer, world.area, duty, on=MOVE, body=world.icb)
    assert not access.can_assess(world.officer, world.area, duty, on=MOVE)
    assert access.can_assess(world.officer, world.area, duty, on=DAY_BEFORE)


def test_a_body_entered_later_can_take_a_part_from_the_day_it_serves(world):
    newcomer = BodyFactory(locality=world.area, name="Testshire Care Partnership")
    held = services.function_assign(
        function=lhw(), part=part("social_care"), body=newcomer, locality=world.area, starts_on=MOVE
    )
    assert held.body == newcomer
