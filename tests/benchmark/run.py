"""Benchmark: seed a busy area, serve it under gunicorn, and time pages against a trivial view.

    python -m tests.benchmark.run                 # 150,000 concerns (one busy area, 10 years)
    python -m tests.benchmark.run --concerns 20000 --requests 20

It uses its own database (BENCH_DATABASE_URL, default a `benchmark` database on the local
PostgreSQL, else an SQLite file in /tmp), reuses the data when the size matches, starts
gunicorn on a free loopback port, signs in as a Healthwatch officer and prints each page's
median latency and its ratio to /healthz measured in the same run. Speed is judged by these
ratios, never by timed tests.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    try:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=2)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = 'benchmark'")
            if cur.fetchone() is None:
                cur.execute("CREATE DATABASE benchmark")
        conn.close()
        return "postgres://postgres@127.0.0.1:5432/benchmark"
    except Exception:
        return "sqlite:////tmp/quality-system-benchmark.sqlite3"


def shared_cache_url() -> str:
    """Redis when it answers (so the benchmark can empty the dashboards' cache that every
    gunicorn worker shares), else each worker's own memory."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "rediscache://127.0.0.1:6379/13"
    except OSError:
        return "locmemcache://"


def environment(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="quality_system.settings",
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        CACHE_URL=shared_cache_url(),
        LOG_LEVEL="WARNING",
    )
    env.pop("CELERY_BROKER_URL", None)
    return env


