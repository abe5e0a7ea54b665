"""Sign-in helpers for django-axes."""


def axes_username(request, credentials) -> str:
    """Count failed sign-ins per account whatever the case the address was typed in,
    so `Alice@…` and `alice@…` share one limit."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    elif request is not None and request.method == "POST":
        value = request.POST.get("username", "")
    return value.strip().lower()
