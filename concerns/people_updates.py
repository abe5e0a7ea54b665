"""Telling people what changed because of their experience.

A person who asked to hear back gets one email per event (an alert that included their
experience is acknowledged, it is in a review or a published report, a recommendation drawn
from it gets a response, a board action for a priority it shaped is done), through the outbox,
each once (its dedupe key names the concern and the event). The email is in plain words with a
link to the public "what happened" page, and never carries anyone's words.

Never by default for a safeguarding concern, where contact may be unsafe: a member of staff
entitled to the personal details may allow it for that concern, recorded with who and when.

Every email lets the person stop further ones without signing in: a link to a page whose button
stops them (opening it changes nothing, so a mail scanner following links stops nothing), and
the RFC 8058 one-click headers. The link carries a signed token naming the person's wish, so it
needs nothing stored and cannot be altered to stop someone else's emails.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.models import User
from agencies.notifications import AnswerLink, notify
from quality_system.site import absolute_reverse

from . import person_references
from .models import Concern, ConcernContact, Status
from .updates_models import UpdatesWish

STOP_SALT = "concerns.people_updates.stop"
BY_LINK = "The person, by the link in an email"
BY_ONE_CLICK = "The person, by their email program's unsubscribe button"

# What each event says, in plain words; `body` is the organisation's name.
EVENTS = {
    "alert-acknowledged": "{body} has acknowledged an alert that included your experience.",
    "review": "{body} is looking into your experience as part of a review.",
    "report-published": "{body} has published a report that drew on your experience.",
    "recommendation-response": "{body} has responded to a recommendation made because of experiences like yours.",
    "priority-action-done": (
        "{body} has finished an action the health and wellbeing board agreed, on a priority your experience "
        "helped to shape."
    ),
}


# ---------------------------------------------------------------- the person's choice


def wish_record(*, concern: Concern, wants: bool) -> UpdatesWish:
    """Record whether the person wants updates (from the public form, or by staff). Turning
    updates on again after the person stopped them starts them again: staff do that only when
    the person asks."""
    with transaction.atomic():
        wish, _ = UpdatesWish.objects.select_for_update().get_or_create(concern=concern)
        if wish.wants_updates == wants:
            return wish
        wish.wants_updates = wants
        if wants:
            wish.stopped_at, wish.stopped_how = None, ""
            if concern.status == Status.CLOSED and wish.closed_at is None:
                wish.closed_at = timezone.now()
        wish.save()
    return wish


def safeguarding_allow(*, concern: Concern, user: User, allow: bool) -> UpdatesWish:
    """Allow (or stop allowing) updates for a safeguarding concern, recording who and when."""
    with transaction.atomic():
        wish, _ = UpdatesWish.objects.select_for_update().get_or_create(concern=concern)
        if bool(wish.safeguarding_allowed_at) == allow:
            return wish
        wish.safeguarding_allowed_by = user if allow else None
        wish.safeguarding_allowed_at = timezone.now() if allow else None
        wish._history_user = user  # type: ignore[attr-defined]  # the history names who allowed it
        wish.save()
    return wish


def status_changed(*, concern: Concern) -> None:
    """Note when a concern whose person wants updates is closed (the follow-up counts from
    then), and forget it when the concern is opened again."""
    wishes = UpdatesWish.objects.filter(concern=concern)
    if concern.status == Status.CLOSED:
        wishes.filter(closed_at__isnull=True).update(closed_at=timezone.now())
    else:
        wishes.exclude(closed_at=None).update(closed_at=None)


def wish_for(concern: Concern) -> UpdatesWish | None:
    return UpdatesWish.objects.select_related("safeguarding_allowed_by").filter(concern=concern).first()


# ---------------------------------------------------------------- sending


def receivers(concern_ids: Iterable[int]) -> list[tuple[UpdatesWish, str]]:
    """The wishes of these concerns that may be written to now, each with its address."""
    wishes = (
        UpdatesWish.objects.filter(concern_id__in=list(concern_ids), wants_updates=True, stopped_at=None)
        .filter(Q(concern__safeguarding=False) | Q(safeguarding_allowed_at__isnull=False))
        .select_related("concern", "concern__locality")
    )
    wishes = list(wishes)
    emails = dict(
        ConcernContact.all_objects.filter(concern_id__in=[w.concern_id for w in wishes])
        .exclude(email="")
        .values_list("concern_id", "email")
    )
    return [(wish, emails[wish.concern_id]) for wish in wishes if wish.concern_id in emails]


def stop_token(wish: UpdatesWish) -> str:
    """The same for every email to this person (no date in it: a stop link never expires)."""
    return signing.Signer(salt=STOP_SALT).sign(str(wish.pk))


def wish_from_token(token: str) -> UpdatesWish | None:
    """The wish a stop link names, or None when the token was altered or is not one."""
    try:
        pk = signing.Signer(salt=STOP_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    return UpdatesWish.objects.select_related("concern").filter(pk=int(pk)).first()


def send_to_person(
    *, wish: UpdatesWish, email: str, kind: str, key: str, subject: str, text: str, fresh_link: AnswerLink | None = None
):
    """One email to the person, once per key, with the way to stop further ones."""
    reference = person_references.reference_for(wish.concern)
    token = stop_token(wish)
    stop_page = absolute_reverse("people-updates-stop", token)
    body = (
        f"{text}\n\n"
        f"Your reference is {reference}. See what has happened so far (without anyone's words or details):\n"
        f"{absolute_reverse('public-track-reference', reference)}\n\n"
        f"To stop these emails, use this link (you do not need to sign in):\n{stop_page}\n"
    )
    return notify(
        kind=kind,
        key=key,
        subject=subject,
        body=body,
        to_email=email,
        locality=wish.concern.locality,
        related=("concern", wish.concern_id),
        fresh_link=fresh_link,
        headers={
            "List-Unsubscribe": f"<{absolute_reverse('people-updates-one-click', token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def tell(*, concern_ids: Iterable[int], event: str, key: str, body_name: str) -> int:
    """Tell each person who asked, once per concern and event `key`, that `event` happened.
    Runs inside the caller's transaction. Returns how many emails are new."""
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event!r}")
    text = EVENTS[event].format(body=body_name)
    added = 0
    for wish, email in receivers(concern_ids):
        row = send_to_person(
            wish=wish,
            email=email,
            kind="person-update",
            key=f"concern-{wish.concern_id}:{key}",
            subject="Something has happened because of your experience",
            text=f"Thank you for sharing your experience with {wish.concern.locality.name} Healthwatch.\n\n{text}",
        )
        added += row is not None
    return added


# ---------------------------------------------------------------- stopping


def updates_stop(*, wish: UpdatesWish, how: str) -> bool:
    """Stop further emails, recording who and how. True when this call stopped them; False when
    they were already stopped (nothing changes)."""
    with transaction.atomic():
        locked = UpdatesWish.objects.select_for_update().get(pk=wish.pk)
        if locked.stopped_at is not None:
            return False
        locked.stopped_at, locked.stopped_how = timezone.now(), how[:100]
        locked.save()
    return True
