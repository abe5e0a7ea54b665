"""Benchmark: a busy area alone, and the same area in the whole country, served side by side.

    python -m tests.benchmark.run                 # 150,000 concerns in the busy area; 10 million nationally
    python -m tests.benchmark.run --concerns 20000 --national-concerns 1000000 --requests 20

Two databases on the local PostgreSQL (BENCH_DATABASE_URL names the first, default
`benchmark`; the second is the same name with `_national`): the busy area alone, and a copy of
it into which the other 152 areas are loaded. Each is served by its own gunicorn (2 workers,
its own Redis cache) on loopback. Every page is then requested from the two in turn, so the
"× busy area" ratio compares requests made moments apart, and each page's median is set
against `/healthz` and a trivial signed-in page measured in the same run. Then the outbox
sweep against a bare SMTP loop. It ends with each target of the national-scale work, met or
missed. Data is reused by later runs when its size matches. Speed is judged by these ratios,
never by timed tests. Without PostgreSQL it measures the busy area alone, on SQLite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (label, path); {area}, {priority}, {report}, {deep}, {theme} and {service} are each site's own.
PAGES = [
    ("trivial view (/healthz)", "/healthz"),
    ("trivial signed-in page", "/accounts/password/change/done/"),
    ("concerns list", "/areas/{area}/concerns/"),
    ("concerns list, page 50 deep", "/areas/{area}/concerns/?after={deep}"),
    ("search", "/areas/{area}/concerns/?q=discharge+pharmacy"),
    ("filtered list", "/areas/{area}/concerns/?severity=4&sentiment=negative"),
    ("filtered and searched", "/areas/{area}/concerns/?q=dentist&sentiment=negative&safeguarding=no"),
    (
        "by theme since a date",
        "/areas/{area}/concerns/?theme={theme}&received_from_0=1&received_from_1=4&received_from_2=2024",
    ),
    ("by service, negative", "/areas/{area}/concerns/?service={service}&sentiment=negative"),
    ("trends", "/areas/{area}/trends/"),
    ("alerts", "/areas/{area}/alerts/"),
    ("quality system", "/areas/{area}/quality-system/"),
    ("recommendations tracker", "/areas/{area}/recommendations/"),
    ("public reports list", "/public/{area}/"),
    ("public report", "/public/{area}/reports/{report}/"),
    ("what people told us (public)", "/public/{area}/what-people-told-us/"),
    ("priority dashboard", "/areas/{area}/dashboard/"),
    ("priority dashboard, 12 months", "/areas/{area}/dashboard/?period=12"),
    ("priorities", "/areas/{area}/priorities/"),
    ("a priority", "/areas/{area}/priorities/{priority}/"),
    ("Quality Surveillance Group", "/areas/{area}/surveillance/"),
    ("Healthwatch landing", "/areas/{area}/healthwatch/"),
    ("scrutiny landing", "/areas/{area}/scrutiny/"),
]
COLD = "dashboard, recomputed each time"
STAFF_PAGES = [
    "concerns list",
    "concerns list, page 50 deep",
    "search",
    "filtered list",
    "filtered and searched",
    "by theme since a date",
    "by service, negative",
    "recommendations tracker",
]


def database_urls() -> tuple[str, str | None]:
    """The busy area's database and the national one (None without PostgreSQL)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url, (url + "_national" if url.startswith("postgres") else None)
    try:
        _admin(lambda cur: _create_if_missing(cur, "benchmark"), "postgres")
        base = "postgres://postgres@127.0.0.1:5432/"
        return base + "benchmark", base + "benchmark_national"
    except Exception:  # noqa: BLE001 - no PostgreSQL: the quick start's SQLite
        return "sqlite:////tmp/quality-system-benchmark.sqlite3", None


def _admin(work, dbname: str, url: str | None = None):
    """Run `work(cursor)` in autocommit on a maintenance connection."""
    import psycopg2

    if url:
        conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/" + dbname, connect_timeout=2)
    else:
        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=dbname, connect_timeout=2)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            return work(cur)
    finally:
        conn.close()


def _create_if_missing(cur, name: str) -> None:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(f'CREATE DATABASE "{name}"')


def copy_busy_area(busy_url: str, national_url: str) -> None:
    """The national database starts as a copy of the busy one (so the busy area is the same
    rows in both); it is made again when the busy area there no longer matches."""
    busy_db, national_db = busy_url.rsplit("/", 1)[1], national_url.rsplit("/", 1)[1]
    shape = (
        "SELECT (SELECT count(*) FROM concerns_concern c JOIN agencies_locality l ON l.id = c.locality_id"
        " WHERE l.slug = 'benchshire'), (SELECT count(*) FROM reports_priority p JOIN agencies_locality l"
        " ON l.id = p.locality_id WHERE l.slug = 'benchshire')"
    )

    def busy_shape(cur):
        cur.execute(shape)
        return cur.fetchone()

    def national_shape(cur):
        try:
            return busy_shape(cur)
        except Exception:  # noqa: BLE001 - an empty or half-made database
            return None

    def exists(cur):
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [national_db])
        return cur.fetchone() is not None

    want = _admin(busy_shape, busy_db, busy_url)
    if _admin(exists, "postgres", busy_url) and _admin(national_shape, national_db, national_url) == want:
        return
    print(f"[bench] copying the busy area's database to {national_db}", flush=True)

    def copy(cur):
        cur.execute(f'DROP DATABASE IF EXISTS "{national_db}"')
        cur.execute(f'CREATE DATABASE "{national_db}" TEMPLATE "{busy_db}"')

    _admin(copy, "postgres", busy_url)


