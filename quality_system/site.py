"""Links that leave the site (in emails, feeds and papers) are built here, from SITE_URL."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """The full address of a path on this site, for an email or a paper."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def absolute_reverse(name: str, *args) -> str:
    """The full address of a named page."""
    return absolute_url(reverse(name, args=args))
