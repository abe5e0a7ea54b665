"""What the room's views share: running a posted form through a service, and the plain form page."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import render

from quality_system.forms import apply_service_errors


def submit_form(request, form: BaseForm, run: Callable[[dict], object]):
    """What the service returned for a valid POSTed form, or None (the errors are on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def form_page(request, locality, form: BaseForm, title: str) -> HttpResponse:
    return render(
        request,
        "reports/form.html",
        {"locality": locality, "form": form, "title": title},
        status=400 if form.errors else 200,
    )
