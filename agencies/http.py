"""Small helpers every app's views share: the area a URL names, and a form's posted data."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required

from . import access


def posted(request):
    """Form data when the request is a POST (even an empty one), else None (unbound form)."""
    return request.POST if request.method == "POST" else None


def area_view(view):
    """Resolve `slug` to a locality the signed-in user reaches (404 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        locality = access.locality_for(request.user, slug)
        return view(request, locality, *args, **kwargs)

    return wrapper
