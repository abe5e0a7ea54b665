"""One answer-by-link flow for bodies without an account (alerts, recommendations, evidence
requests): find the record, check the link, and show why it cannot be used when it cannot.

Opening a link (GET) only checks it. The service that records the answer takes the checked link
and consumes it inside its own transaction (agencies.links.link_consume), so the link is used up
only if the answer is recorded; a link used meanwhile by another request raises LinkProblem,
which this flow shows as the "cannot be used" page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .links import LinkProblem, link_check
from .models import SignedLink

PROBLEM_TEMPLATE = "link_problem.html"
GONE = ("used", "expired", "done")  # the link worked once: 410 Gone; anything else is a bad link


def problem_page(request: HttpRequest, problem: LinkProblem, status: int | None = None) -> HttpResponse:
    """The page that says why a link cannot be used."""
    status = status or (410 if problem.reason in GONE else 400)
    return render(request, PROBLEM_TEMPLATE, {"problem": problem}, status=status)


def answer_by_link(
    request: HttpRequest,
    *,
    found: bool,
    not_found: LinkProblem,
    purpose: str,
    object_id: int | None,
    token: str,
    answer: Callable[[SignedLink], HttpResponse],
) -> HttpResponse:
    """Check the link for the record (`found` says the URL names a real one), then let `answer`
    show the form or record the answer with the checked link. A LinkProblem raised on the way
    (an unknown, expired or used link, or one used while the form was open) shows the problem
    page."""
    try:
        if not found:
            raise not_found
        link = link_check(purpose=purpose, object_id=object_id, token=token)
        return answer(link)
    except LinkProblem as problem:
        return problem_page(request, problem)
