"""Background jobs: in-process without a broker, and through a real worker on Redis."""

import datetime
import time
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from agencies import tasks
from tests.conftest import missing_service, redis_reachable, redis_url


def reset_broker_connections(app):
    """Drop connections made with the previous broker URL (Celery caches its pools)."""
    from kombu import pools

    pools.reset()  # kombu keeps producer pools per broker URL, process-wide
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


def make_sessions():
    Session.objects.create(
        session_key="expired", session_data="x", expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    Session.objects.create(
        session_key="current", session_data="x", expire_date=timezone.now() + datetime.timedelta(days=1)
    )


def test_clearing_sessions_in_process_removes_only_expired_ones(db):
    make_sessions()
    tasks.clear_expired_sessions.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]


def test_old_sign_in_attempts_are_forgotten(db):
    from axes.models import AccessLog

    old = AccessLog.objects.create(user_agent="x", ip_address="10.0.0.1", username="a", http_accept="x", path_info="/")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=91))
    AccessLog.objects.create(user_agent="x", ip_address="10.0.0.2", username="b", http_accept="x", path_info="/")
    assert tasks.forget_old_sign_in_attempts.delay().get() == 1
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["b"]


def test_every_scheduled_job_names_a_registered_task(settings):
    from quality_system.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_session_cleaner():
    if not redis_reachable():
        missing_service(f"Redis is not reachable at {redis_url()}")
    from celery.contrib.testing.worker import start_worker

    from quality_system.celery import app

    make_sessions()
    # A queue of this run's own, so messages left by an earlier, interrupted run are not in the way.
    queue = f"test-{uuid.uuid4().hex}"
    app.conf.update(task_always_eager=False, broker_url=redis_url())
    reset_broker_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
            tasks.clear_expired_sessions.apply_async(queue=queue)
            deadline = time.monotonic() + 20
            while Session.objects.filter(session_key="expired").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
    finally:
        app.conf.update(task_always_eager=True, broker_url="")
        reset_broker_connections(app)
