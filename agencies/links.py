"""Single-use, expiring response links for people without an account.

A link is bound to a purpose and one record. Only the SHA-256 of the random token is stored,
so the database cannot be used to forge one. Opening a link (GET) only checks it; submitting the
form (POST) consumes it, so mail scanners that prefetch links use nothing up.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone

from .models import SignedLink


class LinkProblem(Exception):
    """Why a link cannot be used, in words for the page that says so."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_issue(*, purpose: str, object_id: int, days: int | None = None) -> str:
    """Create a link for this record; returns the token to put in the URL (never stored)."""
    token = secrets.token_urlsafe(32)
    SignedLink.objects.create(
        purpose=purpose,
        object_id=object_id,
        token_hash=_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=days or settings.RESPONSE_LINK_DAYS),
    )
    return token


def link_check(*, purpose: str, object_id: int, token: str) -> SignedLink:
    """The link if it may be used for this record now; otherwise LinkProblem."""
    link = SignedLink.objects.filter(token_hash=_hash(token or "")).first()
    if link is None:
        raise LinkProblem("unknown", "This link is not valid. Check you copied the whole link from the email.")
    if link.purpose != purpose or link.object_id != object_id:
        raise LinkProblem("mismatch", "This link is for a different request. Use the link in the email about this one.")
    if link.used_at is not None:
        raise LinkProblem("used", "This link has already been used. Each link works once.")
    if link.expires_at <= timezone.now():
        raise LinkProblem("expired", "This link has expired. Ask the sender for a new one.")
    return link


def link_consume(link: SignedLink) -> None:
    """Mark the link used; only one request can ever do this (a conditional update)."""
    if SignedLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()) != 1:
        raise LinkProblem("used", "This link has already been used. Each link works once.")
