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
        CACHE_URL="locmemcache://",
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
    Response.objects.all().delete()
    Recommendation.objects.all().delete()
    Report.objects.all().delete()
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
        report = Report.objects.create(
            locality=area,
            issuing_body=committee,
            title=f"Review {n}",
            summary="Findings.",
            reference_prefix=f"R{n}",
            published_on=today - datetime.timedelta(days=30),
        )
        size = home_count if n == 0 else per_area
        recs = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    locality=area,
                    report=report,
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


def measure(port: int, path: str, cookie: str, requests: int) -> list[float]:
    timings = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(requests + 2):
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
            ("concerns list", f"{area}/concerns/"),
            ("concerns list, page 50 deep", None),
            ("search", f"{area}/concerns/?q=discharge+pharmacy"),
            ("filtered list", f"{area}/concerns/?severity=4&sentiment=negative"),
            ("trends", f"{area}/trends/"),
            ("quality system", f"{area}/quality-system/"),
            ("recommendations tracker", f"{area}/recommendations/"),
            ("public reports list", "/public/benchshire/"),
            ("public report", None),
        ]
        import django.db

        django.db.connections.close_all()
        from concerns.models import Concern
        from reports.models import Report

        deep = Concern.all_objects.filter(locality__slug="benchshire").order_by("-received_on", "-id")[2500]
        pages[2] = (pages[2][0], f"{area}/concerns/?after={deep.received_on.isoformat()}.{deep.pk}")
        report_id = Report.objects.filter(locality__slug="benchshire").values_list("pk", flat=True).first()
        pages[-1] = (pages[-1][0], f"/public/benchshire/reports/{report_id}/")
        results = []
        for label, path in pages:
            results.append((label, statistics.median(measure(port, path, cookie, args.requests))))
        baseline = results[0][1]
        print()
        print(
            f"Data: {sizes['concerns']:,} concerns, {sizes['theme tags']:,} theme tags, {sizes['services']:,} services on {sizes['database']}"
        )
        print(f"{'page':32} {'median ms':>10} {'× trivial':>10}")
        for label, median in results:
            print(f"{label:32} {median * 1000:10.1f} {median / baseline:10.1f}")
        if args.national_recommendations:
            django.db.connections.close_all()
            seed_recommendations(
                "benchshire", args.national_recommendations, localities=153, home_count=args.recommendations
            )
            django.db.connections.close_all()
            report_id = Report.objects.filter(locality__slug="benchshire").values_list("pk", flat=True).first()
            busy = dict(results)
            national = [
                ("trivial view (/healthz)", "/healthz"),
                ("recommendations tracker", f"{area}/recommendations/"),
                ("public reports list", "/public/benchshire/"),
                ("public report", f"/public/benchshire/reports/{report_id}/"),
            ]
            nat = [(label, statistics.median(measure(port, path, cookie, args.requests))) for label, path in national]
            base = nat[0][1]
            print()
            print(f"National: {args.national_recommendations:,} recommendations across 153 areas")
            print(f"{'page':32} {'median ms':>10} {'× trivial':>10} {'× busy area':>12}")
            for label, median in nat:
                print(f"{label:32} {median * 1000:10.1f} {median / base:10.1f} {median / busy[label]:12.2f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
