"""Receipts: whoever answers for a body (by emailed link or in the app) gets a copy of what they
sent, its reference and when it was recorded, at the body's contact address and at the address
the person gave. The confirmation page shows the same copy.

Receipts go through the outbox in the caller's transaction, so a receipt exists only if the
answer was recorded. Each address gets one receipt per answer (the dedupe key is the answer's
key and the address), however many times the answer is submitted.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Body, Locality
from .notifications import notify


def uk_time(moment: datetime.datetime) -> str:
    """A moment in words, in London time: "Tuesday 3 November 2026 at 14:05 (UK time)"."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} (UK time)"


@dataclasses.dataclass(frozen=True)
class Receipt:
    """A copy of one answer: what it answered (`reference`, `title`), for which body, to whom,
    when it was recorded, and what was sent, as (label, text) pairs."""

    reference: str
    title: str
    answered_for: str
    sent_to: str
    recorded_at: datetime.datetime
    answered_by: str
    lines: tuple[tuple[str, str], ...]
    addresses: tuple[str, ...] = ()

    @property
    def recorded_words(self) -> str:
        return uk_time(self.recorded_at)

    def text(self) -> str:
        """The plain-text email (nothing escaped: it is not HTML)."""
        return render_to_string("agencies/email/receipt.txt", {"receipt": self})


def _addresses(*emails: str) -> tuple[str, ...]:
    """Each address once (ignoring case), in order, leaving out empty ones."""
    seen: dict[str, str] = {}
    for email in emails:
        email = (email or "").strip()
        if email and email.lower() not in seen:
            seen[email.lower()] = email
    return tuple(seen.values())


def receipt_send(
    receipt: Receipt,
    *,
    key: str,
    body: Body,
    answerer_email: str = "",
    locality: Locality | None = None,
    related: tuple[str, int] | None = None,
) -> Receipt:
    """Email the receipt to the body's contact address and to the person who answered (each
    address once; `key` names the answer). Returns the receipt with the addresses it went to."""
    addresses = _addresses(body.contact_email, answerer_email)
    sent = dataclasses.replace(receipt, addresses=addresses)
    text = sent.text()
    for address in addresses:
        digest = hashlib.sha256(address.lower().encode()).hexdigest()[:24]
        notify(
            kind="receipt",
            key=f"{key}:{digest}",
            subject=f"Receipt: {receipt.title} ({receipt.reference})",
            body=text,
            to_email=address,
            to_name=body.name if address == body.contact_email else receipt.answered_by,
            urgent=True,
            locality=locality,
            related=related,
        )
    return sent


def emailed(receipt: Receipt) -> str:
    """Where the receipt went, in words, for a confirmation message."""
    if not receipt.addresses:
        return ""
    *first, last = receipt.addresses
    return f"A receipt has been emailed to {', '.join(first) + ' and ' if first else ''}{last}."
