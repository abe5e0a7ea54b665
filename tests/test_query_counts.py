"""Each page's query count stays the same as the data grows (DESIGN.md, scale)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import services
from agencies.models import AssessmentStatus, Duty, Role
from tests.factories import BodyFactory, MembershipFactory

PAGES = [
    ("home", lambda w: reverse("home")),
    ("quality system", lambda w: reverse("agencies:quality-system", args=[w.area.slug])),
    ("duty", lambda w: reverse("agencies:duty", args=[w.area.slug, 6])),
    ("bodies", lambda w: reverse("agencies:bodies", args=[w.area.slug])),
    ("functions", lambda w: reverse("agencies:functions", args=[w.area.slug])),
    ("people", lambda w: reverse("agencies:people", args=[w.area.slug])),
]


def grow(world, n):
    """Add n bodies, each with a member, and assess every duty n times."""
    for _ in range(n):
        body = BodyFactory(locality=world.area)
        MembershipFactory(body=body, role=Role.MEMBER)
    for duty in Duty.objects.all():
        for i in range(max(1, n // 10)):
            services.assessment_update(
                locality=world.area,
                duty=duty,
                status=AssessmentStatus.DEVELOPING if i % 2 else AssessmentStatus.ESTABLISHED,
                evidence=f"Revision {i}",
                owner=world.owner,
                last_reviewed_on=datetime.date(2026, 1, 1),
            )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("page", "make_url"), PAGES, ids=[p for p, _ in PAGES])
def test_query_count_does_not_grow_with_data(world, login, page, make_url):
    client = login(world.owner)
    url = make_url(world)
    grow(world, 10)
    small = count_queries(client, url)
    grow(world, 90)
    large = count_queries(client, url)
    assert large == small
    assert small <= 15


def test_the_audit_trail_reads_a_bounded_number_of_rows(world, login):
    client = login(world.owner)
    url = reverse("agencies:audit", args=[world.area.slug])
    grow(world, 10)
    small = count_queries(client, url)
    grow(world, 90)
    large = count_queries(client, url)
    # One query per history table, plus at most one per shown change (50) to find what changed
    # and to name the record; it is bounded by the page size, not by the history's length.
    assert large <= 5 + 50 * 3 + 10
    assert small <= large
