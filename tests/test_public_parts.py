"""The public "Share your experience" form with local Healthwatch held in parts: the experience
goes to the holder of the part the area's rule gives the type of service the person chose."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache

from agencies.part_models import PartRule
from concerns import access
from concerns.models import Concern
from tests.test_function_parts import DAY_BEFORE, MOVE, lhw, part, split
from tests.test_public_and_imports import share


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def shared(client, world, service_type: str, ip: str) -> Concern:
    response = share(client, world, ip=ip, service_type=service_type, service_described="Somewhere")
    assert response.status_code == 302
    return Concern.all_objects.order_by("-pk").first()


def test_a_care_home_experience_goes_to_the_social_care_parts_holder_and_a_gp_one_to_the_health_parts(client, world):
    split(world)
    with at(MOVE):
        assert shared(client, world, "care_home", "203.0.113.1").collecting_body == world.council
        assert shared(client, world, "gp", "203.0.113.2").collecting_body == world.icb
        assert shared(client, world, "home_care", "203.0.113.3").collecting_body == world.council


def test_before_the_parts_start_every_experience_goes_to_the_whole_functions_holder(client, world):
    split(world)
    with at(DAY_BEFORE):
        assert shared(client, world, "care_home", "203.0.113.4").collecting_body == world.healthwatch


def test_the_areas_rule_decides_and_no_service_follows_its_own_rule(world):
    split(world)
    with at(MOVE):
        assert access.public_collector(world.area, "") == world.icb  # the default: health
        PartRule.objects.create(locality=world.area, function=lhw(), service_type="", part=part("social_care"))
        PartRule.objects.create(locality=world.area, function=lhw(), service_type="pharmacy", part=part("social_care"))
        assert access.public_collector(world.area, "") == world.council
        assert access.public_collector(world.area, "pharmacy") == world.council
        assert access.public_collector(world.area, "hospital") == world.icb
