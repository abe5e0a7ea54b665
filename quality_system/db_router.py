"""Reads from a streaming replica, when one is configured (DATABASE_REPLICA_URL).

Nothing here acts unless settings name a "replica" database: then settings install
`ReplicaRouter` and `ReplicaMiddleware`, and

- a GET or HEAD request reads from the replica, unless the person wrote something in the last
  `REPLICA_STICKY_SECONDS` (a signed, short-lived cookie set after their write), so everyone
  always sees their own change however far behind the replica is, up to that window;
- every write goes to the primary, and once a request has written, the rest of it reads from
  the primary too; so does any read inside a transaction on the primary;
- POST, PUT, PATCH and DELETE requests, background jobs (Celery tasks) and management commands
  read from the primary; a job or command may opt in with `replica_reads()`;
- migrations run on the primary only (a replica is a copy, read-only);
- a replica that cannot be reached sends reads to the primary for `REPLICA_RETRY_SECONDS`.

Code that fills a shared cache under a version bumped when data change (the dashboards, the
navigation's counts) must compute the value inside `primary()`: a lagging replica would
otherwise store old figures under the new version.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
STICKY_COOKIE = "recent_write"
_SALT = "quality_system.db_router"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# After the replica refuses a connection, this process reads from the primary for this long
# before trying it again (each try can take the connect timeout).
REPLICA_RETRY_SECONDS = 30


@dataclasses.dataclass
class Reads:
    """Where reads go in the current request, job or block, and whether it has written."""

    alias: str
    outer: Reads | None = None
    wrote: bool = False
    checked: bool = False  # whether this block has made sure the replica answers

    def write_seen(self) -> None:
        """Reads after a write go to the primary, in this block and every block around it."""
        reads: Reads | None = self
        while reads is not None:
            reads.alias, reads.wrote = PRIMARY, True
            reads = reads.outer


# No value (outside any request, as in jobs, commands and the shell): the primary.
_reads: ContextVar[Reads | None] = ContextVar("database_reads", default=None)
_lock = threading.Lock()
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reads_from_replica() -> bool:
    """Whether a read made here, now, would go to the replica."""
    return ReplicaRouter().db_for_read(None) == REPLICA


@contextlib.contextmanager
def _reading_from(alias: str) -> Iterator[Reads]:
    reads = Reads(alias=alias, outer=_reads.get())
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def primary() -> contextlib.AbstractContextManager[Reads]:
    """Reads in this block go to the primary: for a value cached for others, or a read that
    decides a write."""
    return _reading_from(PRIMARY)


def replica_reads() -> contextlib.AbstractContextManager[Reads]:
    """Opt in, for a job or command that only reads and can be a few seconds behind: reads in
    this block go to the replica (if one is configured and reachable)."""
    return _reading_from(REPLICA if replica_configured() else PRIMARY)


def replica_reachable() -> bool:
    """Connect to the replica if not yet connected; on failure, note it down for a while."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connection = connections[REPLICA]
        connection.close_if_health_check_failed()  # a kept connection the replica dropped
        connection.ensure_connection()
    except DatabaseError:
        with _lock:
            _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.exception("The read replica cannot be reached; reading from the primary for %ss", REPLICA_RETRY_SECONDS)
        return False
    return True


def mark_replica_up() -> None:
    global _replica_down_until
    with _lock:
        _replica_down_until = 0.0


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS) for a primary and one replica."""

    def db_for_read(self, model: type[Model] | None, **hints: Any) -> str:
        reads = _reads.get()
        if reads is None or reads.alias != REPLICA:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY  # a read inside a transaction that may write sees that transaction
        if not reads.checked:  # once per request or block, and only when it reads
            reads.checked = True
            if not replica_reachable():
                reads.alias = PRIMARY
                return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model] | None, **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.write_seen()
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY


def _sticky(request: HttpRequest) -> bool:
    """The person wrote something within the last REPLICA_STICKY_SECONDS."""
    seconds = settings.REPLICA_STICKY_SECONDS
    return request.get_signed_cookie(STICKY_COOKIE, default=None, salt=_SALT, max_age=seconds) is not None


class ReplicaMiddleware:
    """Chooses where this request's reads go (see the module's docstring), and after a write
    sets the cookie that keeps this person's reads on the primary for the sticky window."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        safe = request.method in SAFE_METHODS
        reads = Reads(alias=REPLICA if safe and not _sticky(request) else PRIMARY)
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if not safe or reads.wrote:
            self._stick(response, cacheable=safe)
        return response

    @staticmethod
    def _stick(response: HttpResponseBase, cacheable: bool) -> None:
        seconds = settings.REPLICA_STICKY_SECONDS
        response.set_signed_cookie(
            STICKY_COOKIE,
            "1",
            salt=_SALT,
            max_age=seconds,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        if cacheable:  # a page that wrote, with this person's cookie: never from a shared cache
            patch_cache_control(response, private=True)
