"""Enqueueing background work safely from a request."""

from __future__ import annotations

import logging
import threading
import time

from django.db import transaction

logger = logging.getLogger(__name__)

# After the broker refuses once, skip further attempts from this process for a short while:
# each attempt costs about two seconds, and the database outbox plus the periodic sweep
# deliver the work anyway. A web request therefore waits at most once on a broker that is down.
BROKER_BACKOFF_SECONDS = 30
_lock = threading.Lock()
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def mark_broker(up: bool) -> None:
    global _broker_down_until
    with _lock:
        _broker_down_until = 0.0 if up else time.monotonic() + BROKER_BACKOFF_SECONDS


def runs_in_process(task) -> bool:
    """No broker (the quick start): `delay` runs the task here, so what it raises is its own."""
    return bool(task.app.conf.task_always_eager)


def enqueue(task, *args) -> bool:
    """Send a task now. A broker that is down is logged, not raised. True when sent.

    Without a broker the task runs at once, in this process; an error it raises is logged and
    never taken for the broker being down (that would hold back everything else queued from
    this process, such as an urgent alert's emails, for the backoff period)."""
    if broker_marked_down():
        logger.info("Broker marked down; %s%r left for the sweep", task.name, args)
        return False
    try:
        task.delay(*args)
    except Exception:
        if runs_in_process(task):
            logger.exception("Task %s%r failed; its sweep will pick up what it left", task.name, args)
            return False
        mark_broker(up=False)
        logger.exception("Could not enqueue %s%r; the sweep will deliver it", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Send a task once the current transaction commits (see `enqueue`)."""
    transaction.on_commit(lambda: enqueue(task, *args))
