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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage

from agencies.http import posted
from agencies.models import Locality
from agencies.selectors import can_share_in
from quality_system.approx_dates import Precision
from quality_system.forms import apply_service_errors

from . import access, person_references, selectors, services, summaries
from .models import Channel, Status
from .public_forms import PublicShareForm

logger = logging.getLogger(__name__)

SESSION_KEY = "shared-references"  # {area slug: the reference of the experience just shared there}


WRONG_CODES_RATE = "10/h"  # wrong event codes from one network address, so codes cannot be guessed


def _rate(locality: Locality) -> str:
    hourly = locality.public_form_hourly_limit
    return f"{hourly}/h" if hourly else settings.PUBLIC_FORM_RATE


def _limited(request, locality: Locality, *, count: bool) -> bool:
    """Per-IP limit on experiences stored. Only a stored one counts, so fixing a mistake in
    the form never uses up the allowance; showing the form is never limited. Experiences sent
    with a working event code neither count nor are limited here (the code has its own ceiling)."""
    usage = get_usage(request, group="public-share", key="ip", rate=_rate(locality), method="POST", increment=count)
    return usage is not None and usage["count"] >= usage["limit"]


def _wrong_codes(request, *, count: bool) -> bool:
    usage = get_usage(
        request, group="public-share-code", key="ip", rate=WRONG_CODES_RATE, method="POST", increment=count
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _session_key(locality: Locality) -> str:
    return f"share-event-code-{locality.pk}"


def _form(request, locality: Locality) -> PublicShareForm:
    """The form, with the event code from a stall's link (?code=) or the last experience sent
    from this browser under a code, so the next visitor at the stall need not type it."""
    code = request.GET.get("code", "")[:20] or request.session.get(_session_key(locality), "")
    form = PublicShareForm(
        posted(request),
        locality=locality,
        codes_blocked=request.method == "POST" and _wrong_codes(request, count=False),
        initial={"event_code": code},
    )
    if request.method == "POST" and not form.is_valid() and "event_code" in form.errors and not form.codes_blocked:
        _wrong_codes(request, count=True)
    return form


def _details(data: dict) -> services.ConcernDetails:
    happened_on, precision = data["experienced_on"] or (None, Precision.DAY)
    return services.ConcernDetails(
        received_on=timezone.localdate(),
        happened_on=happened_on,
        happened_on_precision=precision,
        channel=Channel.OUTREACH if data["event_code"] else Channel.WEB_FORM,
        service_type=data["service_type"],
        sentiment=data["sentiment"],
        narrative=data["narrative"],
        service_described=data["service_described"],
        status=Status.NEW,
    )


@require_http_methods(["GET", "POST"])
def share(request, slug: str):
    locality = get_object_or_404(Locality, slug=slug)
    collector = access.public_collector(locality)
    if collector is None:
        context = {"locality": locality, "can_share": False}
        return render(request, "concerns/public/unavailable.html", context, status=503)
    form = _form(request, locality)
    valid = request.method == "POST" and form.is_valid()
    code = form.cleaned_data["event_code"] if valid else None
    if valid and code is None and _limited(request, locality, count=False):
        context = {"locality": locality, "collector": collector, "narrative": form.cleaned_data["narrative"]}
        context["can_share"] = True
        return render(request, "concerns/public/too_many.html", context, status=429)
    if valid and form.is_spam():
        _limited(request, locality, count=True)
        logger.info("Public form honeypot filled in for %s; not stored", locality.slug)
        _remember(request, locality, "")
        return redirect("share-thanks", locality.slug)
    if valid:
        try:
            receiver = access.public_collector(locality, form.cleaned_data["service_type"]) or collector
            concern = _store(locality, receiver, form.cleaned_data, code)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if code is None:
                _limited(request, locality, count=True)
            else:
                request.session[_session_key(locality)] = code.shown
            _remember(request, locality, person_references.reference_for(concern))
            return redirect("share-thanks", locality.slug)
    return render(
        request,
        "concerns/public/share.html",
        {"locality": locality, "form": form, "collector": collector, "can_share": True},
        status=400 if form.errors else 200,
    )


def _remember(request, locality: Locality, reference: str) -> None:
    """The reference to show on the area's thank-you page after the redirect: kept in the
    session, never in the URL ("" forgets the last one)."""
    references = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != locality.slug}
    if reference:
        references[locality.slug] = reference
    request.session[SESSION_KEY] = references


def _store(locality: Locality, collector, data: dict, code):
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
        details=_details(data),
        from_public=True,
        contact=contact,
        wants_updates=data["wants_updates"],
        event_code=code,
        send_confirmation=True,
    )


@never_cache  # it shows the person's reference: not kept by a shared computer's browser
@require_safe
def thanks(request, slug: str):
    locality = get_object_or_404(Locality, slug=slug)
    collector = access.public_collector(locality)
    context = {
        "locality": locality,
        "collector": collector,
        "can_share": collector is not None,
        "reference": request.session.get(SESSION_KEY, {}).get(locality.slug, ""),
    }
    response = render(request, "concerns/public/thanks.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


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
