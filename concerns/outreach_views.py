"""Event codes for stalls and events: Healthwatch officers issue and withdraw them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.http import area_view, posted
from quality_system.forms import apply_service_errors

from . import access, outreach
from .outreach_forms import EventCodeForm
from .outreach_models import EventCode

LISTED_DAYS = 30  # the page lists codes for days from this many days ago onwards


def _officer_body(request, locality):
    bodies = access.collecting_officer_bodies(request.user, locality)
    if not bodies:
        raise PermissionDenied("Only officers of the local Healthwatch can issue event codes.")
    return bodies[0]


@area_view
@require_http_methods(["GET", "POST"])
def event_codes(request, locality):
    body = _officer_body(request, locality)
    form = EventCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            code = outreach.event_code_issue(locality=locality, body=body, issued_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Event code {code.shown} issued for {code.valid_on:%-d %B %Y}.")
            return redirect("concerns:event-codes", locality.slug)
    today = timezone.localdate()
    codes = (
        EventCode.objects.filter(locality=locality, valid_on__gte=today - datetime.timedelta(days=LISTED_DAYS))
        .select_related("issued_by", "withdrawn_by")
        .annotate(used=Count("concerns"))
    )
    context = {
        "locality": locality,
        "form": form,
        "codes": codes,
        "today": today,
        "ceiling": settings.PUBLIC_FORM_EVENT_CODE_CEILING,
        "listed_days": LISTED_DAYS,
        "share_url": request.build_absolute_uri(reverse("share", args=[locality.slug])),
    }
    return render(request, "concerns/event_codes.html", context, status=400 if form.errors else 200)


@area_view
@require_POST
def event_code_withdraw(request, locality, pk: int):
    _officer_body(request, locality)
    code = get_object_or_404(EventCode, pk=pk, locality=locality)
    outreach.event_code_withdraw(code=code, user=request.user)
    messages.success(request, f"Event code {code.shown} withdrawn. It no longer works.")
    return redirect("concerns:event-codes", locality.slug)
