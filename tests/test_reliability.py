"""Proof that the outbox loses nothing and sends nothing twice, against real Redis and PostgreSQL.

- Redis stopped while people raise alerts: every request answers promptly, every alert is
  stored, and every message is delivered exactly once after Redis returns.
- A worker killed with SIGKILL in the middle of sending 1,000 due messages: after a restart all
  1,000 are delivered; any message sent twice is one that was mid-send at the kill, marked so.
- Two schedulers running the chase at once, and two sweeps at once: no duplicate message.

Each test runs its own redis-server on a free port, so stopping it disturbs nothing else. They
are slow (marked) but run in CI, where REQUIRE_SERVICES makes a missing service a failure.
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from agencies import notifications
from agencies.models import Notification, Role
from concerns import alerts
from tests.conftest import make_alert, missing_service
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.redis, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on loopback that a test can stop and start again."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing_service("redis-server is not installed")
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own server on loopback
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_on(redis_server):
    """Point the Celery app at the throwaway Redis, for real (not in-process) sending."""
    from quality_system.celery import app
    from tests.test_tasks import reset_broker_connections

    app.conf.update(task_always_eager=False, broker_url=redis_server.url)
    reset_broker_connections(app)
    yield app
    app.conf.update(task_always_eager=True, broker_url="")
    reset_broker_connections(app)


def needs_postgresql():
    if connection.vendor != "postgresql":
        missing_service("this test shares its database with a separate worker process: run it on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_alerts_raised_while_redis_is_down_are_stored_and_delivered_once_it_returns(
    world, login, redis_server, celery_on
):
    from celery.contrib.testing.worker import start_worker

    client = login(world.officer)
    redis_server.stop()
    timings = []
    for i in range(5):
        started = time.monotonic()
        response = client.post(
            reverse("concerns:alert-create", args=[world.area.slug]),
            {
                "summary": f"Alert {i}",
                "action_requested": "Look into it",
                "severity": "significant",
                "recipients": [world.icb.pk, world.scrutiny.pk],
            },
        )
        timings.append(time.monotonic() - started)
        assert response.status_code == 302
    assert max(timings) < 5, timings  # at most one slow wait on the dead broker, then none
    pending = Notification.objects.filter(channel="email", state="pending")
    expected = pending.count()
    # each alert: two body addresses, the ICB's two officers and the scrutiny officer
    assert expected == 5 * 5
    assert mail.outbox == []

    redis_server.start()
    from quality_system.jobs import mark_broker

    mark_broker(up=True)
    with start_worker(celery_on, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        from agencies.tasks import sweep_outbox

        sweep_outbox.delay()
        deadline = time.monotonic() + 30
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        sweep_outbox.delay()  # a second sweep finds nothing more to send
        time.sleep(1)
    assert not pending.exists()
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(message_ids) == expected
    assert len(set(message_ids)) == expected


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_nothing_and_marks_what_it_may_repeat(world, redis_server, tmp_path):
    needs_postgresql()
    total = 1000
    Notification.objects.bulk_create(
        Notification(
            dedupe_key=f"load:{i}", kind="load", to_email=f"p{i}@example.org", subject=f"Message {i}", body="Hello"
        )
        for i in range(total)
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quality_system.settings",
        "DEBUG": "false",
        "SECRET_KEY": "reliability-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": redis_server.url,
        "CACHE_URL": "locmemcache://",
        "EMAIL_BACKEND": "tests.support.SlowFileBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def worker():
        return subprocess.Popen(  # noqa: S603 - our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "quality_system",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )

    def send_sweep():
        _send_with_django(env)

    sent = Notification.objects.filter(state="sent")
    first = worker()
    try:
        send_sweep()
        deadline = time.monotonic() + 60
        while sent.count() < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = sent.count()
    assert 0 < at_kill < total, at_kill
    assert Notification.objects.filter(state="sending").exists()  # claimed by the dead worker

    time.sleep(2.5)  # the claims expire
    second = worker()
    try:
        send_sweep()
        deadline = time.monotonic() + 120
        while sent.count() < total and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert sent.count() == total
    files: dict[str, int] = {}
    for path in tmp_path.iterdir():
        key = path.name.rsplit("-", 1)[0]
        files[key] = files.get(key, 0) + 1
    ours = {
        f"notification-{pk}_quality-system"
        for pk in Notification.objects.filter(kind="load").values_list("pk", flat=True)
    }
    assert len(ours) == total
    assert ours <= set(files)  # every message reached the sink
    repeated = {key for key, n in files.items() if n > 1 and key in ours}
    flagged = {
        f"notification-{pk}_quality-system"
        for pk in Notification.objects.filter(possible_duplicate=True).values_list("pk", flat=True)
    }
    assert repeated <= flagged  # a message sent twice is one marked as possibly sent before
    assert len(flagged) <= 200  # at most the batch that was in flight


def _send_with_django(env):
    """Enqueue a sweep on the throwaway Redis from this process."""
    from agencies.tasks import sweep_outbox
    from quality_system.celery import app
    from tests.test_tasks import reset_broker_connections

    app.conf.update(task_always_eager=False, broker_url=env["CELERY_BROKER_URL"])
    reset_broker_connections(app)
    try:
        sweep_outbox.delay()
    finally:
        app.conf.update(task_always_eager=True, broker_url="")
        reset_broker_connections(app)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_chasing_at_once_send_each_reminder_once(world):
    needs_postgresql()
    MembershipFactory(body=world.hwb, role=Role.CHAIR)
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC), tick=False):
        for i in range(10):
            make_alert(world, summary=f"Alert {i}")
    barrier = threading.Barrier(2)
    errors = []

    def chase():
        from django.db import connections

        try:
            barrier.wait()
            with time_machine.travel(datetime.datetime(2026, 12, 10, 8, tzinfo=datetime.UTC), tick=False):
                alerts.alerts_chase(datetime.date(2026, 12, 10))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=chase) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    keys = list(Notification.objects.filter(kind="alert-escalated").values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) > 0
    body_reminders = Notification.objects.filter(kind="alert-escalated", to_email=world.icb.contact_email)
    assert body_reminders.count() == 10  # one per alert, not two


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_message_once(world):
    needs_postgresql()
    Notification.objects.bulk_create(
        Notification(dedupe_key=f"pair:{i}", kind="load", to_email=f"p{i}@example.org", subject=f"M{i}", body="x")
        for i in range(300)
    )
    barrier = threading.Barrier(2)

    def run():
        from django.db import connections

        barrier.wait()
        notifications.sweep()
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 300 and len(set(ids)) == 300
    assert settings.EMAIL_BACKEND.endswith("locmem.EmailBackend")


# ---------------------------------------------------------------- the handover job (issue 16)


def test_a_handover_worker_killed_mid_move_leaves_all_or_nothing_and_the_rerun_does_it_all(world, monkeypatch):
    from agencies import handover, handover_services
    from agencies.handover_models import CustodyChange, HandoverPlan
    from tests.test_handover import ON, make_plan, open_work, snapshot

    work = open_work(world)
    plan = make_plan(world)
    before = snapshot(world, work)
    real = handover.kind("report")  # moved after alerts, reviews and evidence requests

    def killed(ids, from_body, to_body):
        raise SystemExit("worker killed")

    monkeypatch.setitem(handover._KINDS, "report", handover.Kind(real.code, real.label, real.find, killed))
    with pytest.raises(SystemExit):
        handover_services.handovers_run(ON)
    assert snapshot(world, work) == before
    assert HandoverPlan.objects.get(pk=plan.pk).state == HandoverPlan.State.PLANNED
    assert not CustodyChange.objects.exists()
    monkeypatch.setitem(handover._KINDS, "report", real)
    assert handover_services.handovers_run(ON) == 1
    assert handover_services.handovers_run(ON) == 0  # run twice: nothing more
    after = snapshot(world, work)
    assert after["report"] == world.icb.pk and after["rec_due"] == before["rec_due"]


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_running_a_handover_at_once_move_it_once(world):
    needs_postgresql()
    from agencies.handover_models import CustodyChange
    from agencies.handover_services import handovers_run
    from agencies.models import FunctionHolding
    from tests.test_handover import ON, make_plan, open_work

    open_work(world)
    make_plan(world)
    barrier = threading.Barrier(2)
    done, errors = [], []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            done.append(handovers_run(ON))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and sorted(done) == [0, 1]
    keys = list(CustodyChange.objects.values_list("kind", "record_id"))
    assert len(keys) == len(set(keys)) > 0
    assert FunctionHolding.objects.filter(function__code="local_healthwatch", part__isnull=False).count() == 2
