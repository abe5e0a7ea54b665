"""What every signed-in page needs about its person, cached: their seats, the functions each
seat's body holds today in the seat's area, the active bodies they are a member of, the
functions of which those bodies hold a part today, and how many unread messages they have.
Every query's scope (agencies.managers) reads its lists of areas and bodies from here, so a
list's query names them instead of joining memberships and footprints again.

Reading it costs one cache round trip (three keys at once) instead of three queries. The entry
is used only when all three agree:

- the *access version* (one for everyone) is the one the entry was computed under: it moves
  when any body's functions, footprint, name or switch, or any area, changes;
- the person's own version is too: it moves when their memberships or their inbox change;
- it was computed today (London time), so a holding or a footprint that starts or ends on a
  date counts from that day on, with no write at all.

Each change moves the versions twice: at once (so the rest of the same transaction, and a
test that never commits, sees it) and again once it commits (so a page that read the old rows
in between, and cached them, is not believed: the pattern of agencies.figures). A removed
person therefore loses access on their very next request. Entries also expire after
ENTRY_SECONDS as a backstop (a version bump lost while the cache was unreachable). When the
cache cannot be reached, pages read the database instead.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from quality_system import db_router

logger = logging.getLogger(__name__)

ENTRY_SECONDS = 10 * 60
ACCESS_KEY = "access-version"


def _person_key(user_id: int) -> str:
    return f"person-version:{user_id}"


def _entry_key(user_id: int) -> str:
    return f"person-entry:{user_id}"


# Moves at every version bump made in this process, so an entry kept on a user object is
# loaded again after a change made in the same request (or test), as it is on a new day.
_changes_here = 0


@dataclasses.dataclass(frozen=True)
class Person:
    seats: list  # of agencies.access.Seat
    functions: dict[tuple[int, int], frozenset[str]]
    unread: int
    member_bodies: tuple[int, ...] = ()  # active bodies with a membership, footprint or not
    parts_held: frozenset[str] = frozenset()  # functions of which those bodies hold a part today


def person(user) -> Person:
    """The person's cached entry (loaded once per request and kept on the user object)."""
    loaded = getattr(user, "_qs_person", None)
    now = (_changes_here, timezone.localdate())
    if loaded is None or getattr(user, "_qs_person_as_of", None) != now:
        loaded = _load(user)
        user._qs_person, user._qs_person_as_of = loaded, now
    return loaded


def _load(user) -> Person:
    today = timezone.localdate().isoformat()
    keys = [ACCESS_KEY, _person_key(user.pk), _entry_key(user.pk)]
    try:
        found = cache.get_many(keys)
        versions = (found.get(ACCESS_KEY), found.get(keys[1]))
        if None in versions:
            versions = (_version(ACCESS_KEY), _version(keys[1]))
    except Exception:  # the cache is down: the database answers, as it did before the cache
        logger.warning("The cache is unreachable; reading the person's seats from the database", exc_info=True)
        return _compute(user, today)
    entry = found.get(keys[2])
    if entry is not None and entry["versions"] == versions and entry["on"] == today and "members" in entry:
        return _from_entry(entry)
    with db_router.primary():  # a lagging replica must never be cached as someone's access
        fresh = _compute(user, today)
    try:
        cache.set(keys[2], _to_entry(fresh, versions, today), timeout=ENTRY_SECONDS)
    except Exception:
        logger.warning("Could not cache the person's seats", exc_info=True)
    return fresh


def access_version() -> int | None:
    """The version every body's, footprint's and area's change moves (None when the cache is
    unreachable): a key for other things cached from bodies and footprints."""
    try:
        return _version(ACCESS_KEY)
    except Exception:
        logger.warning("The cache is unreachable", exc_info=True)
        return None


def _version(key: str) -> int:
    current = cache.get(key)
    if current is None:
        cache.add(key, time.time_ns(), timeout=None)
        current = cache.get(key)
    return current


def _compute(user, today: str) -> Person:
    import datetime

    from . import access
    from .models import FunctionHolding, Membership, Notification

    on = datetime.date.fromisoformat(today)
    seats = access.seats_from_database(user, on)
    held = access.seat_functions(seats, on)
    unread = Notification.objects.filter(user=user, channel=Notification.Channel.INBOX, read_at__isnull=True).count()
    members = sorted(set(Membership.objects.filter(user=user, body__is_active=True).values_list("body_id", flat=True)))
    parts = FunctionHolding.objects.current(on).filter(part__isnull=False, body_id__in=members, body__is_active=True)
    return Person(
        seats=seats,
        functions={key: frozenset(codes) for key, codes in held.items()},
        unread=unread,
        member_bodies=tuple(members),
        parts_held=frozenset(parts.values_list("function__code", flat=True)),
    )


def _to_entry(found: Person, versions: tuple, today: str) -> dict[str, Any]:
    return {
        "versions": versions,
        "on": today,
        "seats": [dataclasses.astuple(seat) for seat in found.seats],
        "functions": [(body, area, sorted(codes)) for (body, area), codes in found.functions.items()],
        "unread": found.unread,
        "members": list(found.member_bodies),
        "parts": sorted(found.parts_held),
    }


def _from_entry(entry: dict[str, Any]) -> Person:
    from .access import Seat

    return Person(
        seats=[Seat(*row) for row in entry["seats"]],
        functions={(body, area): frozenset(codes) for body, area, codes in entry["functions"]},
        unread=entry["unread"],
        member_bodies=tuple(entry["members"]),
        parts_held=frozenset(entry["parts"]),
    )


def person_changed(user_id: int | None) -> None:
    """The person's memberships or inbox changed: their entry is not to be used again."""
    if user_id is not None:
        _bump_now_and_on_commit(_person_key(user_id))


def access_changed() -> None:
    """A body's functions, footprint, name or switch, or an area, changed: nobody's entry is to
    be used again (these change rarely; each person's entry is one query set to rebuild)."""
    _bump_now_and_on_commit(ACCESS_KEY)


def _bump_now_and_on_commit(key: str) -> None:
    global _changes_here
    _changes_here += 1
    _bump(key)
    transaction.on_commit(functools.partial(_bump, key))


def _bump(key: str) -> None:
    """An atomic increment; a version lost from the cache restarts from the clock, above any
    number it reached before."""
    try:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, time.time_ns(), timeout=None)
    except Exception:  # entries expire after ENTRY_SECONDS anyway
        logger.error("Could not move the cache version %s", key, exc_info=True)


def _on_membership(sender, instance, **kwargs) -> None:
    person_changed(instance.user_id)


def _on_inbox(sender, instance, **kwargs) -> None:
    if instance.channel == instance.Channel.INBOX:
        person_changed(instance.user_id)


def _on_access(sender, **kwargs) -> None:
    access_changed()


def connect() -> None:
    """Move the versions whenever a record they depend on is saved or deleted (every write to
    these goes through save() or delete(); the inbox's mark-as-read calls person_changed)."""
    from .models import Body, BodyArea, FunctionHolding, Locality, Membership, Notification

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_on_membership, sender=Membership, dispatch_uid=f"person-cache-membership-{name}")
        signal.connect(_on_inbox, sender=Notification, dispatch_uid=f"person-cache-inbox-{name}")
        for model in (Body, BodyArea, FunctionHolding, Locality):
            signal.connect(_on_access, sender=model, dispatch_uid=f"person-cache-{model.__name__}-{name}")
