"""Sign-in helpers for django-axes, and the lockout rule.

A lock is per account *and* network address: 10 wrong passwords for one account from one
address stop that account signing in from that address for the cool-off. Colleagues behind one
NHS or council address are never locked together, because each account counts alone. Wrong
passwords tried during a lock are not counted, so the lock ends after the cool-off however often
the attacker keeps trying.

Across every address together an account locks at a much higher number (settings
AXES_ACCOUNT_FAILURE_LIMIT), but only at addresses the person has not signed in from in the last
AXES_KNOWN_ADDRESS_AGE (axes' AccessLog of successful sign-ins). So an attacker guessing from
many addresses is stopped everywhere new, yet cannot keep the person out at their own desk or
network; there the per-address limit still applies. Setting a new password by the emailed link
lifts every lock, and makes the address it was set from known.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_http_accept,
    get_client_ip_address,
    get_client_path_info,
    get_client_user_agent,
    get_client_username,
)
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def axes_username(request, credentials) -> str:
    """Count failed sign-ins per account whatever the case the address was typed in,
    so `Alice@…` and `alice@…` share one limit."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    elif request is not None and request.method == "POST":
        value = request.POST.get("username", "")
    return value.strip().lower()


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler (per account and address, from AXES_LOCKOUT_PARAMETERS) plus the
    higher limit for the account from every address together, which spares known addresses."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        if not username or signed_in_recently_from(username, getattr(request, "axes_ip_address", None)):
            return False
        recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=get_cool_off_threshold(request))
        failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
        return failures >= settings.AXES_ACCOUNT_FAILURE_LIMIT


def signed_in_recently_from(username: str, ip_address: str | None) -> bool:
    """Whether this account signed in successfully from this address within
    AXES_KNOWN_ADDRESS_AGE: the person's own desk or network, not an attacker's."""
    if not ip_address:
        return False
    since = timezone.now() - settings.AXES_KNOWN_ADDRESS_AGE
    return AccessLog.objects.filter(username__iexact=username, ip_address=ip_address, attempt_time__gte=since).exists()


def remember_address(request, username: str) -> None:
    """Count the address a new password was set from by the emailed link as known, as if signed
    in from there: the person has proved they control the account's email, so an attacker
    relocking the account cannot keep them out at that address. The row's path is the link's."""
    ip_address = get_client_ip_address(request)
    if not ip_address or settings.AXES_DISABLE_ACCESS_LOG:
        return
    AccessLog.objects.create(
        username=username,
        ip_address=ip_address,
        user_agent=get_client_user_agent(request),
        http_accept=get_client_http_accept(request),
        path_info=get_client_path_info(request),
    )
