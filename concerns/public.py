"""The public "Share your experience" form: no account, rate-limited, with a honeypot.

What people send lands as a new concern "from the public" for the local Healthwatch to review
before it counts in any figure.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage

from agencies.http import posted
from agencies.models import Locality
from quality_system.forms import apply_service_errors

from . import access, person_references, services
from .forms import PublicShareForm
from .models import Channel, Status

logger = logging.getLogger(__name__)

SESSION_KEY = "shared-references"  # {area slug: the reference of the experience just shared there}


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
        return render(request, "concerns/public/unavailable.html", {"locality": locality}, status=503)
    form = PublicShareForm(posted(request))
    if request.method == "POST" and form.is_valid() and _limited(request, count=False):
        context = {"locality": locality, "collector": collector, "narrative": form.cleaned_data["narrative"]}
        return render(request, "concerns/public/too_many.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            _limited(request, count=True)
            logger.info("Public form honeypot filled in for %s; not stored", locality.slug)
            _remember(request, locality, "")
            return redirect("share-thanks", locality.slug)
        try:
            concern = _store(locality, collector, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _limited(request, count=True)
            _remember(request, locality, person_references.reference_for(concern))
            return redirect("share-thanks", locality.slug)
    return render(
        request,
        "concerns/public/share.html",
        {"locality": locality, "form": form, "collector": collector},
        status=400 if form.errors else 200,
    )


def _remember(request, locality: Locality, reference: str) -> None:
    """The reference to show on the area's thank-you page after the redirect: kept in the
    session, never in the URL ("" forgets the last one)."""
    references = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != locality.slug}
    if reference:
        references[locality.slug] = reference
    request.session[SESSION_KEY] = references


def _store(locality: Locality, collector, data: dict):
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
    return services.concern_log(
        locality=locality,
        collecting_body=collector,
        details=details,
        from_public=True,
        contact=contact,
        send_confirmation=True,
    )


@never_cache  # it shows the person's reference: not kept by a shared computer's browser
@require_safe
def thanks(request, slug: str):
    locality = get_object_or_404(Locality, slug=slug)
    response = render(
        request,
        "concerns/public/thanks.html",
        {
            "locality": locality,
            "collector": access.public_collector(locality),
            "reference": request.session.get(SESSION_KEY, {}).get(locality.slug, ""),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
