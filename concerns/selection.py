"""Select many experiences in the list, act once (issue 14, item 1).

The list is a form of checkboxes (one for each row, and one for "all N matching these
filters") whose buttons post the selection to an action's page, with the filters in the
address. Actions live where their records do: raising an alert and setting a theme here, adding
to a review or to a board priority in reports. Imports point down, so reports registers its
actions when it starts (its AppConfig.ready), as agencies.open_work's finders are registered.

Every action asks `chosen` for the selected experiences within its own scope. A selection with
any experience outside that scope is refused whole, with a message that says how many and why,
never silently trimmed; so is one larger than the cap (settings.SELECTION_MAX, 500).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from agencies.models import Locality, User
from quality_system.text import is_plain_number

from .models import Concern


@dataclasses.dataclass(frozen=True)
class Action:
    """A button under the list: `label` names what it does with the selection, `url_name` is
    the page the selection is posted to (an area page), `allowed(user, locality)` whether the
    button shows (the page checks again)."""

    key: str
    label: str
    url_name: str
    allowed: Callable[[User, Locality], bool]
    order: int = 50


_ACTIONS: dict[str, Action] = {}


def register(action: Action) -> Action:
    """Add an action (once, however often an app starts)."""
    _ACTIONS[action.key] = action
    return action


def actions_for(user: User, locality: Locality) -> list[dict]:
    """The buttons this user gets under the list, in order, with the address each posts to."""
    shown = sorted((a for a in _ACTIONS.values() if a.allowed(user, locality)), key=lambda a: (a.order, a.key))
    return [{"key": a.key, "label": a.label, "url": reverse(a.url_name, args=[locality.slug])} for a in shown]


def cap() -> int:
    """How many experiences one action takes at most."""
    return settings.SELECTION_MAX


class Refused(Exception):
    """The selection cannot be acted on: the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def plain_ids(values) -> list[int]:
    """The values that are plain record numbers (ASCII digits; "²" and "1.5" are not)."""
    return [int(v) for v in values if isinstance(v, (str, int)) and is_plain_number(str(v), max_digits=18)]


def too_many(number: int) -> str:
    limit = cap()
    return (
        f"You selected {number:,} experiences. You can act on up to {limit:,} at once: "
        "select fewer, or narrow the filters, then try again."
    )


def selected_ids(request, matching: Callable[[], QuerySet[Concern]]) -> list[int]:
    """The ids the list posted: the ticked rows, or (with "all matching") the filtered list's,
    newest first. Refused when there are none, too many, or a value that is not a record number."""
    limit = cap()
    if request.POST.get("all_matching") == "yes":
        ids = list(matching().order_by("-received_on", "-id").values_list("pk", flat=True)[: limit + 1])
        if len(ids) > limit:
            raise Refused(
                f"More than {limit:,} experiences match these filters. You can act on up to {limit:,} at once: "
                "narrow the filters (for example by date or service), then try again."
            )
    else:
        raw = request.POST.getlist("concern")
        if len(raw) > limit:
            raise Refused(too_many(len(raw)))
        ids = plain_ids(raw)
        if len(ids) != len(raw):
            raise Refused("The selection was not understood. Go back to the list and select the experiences again.")
    if not ids:
        raise Refused("Select at least one experience, or all the experiences matching the filters")
    return list(dict.fromkeys(ids))


def chosen(
    request, *, locality: Locality, scope: QuerySet[Concern], reason: str, matching: Callable[[], QuerySet[Concern]]
) -> list[Concern]:
    """The selected experiences, all within `scope` (what this action may use), newest first.
    `reason` says in words why others are refused, e.g. "only reviewed experiences can be
    shared with other bodies"."""
    ids = selected_ids(request, matching)
    found = list(scope.filter(locality=locality, pk__in=ids).select_related("service").order_by("-received_on", "-id"))
    missing = set(ids) - {c.pk for c in found}
    if missing:
        raise Refused(refusal(request.user, locality, missing, len(ids), reason))
    return found


def refusal(user: User, locality: Locality, missing: set[int], total: int, reason: str) -> str:
    """Names the refused experiences the user can see (up to 10); the others only by number."""
    seen = Concern.all_objects.for_user(user).filter(locality=locality, pk__in=missing).only("pk").order_by("pk")
    named = [concern.reference for concern in seen[:10]]
    which = f" ({', '.join(named)}{', and others' if len(missing) > len(named) else ''})" if named else ""
    one = len(missing) == 1
    return (
        f"{len(missing):,} of the {total:,} experiences you selected{which} {'is' if one else 'are'} not "
        f"one{'' if one else 's'} you can use for this: {reason}. Nothing was done. "
        f"Untick {'it' if one else 'them'}, or change the filters, and try again."
    )
