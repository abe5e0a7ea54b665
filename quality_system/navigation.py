"""Where things are: the service navigation's items and where each seat's work starts.

The names of other apps' pages live here, at the entry point's level, not in agencies (which
knows nothing of concerns or reports). agencies.context_processors builds the navigation from
these items and agencies.views sends people to their landing page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

# (label, url name, the url names that mark it current, administrators only)
AREA_ITEMS = [
    (
        "Dashboard",
        "reports:dashboard",
        (
            "reports:dashboard",
            "reports:concerns-chart",
            "reports:priorit",
            "reports:surveillance",
            "reports:board-pack",
            "reports:healthwatch-home",
            "reports:scrutiny-home",
        ),
        False,
    ),
    (
        "Concerns",
        "concerns:index",
        (
            "concerns:index",
            "concerns:create",
            "concerns:detail",
            "concerns:edit",
            "concerns:personal",
            "concerns:import",
            "concerns:theme",
            "concerns:trends",
            "concerns:access",
        ),
        False,
    ),
    ("Alerts", "concerns:alerts", ("concerns:alert",), False),
    (
        "Recommendations",
        "reports:recommendations",
        ("reports:recommendation", "reports:review", "reports:report", "reports:tracker"),
        False,
    ),
    ("Quality system", "agencies:quality-system", ("agencies:quality-system", "agencies:duty"), False),
    ("Bodies", "agencies:bodies", ("agencies:bod", "agencies:function", "agencies:holding"), False),
    ("People", "agencies:people", ("agencies:people", "agencies:person", "agencies:membership"), True),
    ("Audit trail", "agencies:audit", ("agencies:audit",), True),
]


# Where the people of a body holding a function start their work, in order of precedence when
# a body holds several. Keys are agencies.models.Function codes (a test checks they match).
LANDING_FOR_FUNCTION = {
    "hwb": "reports:dashboard",
    "local_healthwatch": "reports:healthwatch-home",
    "health_scrutiny": "reports:scrutiny-home",
    "joint_health_scrutiny": "reports:scrutiny-home",
}

# What each landing page's button says on the home page.
LANDING_LABELS = {
    "reports:dashboard": "Review the priority dashboard",
    "reports:healthwatch-home": "Healthwatch work: experiences, alerts and requests",
    "reports:scrutiny-home": "Scrutiny work: due dates, referrals and recommendations",
}


def landing_for(functions: Iterable[str]) -> str | None:
    """The landing page's URL name for a body holding these functions, if any has one."""
    held = set(functions)
    return next((name for code, name in LANDING_FOR_FUNCTION.items() if code in held), None)


def landing_url(locality_slug: str, body_id: int, functions: Iterable[str]) -> str:
    """Where a seat's work starts; a body without a landing page starts at the recommendations
    addressed to it."""
    landing = landing_for(functions)
    if landing:
        return reverse(landing, args=[locality_slug])
    return f"{reverse('reports:recommendations', args=[locality_slug])}?body={body_id}"


def work_url(body_id: int) -> str:
    """A body's own work page: what it owes in every area it serves (reports.bodies)."""
    return reverse("bodies:work", args=[body_id])
