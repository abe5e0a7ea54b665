"""'Track your experience': a person finds what happened to what they shared by its reference.

The page shows the trail de-identified (concerns.trail): never anyone's own words, not even
the person's. Looking a reference up is rate-limited per network address; a reference that is
unknown, mistyped or not a reference at all gets the same page, status and message, after the
same single indexed query. The pages are never kept by a browser or a proxy, nor indexed.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage

from . import person_references, trail


def _private(response):
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request) -> bool:
    """Counts this lookup; True when the address has used up its allowance."""
    usage = get_usage(request, group="public-track", key="ip", rate=settings.PUBLIC_TRACK_RATE, increment=True)
    return usage is not None and usage["should_limit"]


def _not_found(request, typed: str):
    context = {"typed": typed[:40], "not_found": True}
    return _private(render(request, "concerns/public/track.html", context, status=404))


def _lookup(request, typed: str):
    """The concern, or a response to give instead (too many lookups, or not found)."""
    if _too_many(request):
        return None, _private(render(request, "concerns/public/track_too_many.html", status=429))
    concern = person_references.concern_by_reference(typed)
    if concern is None:
        return None, _not_found(request, typed)
    return concern, None


@require_safe
def lookup(request):
    typed = request.GET.get("reference", "")
    if not typed.strip():
        return _private(render(request, "concerns/public/track.html", {"typed": ""}))
    concern, refused = _lookup(request, typed)
    if refused is not None:
        return refused
    return redirect("public-track-reference", person_references.normalise(typed))


@require_safe
def trail_page(request, reference: str):
    concern, refused = _lookup(request, reference)
    if refused is not None:
        return refused
    context = {"reference": person_references.normalise(reference), "concern": concern, "steps": trail.steps(concern)}
    return _private(render(request, "concerns/public/track_trail.html", context))
