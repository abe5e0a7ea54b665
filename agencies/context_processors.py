"""Service navigation for every page, built from the user's seats and unread messages (cached:
agencies.person_cache)."""

from __future__ import annotations

from django.urls import reverse

from quality_system.navigation import AREA_ITEMS

from . import access, person_cache
from .models import ROLE_RANK, Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    slug = match.kwargs.get("slug") if match else None
    seats = access.seats(user)
    if slug is None and seats:
        slug = seats[0].locality_slug
    items = [{"label": "Home", "href": reverse("home"), "current": view_name == "home"}]
    if slug:
        is_admin = user.is_superuser or any(
            s.locality_slug == slug and s.rank >= ROLE_RANK[Role.ADMINISTRATOR] for s in seats
        )
        for label, url_name, prefixes, admin_only in AREA_ITEMS:
            if admin_only and not is_admin:
                continue
            items.append(
                {
                    "label": label,
                    "href": reverse(url_name, args=[slug]),
                    "current": any(view_name.startswith(p) for p in prefixes),
                }
            )
    unread = person_cache.person(user).unread
    return {"nav_items": items, "nav_area_slug": slug, "unread_messages": unread}
