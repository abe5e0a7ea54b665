"""The outbox: every alert, reminder and digest is a row written with the change that causes it.

- `notify` adds a row inside the caller's transaction; its dedupe key makes a second attempt
  (a second sweep, a second scheduler) add nothing. After commit it hints the queue.
- `deliver` sends one row: it claims the row first (a conditional update), records the
  attempt, sends with a stable Message-ID, then marks it sent. Only the claimant marks it.
- `deliver_due` claims a batch in one transaction (SELECT … FOR UPDATE SKIP LOCKED on
  PostgreSQL, then one conditional UPDATE stamping the batch's token), sends it over one mail
  connection and marks what went in bulk; a message that fails backs off alone.
- `sweep` returns claims that expired (their worker died mid-send: the row is marked as a
  possible duplicate) and sends everything still due. Beat runs it every minute, so a Redis
  outage or a killed worker delays messages but loses none.
- A row that keeps failing backs off (1, 2, 4 … minutes) and after 8 attempts is marked failed.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from quality_system.jobs import enqueue_on_commit
from quality_system.site import absolute_url

from .models import Body, Membership, Notification, Role, User
from .outbox_links import AnswerLink, SetPasswordLink, body_to_send, scrub

__all__ = ["AnswerLink", "SetPasswordLink", "notify", "notify_body", "notify_user"]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 200
# A batch marks what it has sent this many at a time: one update for many messages, and at most
# this many to resend (flagged as possible duplicates) if the worker dies before marking them.
MARK_EVERY = 50


def _one_line(text: str, limit: int) -> str:
    """Header-safe: no CR, LF or other control characters (header injection), trimmed."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:limit]


def _first_state(channel: str, user: User | None, urgent: bool) -> str:
    if channel == Notification.Channel.INBOX:
        return Notification.State.SENT
    if user is not None and not urgent and user.notification_mode == "daily":
        return Notification.State.HELD  # for the daily email
    return Notification.State.PENDING


def _safe_headers(headers: dict[str, str] | None) -> dict[str, str]:
    return {_one_line(name, 60): _one_line(value, 900) for name, value in (headers or {}).items()}


def notify(
    *,
    kind: str,
    key: str,
    subject: str,
    body: str,
    to_email: str = "",
    to_name: str = "",
    user: User | None = None,
    channel: str = Notification.Channel.EMAIL,
    urgent: bool = False,
    link: str = "",
    locality=None,
    related: tuple[str, int] | None = None,
    fresh_link: AnswerLink | SetPasswordLink | None = None,
    headers: dict[str, str] | None = None,
) -> Notification | None:
    """Add a message to the outbox (once per dedupe key). Returns the new row, or None when a
    message with this key already exists.

    With `fresh_link`, the body holds the link's slot, and a new link is made there each time the
    message is sent (agencies.outbox_links): no usable link is ever stored. `headers` (made
    header-safe) are added to the email as it leaves."""
    if fresh_link is not None and fresh_link.slot not in body:
        raise ValueError("The body needs the link's slot")
    if channel == Notification.Channel.EMAIL and not (to_email or (user and user.email)):
        raise ValueError("An email needs an address")
    now, state = timezone.now(), _first_state(channel, user, urgent)
    row = Notification(
        dedupe_key=f"{kind}:{key}"[:200],
        kind=kind,
        channel=channel,
        urgent=urgent,
        locality=locality,
        user=user,
        to_email=to_email or (user.email if user else ""),
        to_name=_one_line(to_name or (user.full_name if user else ""), 200),
        subject=_one_line(subject, 200),
        body=body,
        link=link,
        link_recipe=fresh_link.recipe() if fresh_link is not None else {},
        headers=_safe_headers(headers),
        related_type=related[0] if related else "",
        related_id=related[1] if related else None,
        state=state,
        next_attempt_at=now,
        sent_at=now if state == Notification.State.SENT else None,
    )
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's work intact
            row.save()
    except IntegrityError:
        return None  # already in the outbox: the unique dedupe key decides, not a clock
    if row.state == Notification.State.PENDING:
        from .tasks import deliver_notification

        enqueue_on_commit(deliver_notification, row.pk)
    return row


def _send(row: Notification, connection=None) -> None:
    body = body_to_send(row.body, row.link_recipe)
    message = EmailMessage(
        subject=row.subject,
        body=body + (f"\n\n{absolute_url(row.link)}" if row.link.startswith("/") else ""),
        to=[formataddr((row.to_name, row.to_email)) if row.to_name else row.to_email],
        headers={**row.headers, "Message-ID": row.message_id, "X-Quality-System-Kind": row.kind},
        connection=connection,
    )
    message.send(fail_silently=False)


