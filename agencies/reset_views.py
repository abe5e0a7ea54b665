""" "Forgotten your password?": the email goes through the outbox, and requests are limited per
address and per network address (django-ratelimit, counting in the shared cache).

The page says the same thing whether or not the address has an account, and a limited request
sends nothing, so neither the page nor a flood of emails tells anyone who has an account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django_ratelimit.core import get_usage

from . import services


def _over(request, *, group: str, key, rate: str) -> bool:
    usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
    return usage is not None and usage["should_limit"]


def reset_limited(request, email: str) -> bool:
    """Count this request against its address and its network address; True when either has
    asked too often. Both are counted every time, so the answer never depends on an account."""
    address = email.strip().lower()
    by_address = _over(
        request,
        group="password-reset-address",
        key=lambda group, request: address,
        rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
    )
    by_ip = _over(request, group="password-reset-ip", key="ip", rate=settings.PASSWORD_RESET_RATE_PER_IP)
    return by_address or by_ip


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if reset_limited(self.request, email):
            return render(self.request, "accounts/password_reset_too_many.html", status=429)
        services.password_reset_send(email=email)
        return redirect(self.get_success_url())
