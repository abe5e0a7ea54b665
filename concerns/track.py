"""'Track your experience': a person finds what happened to what they shared by its reference.

The page shows the trail de-identified: never anyone's own words, not even the person's."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from . import person_references


@require_safe
def lookup(request):
    typed = request.GET.get("reference", "")
    if typed:
        canonical = person_references.normalise(typed)
        if canonical:
            return redirect("public-track-reference", canonical)
    return render(request, "concerns/public/track.html", {"typed": typed, "not_found": bool(typed)})


@require_safe
def trail(request, reference: str):
    concern = person_references.concern_by_reference(reference)
    if concern is None:
        return render(request, "concerns/public/track.html", {"typed": reference, "not_found": True}, status=404)
    return render(request, "concerns/public/track_trail.html", {"reference": reference, "concern": concern})