def environment(db_url: str, cache_db: int) -> dict[str, str]:
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
        CACHE_URL=shared_cache_url(cache_db),
        LOG_LEVEL="WARNING",
    )
    env.pop("CELERY_BROKER_URL", None)
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def shared_cache_url(db: int) -> str:
    """Redis when it answers (so the benchmark can empty the dashboards' cache that every
    gunicorn worker shares), else each worker's own memory. Each site its own Redis database."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return f"rediscache://127.0.0.1:6379/{db}"
    except OSError:
        return "locmemcache://"


class Site:
    """One database served by its own gunicorn."""

    def __init__(self, name: str, db_url: str, cache_db: int):
        self.name, self.db_url, self.cache_db = name, db_url, cache_db
        self.env = environment(db_url, cache_db)
        self.info: dict = {}
        self.port = 0
        self.server: subprocess.Popen | None = None

    def prepare(self, args: list[str]) -> None:
        """Migrate and seed in a process of its own (Django binds to one database per process)."""
        with subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "tests.benchmark.site", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            text=True,
        ) as process:
            lines = []
            for line in process.stdout:  # progress as it comes; the last line is the answer
                lines.append(line.strip())
                if not line.startswith("{"):
                    print(line, end="", flush=True)
        if process.returncode != 0 or not lines:
            raise SystemExit(f"preparing the {self.name} database failed")
        self.info = json.loads(lines[-1])

    def path(self, template: str) -> str:
        return template.format(
            area="benchshire", **{k: self.info[k] for k in ("priority", "report", "deep", "theme", "service")}
        )

    def start(self) -> None:
        self.port = free_port()
        self.server = subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
            [sys.executable, "-m", "gunicorn", "quality_system.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "2", "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
        )
        wait_until_up(self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=20)

    def forget_dashboards(self) -> None:
        """A new figures version for the busy area (agencies.figures), so the next dashboard is
        worked out afresh, as after any change."""
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=self.cache_db).delete(
            f":1:figures-version:{self.info['locality_id']}"
        )


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


class Client:
    """One kept-alive connection to a site, signed in as the busy area's officer."""

    def __init__(self, site: Site):
        self.site = site
        self.conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=300)

    def get(self, path: str) -> float:
        started = time.perf_counter()
        self.conn.request("GET", path, headers={"Cookie": f"sessionid={self.site.info['cookie']}"})
        response = self.conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{self.site.name}: {path} answered {response.status}")
        return elapsed


def interleaved(clients: list[Client], template: str, requests: int, before: bool = False) -> list[float]:
    """Each site's median for one page, its requests taken in turn (site A, site B, A, B ...)
    after two warm-up rounds; with `before`, each site's dashboards are forgotten first."""
    timings: list[list[float]] = [[] for _ in clients]
    for i in range(requests + 2):
        for n, client in enumerate(clients):
            if before:
                client.site.forget_dashboards()
            elapsed = client.get(client.site.path(template))
            if i >= 2:
                timings[n].append(elapsed)
    return [statistics.median(t) for t in timings]


def outbox_throughput(count: int, smtp_port: int) -> float:
    """Deliver `count` due outbox messages to a local SMTP sink, against a bare smtplib loop
    sending the same messages over one connection in the same run. Returns the sweep's
    throughput as a share of the bare loop's."""
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
    print(f"{'sender':34} {'seconds':>8} {'per second':>11} {'throughput × bare':>18}")
    print(f"{'bare smtplib loop':34} {bare:8.2f} {count / bare:11.0f} {1:18.2f}")
    print(
        f"{'outbox sweep (claim, send, mark)':34} {ours:8.2f} {sent / ours:11.0f} {(sent / ours) / (count / bare):18.2f}"
    )
    return (sent / ours) / (count / bare)


def smtp_sink():
    """A local SMTP server that accepts and discards mail (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def run_outbox(site: Site, count: int) -> float | None:
    """The outbox measure, in this process against the busy area's database."""
    if not count:
        return None
    sink = smtp_sink()
    try:
        os.environ.update(site.env, EMAIL_URL=f"smtp://127.0.0.1:{sink.port}")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        ratio = outbox_throughput(count, sink.port)
        django.db.connections.close_all()
        return ratio
    finally:
        sink.stop()


