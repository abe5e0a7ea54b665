"""How many items each body owes, for the navigation, cached so most pages ask no query.

The count of a body is cached under a key that includes the body's version (the pattern of
agencies.figures). Anything that changes what a body owes calls `changed(body_id)`: signals do
for alert recipients, recommendations, responses and evidence requests (reports.bodies.signals).
The version moves once the change commits, so a page that read the old rows in between caches
them under the old version, which nobody asks for again. A count also expires after
COUNT_SECONDS as a backstop (an item moved to another body by a bulk update, say).
"""

from __future__ import annotations

import functools
import time

from django.core.cache import cache
from django.db import transaction

from quality_system import db_router

COUNT_SECONDS = 15 * 60


def _version_key(body_id: int) -> str:
    return f"body-work-version:{body_id}"


def _count_key(body_id: int, version: int) -> str:
    return f"body-work-open:{body_id}:{version}"


def _versions(body_ids: list[int]) -> dict[int, int]:
    found = cache.get_many([_version_key(b) for b in body_ids])
    versions = {}
    for body_id in body_ids:
        version = found.get(_version_key(body_id))
        if version is None:
            version = time.time_ns()
            cache.add(_version_key(body_id), version, timeout=None)
            version = cache.get(_version_key(body_id), version)
        versions[body_id] = version
    return versions


def open_counts(body_ids: list[int]) -> dict[int, int]:
    """Each body's open items: from the cache, the missing ones counted in three queries."""
    if not body_ids:
        return {}
    from .selectors import open_counts as count  # the ORM only when the cache misses

    versions = _versions(body_ids)
    keys = {body_id: _count_key(body_id, versions[body_id]) for body_id in body_ids}
    cached = cache.get_many(list(keys.values()))
    counts = {body_id: cached[key] for body_id, key in keys.items() if key in cached}
    missing = [body_id for body_id in body_ids if body_id not in counts]
    if missing:
        with db_router.primary():  # kept for everyone under this version: never a lagging replica's rows
            fresh = count(missing)
        cache.set_many({keys[body_id]: n for body_id, n in fresh.items()}, timeout=COUNT_SECONDS)
        counts.update(fresh)
    return counts


def changed(body_id: int | None) -> None:
    """A new version for the body once the change that called this commits."""
    if body_id is not None:
        transaction.on_commit(functools.partial(_bump, body_id))


def _bump(body_id: int) -> None:
    try:
        cache.incr(_version_key(body_id))
    except ValueError:
        cache.set(_version_key(body_id), time.time_ns(), timeout=None)


def snapshot(body_id: int) -> tuple[int, int]:
    """The body's version, taken before a page reads what the body owes (see `remember`)."""
    return body_id, _versions([body_id])[body_id]


def remember(taken: tuple[int, int], n: int) -> None:
    """A count a page has just read from the database, kept for the navigation under the
    version taken before the read: a change committed meanwhile has moved the version on."""
    if db_router.reads_from_replica():
        return  # a replica's count may predate the version taken; the navigation counts afresh
    body_id, version = taken
    cache.set(_count_key(body_id, version), n, timeout=COUNT_SECONDS)