def seed(concerns: int, services: int) -> tuple[str, dict]:
    """Fill the benchmark database (once per size) and return a signed-in session key."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection

    from agencies.models import Body, BodyKind, Function, FunctionHolding, Locality, Membership, Role, User
    from concerns.models import Concern, ConcernTheme, Theme
    from concerns.services import themes_ensure_defaults

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    locality, _ = Locality.objects.get_or_create(slug="benchshire", defaults={"name": "Benchshire"})
    themes_ensure_defaults(locality=locality)
    healthwatch, _ = Body.objects.get_or_create(
        locality=locality,
        name="Healthwatch Benchshire",
        defaults={"kind": BodyKind.HEALTHWATCH, "contact_email": "hw@example.org"},
    )
    FunctionHolding.objects.get_or_create(
        function=Function.objects.get(code="local_healthwatch"),
        body=healthwatch,
        defaults={"starts_on": datetime.date(2013, 4, 1)},
    )
    user = User.objects.filter(email="bench@example.org").first() or User.objects.create_user(
        email="bench@example.org", full_name="Bench Officer", password="bench-password-123"
    )
    Membership.objects.get_or_create(user=user, body=healthwatch, defaults={"role": Role.OFFICER})
    have = Concern.all_objects.filter(locality=locality).count()
    if have != concerns:
        print(f"[bench] seeding {concerns:,} concerns and {services:,} services (had {have:,})", flush=True)
        started = time.monotonic()
        ConcernTheme.objects.filter(locality=locality).delete()
        Concern.all_objects.filter(locality=locality).delete()
        existing = Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).count()
        Body.objects.bulk_create(
            [
                Body(
                    locality=locality,
                    name=f"Service {i:05d}",
                    kind=BodyKind.PROVIDER,
                    contact_email=f"s{i}@example.org",
                    service_type="gp",
                )
                for i in range(existing, services)
            ],
            batch_size=5000,
        )
        service_ids = list(Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).values_list("pk", flat=True))
        theme_ids = list(Theme.all_objects.filter(locality=locality).values_list("pk", flat=True))
        rng = random.Random(1)  # noqa: S311 - benchmark data
        start = datetime.date.today() - datetime.timedelta(days=3650)
        words = [
            "waited",
            "appointment",
            "rude",
            "kind",
            "discharge",
            "pharmacy",
            "dentist",
            "ambulance",
            "letter",
            "phone",
            "nurse",
            "doctor",
        ]
        batch = 5000
        for first in range(0, concerns, batch):
            rows = [
                Concern(
                    locality=locality,
                    collecting_body=healthwatch,
                    received_on=start + datetime.timedelta(days=rng.randrange(3650)),
                    channel="phone",
                    service_id=rng.choice(service_ids),
                    service_type="gp",
                    sentiment=rng.choice(["positive", "negative", "mixed", "neutral"]),
                    severity=rng.randrange(6),
                    narrative=" ".join(rng.choice(words) for _ in range(25)),
                    status="reviewed",
                )
                for _ in range(min(batch, concerns - first))
            ]
            created = Concern.all_objects.bulk_create(rows, batch_size=batch)
            ConcernTheme.objects.bulk_create(
                [
                    ConcernTheme(concern_id=c.pk, theme_id=t, locality_id=locality.pk, received_on=c.received_on)
                    for c in created
                    for t in rng.sample(theme_ids, 3)
                ],
                batch_size=batch * 3,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"[bench] seeded in {time.monotonic() - started:.0f} s", flush=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sizes = {
        "concerns": Concern.all_objects.filter(locality=locality).count(),
        "theme tags": ConcernTheme.objects.filter(locality=locality).count(),
        "services": len(Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).values_list("pk")),
        "database": connection.vendor,
    }
    return session.session_key, sizes


def seed_recommendations(locality_slug: str, count: int, *, localities: int = 1, home_count: int | None = None) -> int:
    """`count` recommendations in total: in the named area, or spread over `localities` areas
    with `home_count` in the named one (so its pages compare like for like). Reused when the
    total already matches."""
    import datetime

    from django.db import connection

    from agencies.models import Body, BodyKind, Locality, ResponseDuty
    from reports.models import Recommendation, Report, Response

    if Recommendation.objects.count() == count:
        return count
    started = time.monotonic()
    # Straight in SQL: deleting through the ORM would write a history row (and send a signal)
    # for each of up to 250,000 recommendations.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reports_response, reports_recommendation, reports_report CASCADE")
    duty = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)
    home = Locality.objects.get(slug=locality_slug)
    areas = [home] + [
        Locality.objects.get_or_create(slug=f"area-{i:03d}", defaults={"name": f"Area {i:03d}"})[0]
        for i in range(1, localities)
    ]
    home_count = count if home_count is None or len(areas) == 1 else home_count
    per_area = (count - home_count) // max(len(areas) - 1, 1)
    today = datetime.date.today()
    for n, area in enumerate(areas):
        committee, _ = Body.objects.get_or_create(
            locality=area,
            name=f"{area.name} Health Scrutiny Committee",
            defaults={"kind": BodyKind.SCRUTINY, "contact_email": "osc@example.org"},
        )
        providers = list(Body.objects.filter(locality=area, kind=BodyKind.PROVIDER)[:20]) or [committee]
        size = home_count if n == 0 else per_area
        # Reports of ten recommendations each, as committees write them.
        reports = Report.objects.bulk_create(
            Report(
                locality=area,
                issuing_body=committee,
                title=f"Review {n}-{k}",
                summary="Findings.",
                reference_prefix=f"R{n}-{k}",
                published_on=today - datetime.timedelta(days=30 + k),
            )
            for k in range((size + 9) // 10)
        )
        recs = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    locality=area,
                    report=reports[i // 10],
                    reference=f"R{n}-{i}",
                    text="Improve access.",
                    addressed_to=providers[i % len(providers)],
                    duty=duty,
                    sent_on=today - datetime.timedelta(days=i % 400),
                    due_on=today - datetime.timedelta(days=i % 400 - 28),
                    due_explanation="28 days",
                    state="responded" if i % 3 == 0 else "awaiting",
                )
                for i in range(size)
            ],
            batch_size=5000,
        )
        Response.objects.bulk_create(
            [
                Response(recommendation=r, decision="accepted", responded_on=r.sent_on, answered_by_name="x")
                for r in recs
                if r.state == "responded"
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"[bench] {count:,} recommendations in {len(areas)} areas seeded in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return count


BOARD_PAGES = [
    ("priority dashboard", "/areas/{area}/dashboard/"),
    ("priority dashboard, 12 months", "/areas/{area}/dashboard/?period=12"),
    ("priorities", "/areas/{area}/priorities/"),
    ("a priority", "/areas/{area}/priorities/{priority}/"),
    ("Quality Surveillance Group", "/areas/{area}/surveillance/"),
    ("Healthwatch landing", "/areas/{area}/healthwatch/"),
    ("scrutiny landing", "/areas/{area}/scrutiny/"),
]


def seed_board(slug: str, user_email: str, *, priorities: int = 20, alerts: int = 1_000) -> dict:
    """The board's records for one area: its HWB and scrutiny committee (the benchmark user sits
    on both), priorities with two years of figures, updates and actions, alerts with their
    recipients, and the Quality Surveillance Group's views. Then the area's monthly counts.
    Reused when the area already has priorities."""
    from agencies.models import (
        Body,
        BodyKind,
        Function,
        FunctionHolding,
        Locality,
        Membership,
        ResponseDuty,
        Role,
        User,
    )
    from concerns import summaries
    from concerns.models import Alert, AlertRecipient, Theme
    from reports.models import Priority, PriorityAction, PriorityFigure, PriorityUpdate, SurveillanceView

    locality = Locality.objects.get(slug=slug)
    user = User.objects.get(email=user_email)
    hwb, _ = Body.objects.get_or_create(
        locality=locality, name=f"{locality.name} Health and Wellbeing Board", defaults={"kind": BodyKind.HWB}
    )
    committee, _ = Body.objects.get_or_create(
        locality=locality,
        name=f"{locality.name} Health Scrutiny Committee",
        defaults={"kind": BodyKind.SCRUTINY, "contact_email": "osc@example.org"},
    )
    for code, body in (("hwb", hwb), ("health_scrutiny", committee)):
        FunctionHolding.objects.get_or_create(
            function=Function.objects.get(code=code), body=body, defaults={"starts_on": datetime.date(2013, 4, 1)}
        )
        Membership.objects.get_or_create(user=user, body=body, defaults={"role": Role.OFFICER})
    first = Priority.objects.filter(locality=locality).order_by("pk").first()
    if first is not None:
        return {"priority": first.pk}
    today = datetime.date.today()
    themes = list(Theme.all_objects.filter(locality=locality).order_by("pk"))
    providers = list(Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).order_by("pk")[:50])
    made = Priority.objects.bulk_create(
        Priority(
            locality=locality,
            title=f"Priority {i + 1}",
            why="Why it matters to local people.",
            owner_body=providers[i % len(providers)],
            status=["on_track", "some_concerns", "off_track"][i % 3],
            measure="theme" if i % 2 == 0 else "manual",
            measure_name=f"Figure {i + 1}",
            measure_theme=themes[i % len(themes)] if i % 2 == 0 else None,
            better="lower",
            target=40 if i % 4 == 0 else None,
            agreed_on=today - datetime.timedelta(days=400),
            created_by=user,
        )
        for i in range(priorities)
    )
    rng = random.Random(2)  # noqa: S311 - benchmark data
    months = []
    month = today.replace(day=1)
    for _ in range(24):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    PriorityFigure.objects.bulk_create(
        PriorityFigure(priority=p, month=m, value=rng.randrange(20, 60), recorded_by=user)
        for p in made
        if p.measure == "manual"
        for m in months
    )
    PriorityUpdate.objects.bulk_create(
        PriorityUpdate(priority=p, status=p.status, progress=f"Update {k}.", recorded_by=user)
        for p in made
        for k in range(10)
    )
    PriorityAction.objects.bulk_create(
        PriorityAction(
            priority=p,
            action=f"Action {k}",
            owner_body=p.owner_body,
            due_on=today + datetime.timedelta(days=30 * k - 60),
            created_by=user,
        )
        for p in made
        for k in range(5)
    )
    SurveillanceView.objects.bulk_create(
        SurveillanceView(
            locality=locality,
            provider=providers[i % len(providers)],
            level=["routine", "enhanced", "risk_summit"][i % 3],
            decided_on=today - datetime.timedelta(days=18 * i),
            summary="The group's view.",
            recorded_by=user,
        )
        for i in range(200)
    )
    healthwatch = Body.objects.filter(locality=locality, kind=BodyKind.HEALTHWATCH).first()
    ack = ResponseDuty.objects.filter(code__startswith="alert-").first()
    made_alerts = Alert.all_objects.bulk_create(
        Alert(
            locality=locality,
            raised_by_body=healthwatch,
            raised_by=user,
            summary=f"Alert {i}",
            action_requested="Act.",
            sent_on=today - datetime.timedelta(days=(i * 3) % 3650),
        )
        for i in range(alerts)
    )
    AlertRecipient.objects.bulk_create(
        AlertRecipient(
            alert=a,
            body=body,
            duty=ack,
            due_on=a.sent_on + datetime.timedelta(days=7),
            due_explanation="5 working days",
            state="sent" if i % 5 == 0 else "acknowledged",
        )
        for i, a in enumerate(made_alerts)
        for body in (committee, hwb)
    )
    state = summaries.state_for(locality.pk)
    if state is None or state.is_stale or state.refreshed_at is None:
        summaries.refresh(locality.pk)
    return {"priority": made[0].pk}


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
    return Concern.all_objects.count()


def dashboard_cold(port: int, cookie: str, requests: int) -> float | None:
    """The dashboard's median when its cached part is thrown away before every request (the
    cost of the first view after any change). Needs the shared cache."""
    from django.conf import settings

    from agencies import figures
    from agencies.models import Locality

    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return None
    locality_id = Locality.objects.get(slug="benchshire").pk
    timings = measure(
        port, "/areas/benchshire/dashboard/", cookie, requests, before=lambda: figures.changed(locality_id)
    )
    return statistics.median(timings)


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def measure(port: int, path: str, cookie: str, requests: int, before=None) -> list[float]:
    """Latencies of `requests` GETs (after two warm-up requests); `before` runs ahead of each."""
    timings = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for i in range(requests + 2):
        if before is not None:
            before()
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if i >= 2:  # the first two warm caches and connections
            timings.append(elapsed)
    conn.close()
    return timings


def outbox_throughput(count: int, smtp_port: int) -> None:
    """Deliver `count` due outbox messages to a local SMTP sink, against a bare smtplib loop
    sending the same messages over one connection in the same run."""
    import smtplib
    from email.message import EmailMessage

    from agencies import notifications
    from agencies.models import Notification

    Notification.objects.filter(kind="bench").delete()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for i in range(count):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "a@example.org", f"p{i}@example.org", f"Message {i}"
            message.set_content("Hello from the benchmark.")
            smtp.send_message(message)
    bare = time.perf_counter() - started
    Notification.objects.bulk_create(
        (
            Notification(
                dedupe_key=f"bench:{i}",
                kind="bench",
                to_email=f"p{i}@example.org",
                subject=f"Message {i}",
                body="Hello",
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    started = time.perf_counter()
    sent = notifications.sweep(limit=count)
    ours = time.perf_counter() - started
    Notification.objects.filter(kind="bench").delete()
    print()
    print(f"Outbox: {sent:,} of {count:,} messages delivered to a local SMTP sink")
    print(f"{'sender':32} {'seconds':>10} {'per second':>11} {'× bare':>8}")
    print(f"{'bare smtplib loop':32} {bare:10.2f} {count / bare:11.0f} {1:8.1f}")
    print(f"{'outbox sweep (claim, send, mark)':32} {ours:10.2f} {sent / ours:11.0f} {ours / bare:8.1f}")


def smtp_sink():
    """A local SMTP server that accepts and discards mail (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concerns", type=int, default=150_000)
    parser.add_argument("--services", type=int, default=1_500)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--outbox", type=int, default=10_000, help="messages for the outbox sweep (0 to skip)")
    parser.add_argument("--pages", action=argparse.BooleanOptionalAction, default=True, help="time the pages")
    parser.add_argument("--recommendations", type=int, default=1_000, help="recommendations in the busy area")
    parser.add_argument(
        "--national-recommendations", type=int, default=250_000, help="then across 153 areas (0 to skip)"
    )
    parser.add_argument(
        "--national-concerns", type=int, default=10_000_000, help="concerns across 153 areas (0 to skip)"
    )
    parser.add_argument("--national-services", type=int, default=60_000, help="services across 153 areas")
    args = parser.parse_args()

    db_url = database_url()
    env = environment(db_url)
    sink = smtp_sink() if args.outbox else None
    if sink:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    cookie, sizes = seed(args.concerns, args.services)
    if sink:
        try:
            outbox_throughput(args.outbox, sink.port)
        finally:
            sink.stop()
    if not args.pages:
        return
    seed_recommendations("benchshire", args.recommendations)
    board_ids = seed_board("benchshire", "bench@example.org")

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
        [
            sys.executable,
            "-m",
            "gunicorn",
            "quality_system.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        area = "/areas/benchshire"
        pages = [
            ("trivial view (/healthz)", "/healthz"),
            ("trivial signed-in page", "/accounts/password/change/done/"),
            ("concerns list", f"{area}/concerns/"),
            ("concerns list, page 50 deep", None),
            ("search", f"{area}/concerns/?q=discharge+pharmacy"),
            ("filtered list", f"{area}/concerns/?severity=4&sentiment=negative"),
            ("trends", f"{area}/trends/"),
            ("quality system", f"{area}/quality-system/"),
            ("recommendations tracker", f"{area}/recommendations/"),
            ("public reports list", "/public/benchshire/"),
            ("public report", None),
        ] + [(label, path.format(area="benchshire", **board_ids)) for label, path in BOARD_PAGES]
        import django.db

        django.db.connections.close_all()
        from concerns.models import Concern
        from reports.models import Report

        deep = Concern.all_objects.filter(locality__slug="benchshire").order_by("-received_on", "-id")[
            min(2500, sizes["concerns"] - 1)
        ]
        where = {label: i for i, (label, _) in enumerate(pages)}
        pages[where["concerns list, page 50 deep"]] = (
            "concerns list, page 50 deep",
            f"{area}/concerns/?after={deep.received_on.isoformat()}.{deep.pk}",
        )
        report_id = Report.objects.filter(locality__slug="benchshire").values_list("pk", flat=True).first()
        pages[where["public report"]] = ("public report", f"/public/benchshire/reports/{report_id}/")
        results = []
        for label, path in pages:
            results.append((label, statistics.median(measure(port, path, cookie, args.requests))))
        cold = dashboard_cold(port, cookie, args.requests)
        if cold is not None:
            results.append(("dashboard, recomputed each time", cold))
        baseline, signed_in = results[0][1], results[1][1]
        print()
        print(
            f"Data: {sizes['concerns']:,} concerns, {sizes['theme tags']:,} theme tags, {sizes['services']:,} services on {sizes['database']}"
        )
        print(f"{'page':32} {'median ms':>10} {'× /healthz':>11} {'× signed-in':>12}")
        for label, median in results:
            print(f"{label:32} {median * 1000:10.1f} {median / baseline:11.1f} {median / signed_in:12.1f}")
        if args.national_recommendations or args.national_concerns:
            django.db.connections.close_all()
            if args.national_recommendations:
                seed_recommendations(
                    "benchshire", args.national_recommendations, localities=153, home_count=args.recommendations
                )
            national_concerns = 0
            if args.national_concerns:
                national_concerns = seed_national_concerns(
                    args.national_concerns, 153, "benchshire", args.national_services // 153
                )
                seed_board_everywhere("benchshire")
            django.db.connections.close_all()
            report_id = Report.objects.filter(locality__slug="benchshire").values_list("pk", flat=True).first()
            busy = dict(results)
            national = [
                ("trivial view (/healthz)", "/healthz"),
                ("trivial signed-in page", "/accounts/password/change/done/"),
                ("recommendations tracker", f"{area}/recommendations/"),
                ("public reports list", "/public/benchshire/"),
                ("public report", f"/public/benchshire/reports/{report_id}/"),
            ] + [(label, path.format(area="benchshire", **board_ids)) for label, path in BOARD_PAGES]
            nat = [(label, statistics.median(measure(port, path, cookie, args.requests))) for label, path in national]
            cold = dashboard_cold(port, cookie, args.requests)
            if cold is not None:
                nat.append(("dashboard, recomputed each time", cold))
            base, signed_in = nat[0][1], nat[1][1]
            print()
            print(
                f"National: {national_concerns:,} concerns and {args.national_recommendations:,} recommendations "
                "across 153 areas"
            )
            print(f"{'page':32} {'median ms':>10} {'× /healthz':>11} {'× signed-in':>12} {'× busy area':>12}")
            for label, median in nat:
                print(
                    f"{label:32} {median * 1000:10.1f} {median / base:11.1f} {median / signed_in:12.1f} "
                    f"{median / busy[label]:12.2f}"
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
