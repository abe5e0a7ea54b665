"""Pages for a body's footprint: find a body that serves other areas and ask it to serve this
one, answer such a request as the body's administrator, and stop serving an area.

Every page resolves the area through agencies.access (404 outside the user's reach) and is for
administrators (403 otherwise); a request is shown only to the area that asked and to the
administrators of the body asked (404 to anyone else).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from quality_system.forms import apply_service_errors

from . import access, footprint_services, selectors
from .footprint_models import AttachRequest
from .forms import AttachAnswerForm, AttachRequestForm, BodyFindForm, FootprintEndForm
from .http import area_view, posted
from .models import Body, Locality, Role


def _form_page(request, template: str, context: dict, form) -> object:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@area_view
@require_safe
def body_find(request, locality: Locality):
    access.require_administrator(request.user, locality)
    form = BodyFindForm(request.GET if "q" in request.GET else None)
    bodies = selectors.bodies_to_add(locality, form.cleaned_data["q"]) if form.is_bound and form.is_valid() else None
    return render(request, "agencies/body_find.html", {"locality": locality, "form": form, "bodies": bodies})


@area_view
@require_http_methods(["GET", "POST"])
def attach_request(request, locality: Locality, pk: int):
    access.require_administrator(request.user, locality)
    body = get_object_or_404(Body.objects.active(), pk=pk)
    form = AttachRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            footprint_services.attach_request_send(
                body=body, locality=locality, asked_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Request sent to {body.name}. Its administrators will accept or decline it.")
            return redirect("agencies:attach-requests", locality.slug)
    context = {"locality": locality, "body": body, "areas": access.areas_served(body)}
    return _form_page(request, "agencies/attach_request.html", context, form)


@area_view
@require_safe
def attach_requests(request, locality: Locality):
    access.require_administrator(request.user, locality)
    asked, waiting = selectors.attach_requests_in(locality, request.user)
    return render(request, "agencies/attach_requests.html", {"locality": locality, "asked": asked, "waiting": waiting})


def _visible_request(request, locality: Locality, pk: int) -> AttachRequest:
    """A request this area made, or one made to a body serving the area that this user
    administers; 404 for anything else."""
    answerable = Body.objects.serving(locality)
    if not request.user.is_superuser:
        mine = [seat.body_id for seat in access.seats(request.user, locality, Role.ADMINISTRATOR)]
        answerable = answerable.filter(pk__in=mine)
    return get_object_or_404(
        AttachRequest.objects.select_related("body", "locality", "asked_by", "answered_by", "footprint"),
        Q(locality=locality) | Q(body__in=answerable),
        pk=pk,
    )


@area_view
@require_http_methods(["GET", "POST"])
def attach_request_answer(request, locality: Locality, pk: int):
    access.require_administrator(request.user, locality)
    attach = _visible_request(request, locality, pk)
    can_answer = attach.is_pending() and access.can_answer_for(request.user, attach.body)
    if request.method == "POST" and not can_answer:
        raise PermissionDenied(f"Only {attach.body.name}’s own administrators can answer this request.")
    form = AttachAnswerForm(posted(request)) if can_answer else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            footprint_services.attach_request_answer(
                attach_request=attach,
                by=request.user,
                accept=data["decision"] == "accept",
                starts_on=data["starts_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            done = "now serves" if data["decision"] == "accept" else "will not serve"
            messages.success(request, f"{attach.body.name} {done} {attach.locality.name}. We have told them.")
            return redirect("agencies:attach-requests", locality.slug)
    return render(
        request,
        "agencies/attach_request_answer.html",
        {"locality": locality, "attach": attach, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@area_view
@require_http_methods(["GET", "POST"])
def footprint_end(request, locality: Locality, pk: int):
    body = get_object_or_404(Body.objects.serving(locality).for_user(request.user), pk=pk)
    access.require_administrator(request.user, locality)
    form = FootprintEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            row = footprint_services.footprint_end(body=body, locality=locality, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{body.name} serves {locality.name} until {row.ends_on:%-d %B %Y}.")
            return redirect("agencies:bodies", locality.slug)
    return _form_page(request, "agencies/footprint_end.html", {"locality": locality, "body": body}, form)
