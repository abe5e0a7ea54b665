"""The public "Share your experience" form (no account, rate-limited, with a honeypot) and
"What people told us", the area's reviewed experiences by theme and month.

What people send lands as a new concern "from the public" for the local Healthwatch to review
before it counts in any figure, the public ones included.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage

from agencies.http import posted
from agencies.models import Locality
from agencies.selectors import can_share_in
from quality_system.forms import apply_service_errors

from . import access, selectors, services, summaries
from .forms import PublicShareForm
from .models import Channel, Status

logger = logging.getLogger(__name__)


def _limited(request, *, count: bool) -> bool:
    """Per-IP limit on experiences stored. Only a stored one counts, so fixing a mistake in
    the form never uses up the allowance; showing the form is never limited."""
    usage = get_usage(
        request, group="public-share", key="ip", rate=settings.PUBLIC_FORM_RATE, method="POST", increment=count
    )
    return usage is not None and usage["count"] >= usage["limit"]


@require_http_methods(["GET", "POST"])
def share(request, slug: str):
    locality = get_object_or_404(Locality, slug=slug)
    collector = access.public_collector(locality)
    if collector is None:
        context = {"locality": locality, "can_share": False}
        return render(request, "concerns/public/unavailable.html", context, status=503)
    form = PublicShareForm(posted(request))
    if request.method == "POST" and form.is_valid() and _limited(request, count=False):
        context = {"locality": locality, "collector": collector, "narrative": form.cleaned_data["narrative"]}
        context["can_share"] = True
        return render(request, "concerns/public/too_many.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            _limited(request, count=True)
            logger.info("Public form honeypot filled in for %s; not stored", locality.slug)
            return redirect("share-thanks", locality.slug)
        data = form.cleaned_data
        details = services.ConcernDetails(
            received_on=timezone.localdate(),
            happened_on=data["experienced_on"],
            channel=Channel.WEB_FORM,
            service_type=data["service_type"],
            sentiment=data["sentiment"],
            narrative=data["narrative"],
            service_described=data["service_described"],
            status=Status.NEW,
        )
        contact = {
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "consent_to_contact": data["wants_contact"],
            "consent_to_share": data["consent_to_share"],
        }
        try:
            services.concern_log(
                locality=locality,
                collecting_body=collector,
                details=details,
                from_public=True,
                contact=contact,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _limited(request, count=True)
            return redirect("share-thanks", locality.slug)
    return render(
        request,
        "concerns/public/share.html",
        {"locality": locality, "form": form, "collector": collector, "can_share": True},
        status=400 if form.errors else 200,
    )


@require_safe
def thanks(request, slug: str):
    locality = get_object_or_404(Locality, slug=slug)
    collector = access.public_collector(locality)
    context = {"locality": locality, "collector": collector, "can_share": collector is not None}
    return render(request, "concerns/public/thanks.html", context)


@require_safe
def told_us(request, slug: str):
    """Reviewed experiences in the whole area by theme and month, small numbers protected;
    never by service or provider (they are named in published reports, with a right of reply)."""
    locality = get_object_or_404(Locality, slug=slug)
    context = {
        "locality": locality,
        "can_share": can_share_in(locality),
        "counted": summaries.ensure_current(locality.pk),
        "figures": selectors.public_figures(locality, timezone.localdate()),
    }
    return render(request, "concerns/public/told_us.html", context)
