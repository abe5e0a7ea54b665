"""The "Due from us" item of every page's navigation: each of the user's bodies once (however
many areas it serves), with how many items it still owes. The seats are the ones the navigation
already loaded for this request, and the counts come from the cache (reports.bodies.counts), so
most pages ask the database nothing more."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from agencies import access

from . import counts


def my_bodies(user: Any) -> list[dict]:
    """The user's bodies, each once, with the areas it serves today (from the seats)."""
    bodies: dict[int, dict] = {}
    for seat in access.seats(user):
        entry = bodies.setdefault(
            seat.body_id,
            {"body_id": seat.body_id, "name": seat.body_name, "role_label": seat.role_label, "areas": []},
        )
        if seat.locality_name not in entry["areas"]:
            entry["areas"].append(seat.locality_name)
    return list(bodies.values())


def due_from_us(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    bodies = my_bodies(user)
    if not bodies:
        return {}
    open_counts = counts.open_counts([b["body_id"] for b in bodies])
    for body in bodies:
        body["open"] = open_counts.get(body["body_id"], 0)
        body["href"] = reverse("bodies:work", args=[body["body_id"]])
    match = getattr(request, "resolver_match", None)
    return {
        "due_from_us": bodies,
        "due_nav": {
            "label": "Due from us",
            "open": sum(b["open"] for b in bodies),
            # One body: its page; several: the home page lists each with its own page.
            "href": bodies[0]["href"] if len(bodies) == 1 else f"{reverse('home')}#due-from-us",
            "current": bool(match and match.view_name == "bodies:work"),
        },
    }