def _claim(pk: int, now: datetime.datetime) -> str | None:
    token = secrets.token_hex(16)
    claimed = (
        Notification.objects.filter(pk=pk, state=Notification.State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=Notification.State.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    )
    return token if claimed == 1 else None


def _finish(pk: int, token: str, error: Exception | None) -> bool:
    now = timezone.now()
    mine = Notification.objects.filter(pk=pk, state=Notification.State.SENDING, claim_token=token)
    if error is None:
        if mine.update(state=Notification.State.SENT, sent_at=now, last_error="") != 1:
            return False
        _scrub_sent(pk)
        return True
    row = mine.first()
    if row is None:
        return False
    failed = row.attempts >= MAX_ATTEMPTS
    mine.update(
        state=Notification.State.FAILED if failed else Notification.State.PENDING,
        next_attempt_at=now + datetime.timedelta(minutes=2 ** (row.attempts - 1)),
        last_error=f"{type(error).__name__}: {error}"[:500],
    )
    logger.warning("Sending notification %s failed (attempt %s): %s", pk, row.attempts, error)
    if failed:
        _scrub_sent(pk)  # given up on: its old-style link must not stay at rest either
    return False


def _scrub_sent(pk: int) -> None:
    """A message written before links had recipes carries its link in the body: take it out now
    it has gone, or been given up on."""
    row = Notification.objects.only("body", "link_recipe").get(pk=pk)
    if not row.link_recipe and scrub(row.body) != row.body:
        Notification.objects.filter(pk=pk).update(body=scrub(row.body))


def deliver(pk: int) -> bool:
    """Send one message if it is still pending and due. True when this call sent it."""
    token = _claim(pk, timezone.now())
    if token is None:
        return False
    row = Notification.objects.get(pk=pk)
    try:
        _send(row)
    except Exception as error:  # any failure: record it and back off
        return _finish(pk, token, error)
    return _finish(pk, token, None)


def _claim_batch(now: datetime.datetime, limit: int) -> tuple[str, list[Notification]]:
    """Claim up to `limit` due rows in one transaction: pick their ids (skipping rows another
    sweep has locked, on PostgreSQL), then one conditional update stamps them all with this
    batch's token. Returns the token and the rows it won (a row another sweep claimed first
    is no longer pending, so the update passes it by)."""
    token = secrets.token_hex(16)
    due = Notification.objects.filter(state=Notification.State.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    with transaction.atomic():
        picked = due.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            picked = picked.select_for_update(skip_locked=True)
        ids = list(picked.values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        due.filter(pk__in=ids).update(
            state=Notification.State.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
    mine = Notification.objects.filter(state=Notification.State.SENDING, claim_token=token)
    return token, list(mine.order_by("next_attempt_at", "id"))


def _mark_sent(rows: list[Notification], token: str) -> int:
    """Mark these claimed rows sent in one update (only those still claimed by this batch), and
    take old-style links out of their bodies. Returns how many were marked."""
    if not rows:
        return 0
    marked = Notification.objects.filter(
        pk__in=[row.pk for row in rows], state=Notification.State.SENDING, claim_token=token
    ).update(state=Notification.State.SENT, sent_at=timezone.now(), last_error="")
    for row in rows:
        if not row.link_recipe and scrub(row.body) != row.body:  # written before links had recipes
            Notification.objects.filter(pk=row.pk).update(body=scrub(row.body))
    return marked


def deliver_due(limit: int = BATCH) -> int:
    """Claim up to `limit` due messages at once and send them over one mail connection,
    marking them sent MARK_EVERY at a time (so a worker that dies mid-batch leaves at most that
    many sent but unmarked, to be resent as possible duplicates). A message that fails is
    recorded and backs off on its own; the others go on. Returns how many were sent."""
    token, rows = _claim_batch(timezone.now(), limit)
    if not rows:
        return 0
    mail_connection = get_connection()
    try:
        mail_connection.open()
    except Exception as error:  # the mail server is down: every claimed row backs off
        for row in rows:
            _finish(row.pk, token, error)
        return 0
    sent, done = 0, []
    try:
        for row in rows:
            try:
                _send(row, mail_connection)
            except Exception as error:
                _finish(row.pk, token, error)
                continue
            done.append(row)
            if len(done) == MARK_EVERY:
                sent += _mark_sent(done, token)
                done = []
    finally:
        sent += _mark_sent(done, token)  # what went, even if the loop stopped early
        mail_connection.close()
    return sent


def release_expired_claims(now: datetime.datetime | None = None) -> int:
    """Claims older than OUTBOX_CLAIM_TIMEOUT belong to a worker that died: send them again, marked
    as possible duplicates (the same Message-ID lets mail programs recognise a repeat)."""
    now = now or timezone.now()
    return Notification.objects.filter(
        state=Notification.State.SENDING, claimed_at__lt=now - settings.OUTBOX_CLAIM_TIMEOUT
    ).update(state=Notification.State.PENDING, possible_duplicate=True, next_attempt_at=now)


def sweep(limit: int = 1000) -> int:
    """Release expired claims, then send what is due, in batches. Returns how many were sent."""
    release_expired_claims()
    sent = 0
    while sent < limit:
        batch = deliver_due(min(BATCH, limit - sent))
        if batch == 0:
            break
        sent += batch
    return sent


def digests_send(today: datetime.date) -> int:
    """One email per person who asked for a daily digest, listing what was held for them."""
    made = 0
    held = Notification.objects.filter(state=Notification.State.HELD, channel=Notification.Channel.EMAIL)
    for user_id in held.values_list("user_id", flat=True).distinct().order_by():
        with transaction.atomic():
            rows = list(held.filter(user_id=user_id).select_for_update().order_by("created_at"))
            if not rows:
                continue
            user = rows[0].user
            lines = [f"- {row.subject}" + (f"\n  {absolute_url(row.link)}" if row.link else "") for row in rows]
            digest = notify(
                kind="digest",
                key=f"user-{user_id}:{today.isoformat()}",
                subject=f"Your daily summary: {len(rows)} update{'s' if len(rows) != 1 else ''}",
                body="Here is what happened since your last summary:\n\n" + "\n".join(lines),
                user=user,
                urgent=True,  # the digest itself goes straight away
            )
            if digest is not None:
                Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                    state=Notification.State.SENT, digest=digest, sent_at=timezone.now()
                )
                made += 1
    return made


def inbox_for(user: User):
    return Notification.objects.filter(user=user, channel=Notification.Channel.INBOX).order_by("-created_at", "-id")


def inbox_mark_read(user: User) -> int:
    """Mark all the person's messages read (the navigation's count follows on the next page)."""
    from . import person_cache

    marked = inbox_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    person_cache.person_changed(user.pk)
    return marked


def notify_people(users: Iterable[User], *, key: str, **message) -> int:
    """Tell each of these people (notify_user), each once under its own key, `key` followed by
    ":user-<id>". Returns how many messages were new."""
    return sum(notify_user(user=user, key=f"{key}:user-{user.pk}", **message) for user in users)


def notify_user(*, user: User, key: str, **message) -> int:
    """Tell one person in the app and by email (each once, per their email preference).
    Returns how many of the two messages were new."""
    added = 0
    for channel in (Notification.Channel.INBOX, Notification.Channel.EMAIL):
        added += notify(key=f"{key}:{channel}", user=user, channel=channel, **message) is not None
    return added


# Who hears in the app when a message comes to their body: the people who answer for it.
ANSWERING_ROLES = (Role.OFFICER, Role.CHAIR, Role.ADMINISTRATOR)


def notify_body(
    *,
    body: Body,
    kind: str,
    key: str,
    subject: str,
    text: str,
    locality,
    related: tuple[str, int],
    answer_link: AnswerLink | None = None,
    email_key: str | None = None,
    tell_members: bool = False,
    member_subject: str | None = None,
    member_text: str | None = None,
    member_link: str = "",
    members_urgent: bool = True,
) -> int:
    """Email a body at its contact address, with a fresh answer link when asked, and tell the
    people who answer for it in the app and by email: each message once (its dedupe key is
    `key` + ":body-email" unless `email_key` is given, and ":user-<id>" for each person).

    Runs inside the caller's transaction. The answer link is made only when the email is sent
    (agencies.outbox_links), so a message already in the outbox leaves no unused link behind.
    Returns how many messages were new.
    """
    added = _email_body(
        body=body,
        kind=kind,
        key=email_key or f"{key}:body-email",
        subject=subject,
        text=text,
        locality=locality,
        related=related,
        answer_link=answer_link,
    )
    if tell_members:
        added += notify_people(
            Membership.people(body, ANSWERING_ROLES),
            kind=kind,
            key=key,
            subject=member_subject or subject,
            body=member_text if member_text is not None else text,
            urgent=members_urgent,
            link=member_link,
            locality=locality,
            related=related,
        )
    return added


def _email_body(*, body: Body, kind: str, key: str, subject: str, text: str, locality, related, answer_link) -> int:
    """The body's email, with the slot for a fresh answer link when asked (made when it is
    sent); 0 when it was already in the outbox."""
    if answer_link is not None:
        text = f"{text}\n{answer_link.invitation}\n{answer_link.slot}\n"
    row = notify(
        kind=kind,
        key=key,
        subject=subject,
        body=text,
        to_email=body.contact_email,
        to_name=body.name,
        urgent=True,
        locality=locality,
        related=related,
        fresh_link=answer_link,
    )
    return 0 if row is None else 1
