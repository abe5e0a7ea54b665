"""Benchmark data for the whole country: 10 million concerns across 153 areas, loaded in SQL
with indexes and triggers off, then exactly the indexes that were dropped built again and the
tables analysed (each step resumable, each load one transaction)."""

from __future__ import annotations

import time

from .seed_area import seed_board, serve_where_entered

# Each area's themes in id order, with their names in the same order (the concerns and their
# tags pick the same three from a concern's id).
_THEMES = (
    "SELECT locality_id, array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names"
    " FROM concerns_theme GROUP BY locality_id"
)
_WORDS = ["waited", "appointment", "rude", "kind", "discharge", "pharmacy", "dentist", "ambulance", "letter", "phone"]
# Twelve words drawn at random for each row (random() is evaluated for each).
_NARRATIVE = (
    "concat_ws(' ', "
    + ", ".join(
        ["(ARRAY[" + ", ".join(f"'{w}'" for w in _WORDS) + f"])[1 + floor(random() * {len(_WORDS)})::int]"] * 12
    )
    + ")"
)


def _dropped_definitions(cursor, table: str) -> list[str]:
    """The statements that build again what `_drop_indexes` takes away: the table's unique
    constraints and its secondary indexes (not its primary key, check or foreign-key
    constraints, which stay), as PostgreSQL itself states them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'"
        " ORDER BY conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.conname = i.indexname
        )
        ORDER BY i.indexname
        """,
        [table, table],
    )
    indexes = cursor.fetchall()
    return [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints] + [
        definition for _, definition in indexes
    ]


def _drop_indexes(cursor, table: str) -> None:
    """Drop a table's unique constraints and secondary indexes (not its primary key)."""
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'", [table])
    for (name,) in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        """
        SELECT i.indexname FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.conname = i.indexname
        )
        """,
        [table, table],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')


def _without_indexes(cursor, model, load) -> None:
    """Run `load` with the table's unique constraints and secondary indexes dropped and its
    triggers (foreign-key checks included) off, then build again exactly what was dropped, from
    PostgreSQL's own definitions (so indexes made by a migration's SQL, like the full-text one,
    come back as they were, and check constraints, never dropped, are left alone). Much faster
    for millions of rows written in one go. One transaction: a load that is interrupted leaves
    the table as it was, indexes included. Then fresh statistics, so the planner sees the rows."""
    from django.db import transaction

    table = model._meta.db_table
    with transaction.atomic():
        rebuild = _dropped_definitions(cursor, table)
        _drop_indexes(cursor, table)
        cursor.execute("SET LOCAL session_replication_role = replica")
        load()
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for statement in rebuild:
            cursor.execute(statement)
    cursor.execute(f"ANALYZE {table}")


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
                # Like the rows people enter: varied words with their full-text vector (the
                # trigger that makes it is off during the load), three themes named beside the
                # tags (the tags below pick the same three from the concern's id).
                cursor.execute(
                    f"""
                    INSERT INTO concerns_concern (id, locality_id, collecting_body_id, received_on, channel,
                        service_id, service_described, service_type, theme_names, sentiment, severity,
                        safeguarding, narrative, status, closed_reason, from_public, external_ref, created_at,
                        updated_at, search, happened_on_precision, shareable_summary)
                    SELECT r.id, r.locality_id, r.healthwatch_id, r.received_on, 'phone', r.service_id, '', 'gp',
                        (SELECT string_agg(n, '; ' ORDER BY n COLLATE "C")
                         FROM unnest(r.names[1 + (r.id %% (array_length(r.names, 1) - 2)):
                                             3 + (r.id %% (array_length(r.names, 1) - 2))]) n),
                        r.sentiment, r.severity, r.safeguarding, r.narrative, 'reviewed', '', r.from_public, '',
                        now(), now(), to_tsvector('pg_catalog.english', r.narrative), 'day', ''
                    FROM (
                        SELECT nextval(pg_get_serial_sequence('concerns_concern', 'id')) AS id, a.locality_id,
                            a.healthwatch_id, CURRENT_DATE - (random() * 3650)::int AS received_on,
                            a.first_service + (random() * (a.services - 1))::int AS service_id,
                            (ARRAY['positive', 'negative', 'mixed', 'neutral'])[1 + floor(random() * 4)::int]
                                AS sentiment,
                            floor(random() * 6)::int AS severity, random() < 0.02 AS safeguarding,
                            random() < 0.1 AS from_public, {_NARRATIVE} AS narrative, t.names
                        FROM (
                            SELECT b.locality_id,
                                   min(b.id) FILTER (WHERE b.kind = 'healthwatch') AS healthwatch_id,
                                   min(b.id) FILTER (WHERE b.kind = 'provider') AS first_service,
                                   count(*) FILTER (WHERE b.kind = 'provider') AS services
                            FROM agencies_body b WHERE b.locality_id = ANY(%s) GROUP BY b.locality_id
                        ) a
                        JOIN ({_THEMES}) t ON t.locality_id = a.locality_id
                        CROSS JOIN generate_series(1, %s)
                    ) r
                    """,
                    [ids, per_area],
                )

            _without_indexes(cursor, Concern, load_concerns)
            SummaryState.objects.filter(locality_id__in=ids).delete()  # their counts must be rebuilt
            print(f"[bench] {per_area * len(ids):,} concerns written in {time.monotonic() - started:.0f} s", flush=True)
        if ConcernTheme.objects.filter(locality_id__in=ids).count() != 3 * per_area * len(ids):
            cursor.execute("DELETE FROM concerns_concerntheme WHERE locality_id <> %s", [busy.pk])
            # Fresh statistics first: with old ones the planner joins themes once per concern.
            cursor.execute("ANALYZE concerns_concern")
            cursor.execute("ANALYZE concerns_theme")

            def load_tags():
                cursor.execute(
                    f"""
                    INSERT INTO concerns_concerntheme (concern_id, theme_id, locality_id, received_on)
                    SELECT c.id, t.ids[1 + (c.id %% (array_length(t.ids, 1) - 2)) + o], c.locality_id, c.received_on
                    FROM concerns_concern c
                    JOIN ({_THEMES}) t ON t.locality_id = c.locality_id
                    CROSS JOIN generate_series(0, 2) o
                    WHERE c.locality_id = ANY(%s)
                    """,
                    [ids],
                )

            _without_indexes(cursor, ConcernTheme, load_tags)
            print(f"[bench] theme tags written at {time.monotonic() - started:.0f} s", flush=True)
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
