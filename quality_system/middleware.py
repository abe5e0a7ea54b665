"""Cross-cutting response headers."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """Every page and file served to a signed-in person may hold personal data (a concern's
    details, an export, a board pack): no browser or proxy may keep a copy (Cache-Control:
    no-store), so a shared computer's back button or disk cache shows nothing to the next
    person. The answer-by-link pages, which need no account, are marked in quality_system.urls.
    Public pages stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
