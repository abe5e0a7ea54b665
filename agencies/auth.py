"""Sign-in helpers for django-axes, and the lockout rule.

A lock is per account *and* network address: 10 wrong passwords for one account from one
address stop that account signing in from that address for the cool-off. Someone who knows a
staff email address can therefore only lock themselves out, not the person at their own desk.
Colleagues behind one NHS or council address are never locked together either, because each
account counts alone. Wrong passwords tried during a lock are not counted, so the lock ends
after the cool-off however often the attacker keeps trying.

Across every address together an account locks at a much higher number (settings
AXES_ACCOUNT_FAILURE_LIMIT): that takes many addresses guessing at once, and lasts only as
long as they keep going. Setting a new password by the emailed link lifts every lock.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


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
    higher limit for the account from every address together."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        if not username:
            return False
        recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=get_cool_off_threshold(request))
        failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
        return failures >= settings.AXES_ACCOUNT_FAILURE_LIMIT
