"""The benchmark's national load (tests/benchmark/seed_national.py) on a tiny size.

The load is PostgreSQL-only (it writes in SQL with indexes and triggers off), so this test
skips on SQLite and runs in CI, which uses PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import connection

from agencies.models import BodyKind
from concerns.models import Concern, ConcernTheme
from tests.conftest import missing_service
from tests.factories import BodyFactory, LocalityFactory


def _schema(table: str) -> dict[str, set[tuple[str, str]]]:
    """Every index and constraint of the table, by name and definition."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass", [table]
        )
        constraints = set(cursor.fetchall())
    return {"indexes": indexes, "constraints": constraints}


@pytest.mark.django_db(transaction=True)  # the load runs in autocommit, as on the benchmark database
def test_the_national_load_on_a_fresh_database_puts_back_exactly_what_it_dropped():
    if connection.vendor != "postgresql":
        missing_service("the national load writes in PostgreSQL's SQL: run this test on PostgreSQL")
    from tests.benchmark.seed_national import seed_national_concerns

    busy = LocalityFactory(slug="benchshire", name="Benchshire")
    BodyFactory(locality=busy, kind=BodyKind.HEALTHWATCH, name="Healthwatch Benchshire")
    before = {table: _schema(table) for table in ("concerns_concern", "concerns_concerntheme")}
    assert ("concern_severity_0_to_5", "CHECK (((severity >= 0) AND (severity <= 5)))") in before["concerns_concern"][
        "constraints"
    ]

    total = seed_national_concerns(60, 4, "benchshire", 3)

    assert total == 60
    assert {table: _schema(table) for table in before} == before
    national = Concern.all_objects.exclude(locality=busy)
    assert national.count() == 60
    assert ConcernTheme.objects.exclude(locality=busy).count() == 3 * 60
    # Like real rows: a search vector, the theme names beside the tags, varied words.
    assert not national.filter(search__isnull=True).exists()
    assert national.filter(search="discharge").exists()
    for concern in national.prefetch_related("themes")[:10]:
        assert concern.theme_names == "; ".join(sorted(t.name for t in concern.themes.all()))
    # Statistics gathered after the load, so the planner sees the rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'concerns_concern'")
        assert cursor.fetchone()[0] > 0

    # A second run finds the rows there and changes nothing.
    assert seed_national_concerns(60, 4, "benchshire", 3) == 60
    assert {table: _schema(table) for table in before} == before
