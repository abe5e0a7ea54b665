"""The capacity of one web worker: requests per second one gunicorn sync worker serves.

    python -m tests.benchmark.capacity --database-url sqlite:////tmp/capacity.sqlite3

Uses a database that already holds the demo area (`manage.py migrate` and `seed_demo` with
that DATABASE_URL, and `collectstatic`), starts gunicorn with ONE sync worker on a free
loopback port, signs two demo people in (a session made directly, so no sign-in throttle), and
for each page keeps the worker busy for `--seconds` with `--clients` concurrent connections
(two: while the worker renders one request the next is already waiting, so it is never idle
on the network). It prints requests per second and the median and 95th percentile latency.
The load generator runs on the same machine and takes some of its CPU, so the figures are a
lower bound for a worker with a core to itself.
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = [
    ("/healthz (no session, no database)", "/healthz", None),
    ("priority dashboard (from its cache)", "/areas/northmoor/dashboard/", "board.member@demo.example"),
    ("concern list", "/areas/northmoor/concerns/", "healthwatch.officer@demo.example"),
]

SESSION_CODE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(email={email!r})
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def environment(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="quality_system.settings",
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY="capacity-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    env.pop("CELERY_BROKER_URL", None)
    return env


def session_for(email: str, env: dict[str, str]) -> str:
    code = SESSION_CODE.format(email=email)
    out = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str | None) -> float:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return time.perf_counter() - started


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            get(port, "/healthz", None)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def load(port: int, path: str, cookie: str | None, seconds: float, clients: int) -> tuple[float, list[float]]:
    """Requests per second over `seconds` with `clients` connections, and every latency."""
    for _ in range(5):  # warm: the page's caches, the worker's imports and templates
        get(port, path, cookie)
    timings: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop:
            elapsed = get(port, path, cookie)
            with lock:
                timings.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(timings) / (time.perf_counter() - started), timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/capacity.sqlite3")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--replica-url", default="", help="DATABASE_REPLICA_URL for the worker (the router's cost)")
    args = parser.parse_args()
    env = environment(args.database_url)
    if args.replica_url:
        env["DATABASE_REPLICA_URL"] = args.replica_url
    cookies = {email: session_for(email, env) for _, _, email in PAGES if email}
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
        [str(Path(sys.executable).parent / "gunicorn"), "quality_system.wsgi", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        replica = ", reads of GET pages through DATABASE_REPLICA_URL" if args.replica_url else ""
        print(f"One gunicorn sync worker, {args.clients} clients, {args.seconds:.0f} s per page{replica}")
        print("| Page | requests per second | median | 95th percentile |")
        print("|---|---|---|---|")
        for label, path, email in PAGES:
            rate, timings = load(port, path, cookies.get(email), args.seconds, args.clients)
            p95 = statistics.quantiles(timings, n=20)[-1]
            median = statistics.median(timings)
            print(f"| {label} | {rate:.1f} | {median * 1000:.1f} ms | {p95 * 1000:.1f} ms |")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
