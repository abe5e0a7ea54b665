"""Benchmark data for the whole country: 10 million concerns across 153 areas, loaded in SQL
with indexes and triggers off, then indexes built from the models (each step resumable)."""

from __future__ import annotations

import time

from .seed_area import seed_board, serve_where_entered


def _drop_indexes(cursor, table: str) -> None:
    """Drop a table's unique constraints and secondary indexes (not its primary key)."""
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'", [table])
    for (name,) in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s", [table, "%pkey"])
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')


def _build_indexes(model) -> None:
    """Build the model's indexes and constraints as its migrations define them (so a load that
    was interrupted is mended by the next run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        _drop_indexes(cursor, model._meta.db_table)
    with connection.schema_editor() as editor:
        for statement in editor._model_indexes_sql(model):
            editor.execute(statement)
        for constraint in model._meta.constraints:
            editor.add_constraint(model, constraint)


def _without_indexes(cursor, model, load) -> None:
    """Run `load` with the table's secondary indexes and unique constraints dropped and its
    triggers (foreign-key checks included) off, then build them again: much faster for tens of
    millions of rows written in one go, by construction consistent. Indexes the model does not
    declare (made by a migration's SQL, like the full-text one) are built again as they were."""
    table = model._meta.db_table
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
    before = dict(cursor.fetchall())
    _drop_indexes(cursor, table)
    cursor.execute("SET session_replication_role = replica")
    try:
        load()
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        _build_indexes(model)
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        now = {name for (name,) in cursor.fetchall()}
        for name, definition in before.items():
            if name not in now:
                cursor.execute(definition)


def seed_national_concerns(total: int, areas: int, busy_slug: str, services_per_area: int) -> int:
    """Fill `areas - 1` further areas so the country holds about `total` concerns (3 theme tags
    each), in SQL on PostgreSQL (Python objects would take hours), then build every area's
    monthly counts. Each step is skipped when its rows are already there."""
    from django.db import connection

    from agencies.models import Body, BodyKind, Locality
    from concerns import summaries
    from concerns.models import Concern, ConcernTheme, SummaryState
    from concerns.services import themes_ensure_defaults

    if connection.vendor != "postgresql":
        print("[bench] the national dataset needs PostgreSQL; skipped", flush=True)
        return 0
    started = time.monotonic()
    busy = Locality.objects.get(slug=busy_slug)
    busy_count = Concern.all_objects.filter(locality=busy).count()
    others = [
        Locality.objects.get_or_create(slug=f"area-{i:03d}", defaults={"name": f"Area {i:03d}"})[0]
        for i in range(1, areas)
    ]
    ids = [a.pk for a in others]
    per_area = (total - busy_count) // len(others)
    with connection.cursor() as cursor:
        if Concern.all_objects.filter(locality_id__in=ids).count() != per_area * len(ids):
            cursor.execute("DELETE FROM concerns_concerntheme WHERE locality_id <> %s", [busy.pk])
            cursor.execute("DELETE FROM concerns_concern WHERE locality_id <> %s", [busy.pk])
            for area in others:
                themes_ensure_defaults(locality=area)
                Body.objects.get_or_create(
                    locality=area, name=f"Healthwatch {area.name}", defaults={"kind": BodyKind.HEALTHWATCH}
                )
                have_services = Body.objects.filter(locality=area, kind=BodyKind.PROVIDER).count()
                Body.objects.bulk_create(
                    Body(locality=area, name=f"{area.name} service {i:04d}", kind=BodyKind.PROVIDER, service_type="gp")
                    for i in range(have_services, services_per_area)
                )

            def load_concerns():
                # (The full-text trigger is off too: the national pages do not search.)
                cursor.execute(
                    """
                    INSERT INTO concerns_concern (locality_id, collecting_body_id, received_on, channel,
                        service_id, service_described, service_type, theme_names, sentiment, severity,
                        safeguarding, narrative, status, closed_reason, from_public, external_ref, created_at,
                        updated_at)
                    SELECT a.locality_id, a.healthwatch_id, CURRENT_DATE - (random() * 3650)::int, 'phone',
                        a.first_service + (random() * (a.services - 1))::int, '', 'gp', '', 'negative',
                        (random() * 5)::int, random() < 0.02, 'An experience shared with Healthwatch.',
                        'reviewed', '', random() < 0.1, '', now(), now()
                    FROM (
                        SELECT b.locality_id, min(b.id) FILTER (WHERE b.kind = 'healthwatch') AS healthwatch_id,
                               min(b.id) FILTER (WHERE b.kind = 'provider') AS first_service,
                               count(*) FILTER (WHERE b.kind = 'provider') AS services
                        FROM agencies_body b WHERE b.locality_id = ANY(%s) GROUP BY b.locality_id
                    ) a CROSS JOIN generate_series(1, %s)
                    """,
                    [ids, per_area],
                )

            _without_indexes(cursor, Concern, load_concerns)
            SummaryState.objects.filter(locality_id__in=ids).delete()  # their counts must be rebuilt
            print(f"[bench] {per_area * len(ids):,} concerns written in {time.monotonic() - started:.0f} s", flush=True)
        if ConcernTheme.objects.filter(locality_id__in=ids).count() != 3 * per_area * len(ids):
            cursor.execute("DELETE FROM concerns_concerntheme WHERE locality_id <> %s", [busy.pk])
            # Fresh statistics first: with the old ones the planner joins themes once per concern.
            cursor.execute("ANALYZE concerns_concern")
            cursor.execute("ANALYZE concerns_theme")

            def load_tags():
                cursor.execute(
                    """
                    INSERT INTO concerns_concerntheme (concern_id, theme_id, locality_id, received_on)
                    SELECT c.id, t.ids[1 + (c.id %% (array_length(t.ids, 1) - 2)) + o], c.locality_id, c.received_on
                    FROM concerns_concern c
                    JOIN (SELECT locality_id, array_agg(id ORDER BY id) AS ids FROM concerns_theme
                          GROUP BY locality_id) t ON t.locality_id = c.locality_id
                    CROSS JOIN generate_series(0, 2) o
                    WHERE c.locality_id = ANY(%s)
                    """,
                    [ids],
                )

            _without_indexes(cursor, ConcernTheme, load_tags)
            print(f"[bench] theme tags written at {time.monotonic() - started:.0f} s", flush=True)
            cursor.execute("ANALYZE")
    counted = set(
        SummaryState.objects.filter(locality_id__in=ids, refreshed_at__isnull=False).values_list(
            "locality_id", flat=True
        )
    )
    for area in others:
        if area.pk not in counted:
            summaries.refresh(area.pk)
    print(
        f"[bench] {Concern.all_objects.count():,} concerns in {areas} areas, with monthly counts, "
        f"in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    serve_where_entered()
    return Concern.all_objects.count()


def seed_board_everywhere(busy_slug: str) -> None:
    """Every other area gets the same board records as the busy one, for its own user."""
    from agencies.models import Locality, User

    user = User.objects.filter(email="national@example.org").first() or User.objects.create_user(
        email="national@example.org", full_name="National Officer", password="bench-password-123"
    )
    started = time.monotonic()
    for area in Locality.objects.exclude(slug=busy_slug).order_by("slug"):
        seed_board(area.slug, user.email)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[bench] board records for every area in {time.monotonic() - started:.0f} s", flush=True)
