"""Which version of an area's figures the dashboards may reuse.

Dashboards cache what they compute under a key that includes the area's figures version.
Anything that changes what a dashboard shows calls `changed(locality_id)` (model signals do
this for the records the dashboards read; the monthly-count rebuild does it for concerns), so
the next view computes afresh. The version lives in the shared cache (Redis in production),
so every web process sees the same one; a cached dashboard also expires after
`settings.DASHBOARD_CACHE_SECONDS` as a backstop.
"""

from __future__ import annotations

import functools
import time

from django.core.cache import cache
from django.db import transaction


def _key(locality_id: int) -> str:
    return f"figures-version:{locality_id}"


def version(locality_id: int) -> int:
    current = cache.get(_key(locality_id))
    if current is None:
        current = time.time_ns()
        cache.add(_key(locality_id), current, timeout=None)
        current = cache.get(_key(locality_id), current)
    return current


def changed(locality_id: int | None) -> None:
    """A new version for the area once the change that called this commits (at once outside a
    transaction). Moving it earlier would let a dashboard read in between, which still sees the
    old rows, be cached under the new version; a change that rolls back moves nothing."""
    if locality_id is None:
        return
    transaction.on_commit(functools.partial(_bump, locality_id))


def _bump(locality_id: int) -> None:
    """An atomic increment in Redis. A version lost from the cache restarts from the clock,
    above any number it reached before."""
    try:
        cache.incr(_key(locality_id))
    except ValueError:
        cache.set(_key(locality_id), time.time_ns(), timeout=None)