def print_pages(sites: list[Site], alone: dict[str, list[float]], side: dict[str, list[float]]) -> None:
    """The busy area's pages against the trivial views (its server alone), then, requested in
    turn from the two servers, each page in the busy area's database and in the country's."""
    busy = sites[0]
    print()
    sizes = busy.info["sizes"]
    print(
        f"Busy area: {sizes['concerns']:,} concerns, {sizes['theme tags']:,} theme tags, {sizes['services']:,} services"
    )
    if len(sites) > 1:
        national = sites[1].info
        print(
            f"National: {national['sizes'].get('national concerns', 0):,} concerns across 153 areas ({national['load']})"
        )
    header = f"{'page':32} {'alone ms':>9} {'× /healthz':>11} {'× signed-in':>12}"
    if side:
        header += f" {'| busy ms':>10} {'national ms':>12} {'× busy area':>12}"
    print(header)
    base, signed = alone[PAGES[0][0]][0], alone[PAGES[1][0]][0]
    for label, (median,) in alone.items():
        line = f"{label:32} {median * 1000:9.1f} {median / base:11.1f} {median / signed:12.1f}"
        if label in side:
            pair = side[label]
            line += f" {pair[0] * 1000:10.1f} {pair[1] * 1000:12.1f} {pair[1] / pair[0]:12.2f}"
        print(line)


def print_targets(alone: dict[str, list[float]], side: dict[str, list[float]], outbox: float | None) -> None:
    """Each target of the national-scale work (issue 18), met or missed, from this run."""
    base = alone[PAGES[0][0]][0]
    checks = [(f"{label}: national / busy area", pair[1] / pair[0], "<=", 1.2) for label, pair in side.items()][2:]
    for label in STAFF_PAGES:
        checks.append((f"{label}: busy area / /healthz", alone[label][0] / base, "<=", 40))
    checks.append(("cached dashboard / /healthz", alone["priority dashboard"][0] / base, "<=", 10))
    checks.append(("trivial signed-in page / /healthz", alone[PAGES[1][0]][0] / base, "<=", 4))
    if outbox is not None:
        checks.append(("outbox throughput / bare smtplib loop", outbox, ">=", 0.5))
    print()
    print(f"{'target':60} {'measured':>9} {'target':>9}  result")
    for label, value, sense, target in checks:
        met = value <= target if sense == "<=" else value >= target
        verdict = "met" if met else f"missed by {abs(value / target - 1) * 100:.0f}%"
        print(f"{label:60} {value:9.2f} {sense:>3}{target:6g}  {verdict}")


def measure_all(clients: list[Client], requests: int, cold: bool) -> dict[str, list[float]]:
    """Every page's median on each client's site (requested in turn when there are two)."""
    results = {label: interleaved(clients, path, requests) for label, path in PAGES}
    if cold:
        results[COLD] = interleaved(clients, dict(PAGES)["priority dashboard"], requests, before=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concerns", type=int, default=150_000)
    parser.add_argument("--services", type=int, default=1_500)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--outbox", type=int, default=10_000, help="messages for the outbox sweep (0 to skip)")
    parser.add_argument("--recommendations", type=int, default=1_000, help="recommendations in the busy area")
    parser.add_argument("--national-recommendations", type=int, default=250_000, help="across 153 areas")
    parser.add_argument(
        "--national-concerns", type=int, default=10_000_000, help="concerns across 153 areas (0: no national site)"
    )
    parser.add_argument("--national-services", type=int, default=60_000, help="services across 153 areas")
    args = parser.parse_args()

    busy_url, national_url = database_urls()
    if not args.national_concerns:
        national_url = None
    busy = Site("busy area", busy_url, 13)
    seed_args = ["--concerns", str(args.concerns), "--services", str(args.services)]
    seed_args += ["--recommendations", str(args.recommendations)]
    busy.prepare(seed_args)
    sites = [busy]
    if national_url:
        copy_busy_area(busy_url, national_url)
        national = Site("national", national_url, 14)
        national.prepare(
            seed_args
            + ["--national-concerns", str(args.national_concerns)]
            + ["--national-recommendations", str(args.national_recommendations)]
            + ["--national-services", str(args.national_services)]
        )
        sites.append(national)
    outbox = run_outbox(busy, args.outbox)
    try:
        for site in sites:
            site.start()
        clients = [Client(site) for site in sites]
        cold = "redis" in busy.env["CACHE_URL"]
        # Against the trivial views: the busy area's server alone. Then busy and national in turn
        # (a page's two medians taken moments apart, so the machine's drift cancels out).
        alone = measure_all(clients[:1], args.requests, cold)
        side = measure_all(clients, args.requests, cold) if len(clients) > 1 else {}
    finally:
        for site in sites:
            site.stop()
    print_pages(sites, alone, side)
    print_targets(alone, side, outbox)


if __name__ == "__main__":
    main()
