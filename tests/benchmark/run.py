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
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from .seed_area import seed, seed_board, seed_recommendations  # noqa: E402
from .seed_national import seed_board_everywhere, seed_national_concerns  # noqa: E402


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


BOARD_PAGES = [
    ("priority dashboard", "/areas/{area}/dashboard/"),
    ("priority dashboard, 12 months", "/areas/{area}/dashboard/?period=12"),
    ("priorities", "/areas/{area}/priorities/"),
    ("a priority", "/areas/{area}/priorities/{priority}/"),
    ("Quality Surveillance Group", "/areas/{area}/surveillance/"),
    ("Healthwatch landing", "/areas/{area}/healthwatch/"),
    ("scrutiny landing", "/areas/{area}/scrutiny/"),
]


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
            load_started = time.monotonic()
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
            print(f"[bench] national load (or check of it) took {time.monotonic() - load_started:.0f} s", flush=True)
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
