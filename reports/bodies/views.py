"""A body's own work page: what it owes in every area it serves, its answers, figures and history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies import access as agency_access
from agencies.models import Body, Role

from .. import access
from . import counts, history, selectors


def _readable_body(user, pk: int) -> Body:
    """The body, for people with a seat at it (read-only included) and superusers; anyone else
    gets 404, area administrators of an area it serves included: its work is its own."""
    if not (user.is_superuser or agency_access.has_seat_at(user, pk, Role.READ_ONLY)):
        raise Http404("No such body")
    return get_object_or_404(Body, pk=pk)


@login_required
@require_safe
def work(request, pk: int):
    body = _readable_body(request.user, pk)
    today = timezone.localdate()
    taken = counts.snapshot(body.pk)
    owed = selectors.open_items(body, today)
    total, areas = selectors.figures(body, today)
    counts.remember(taken, total.open)  # the navigation on this very page asks no query
    return render(
        request,
        "reports/body_work.html",
        {
            "body": body,
            "today": today,
            "owed": owed,
            "more_owed": total.open - len(owed),
            "answered": selectors.answered_items(body, today),
            "total": total,
            "areas": areas,
            "changes": history.recent_changes(body.pk),
            "can_answer": access.can_answer_for(request.user, body.pk),
        },
    )
