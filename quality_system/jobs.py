"""Enqueueing background work safely from a request."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send a task once the current transaction commits. A broker that is down is logged, not
    raised: the web request still answers, and the record stays for a retry or a sweep."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not enqueue %s%r; it will need a retry", task.name, args)

    transaction.on_commit(send)
