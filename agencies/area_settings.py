"""An area's settings page, for its administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quality_system.forms import apply_service_errors

from . import access, services
from .forms import AreaSettingsForm
from .http import area_view, posted
from .models import Locality


@area_view
@require_http_methods(["GET", "POST"])
def area_settings(request, locality: Locality):
    access.require_administrator(request.user, locality)
    form = AreaSettingsForm(posted(request), initial={"public_form_hourly_limit": locality.public_form_hourly_limit})
    if request.method == "POST" and form.is_valid():
        try:
            services.area_settings_save(locality=locality, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Settings for {locality.name} saved.")
            return redirect("agencies:quality-system", locality.slug)
    status = 400 if form.errors else 200
    return render(request, "agencies/area_settings.html", {"locality": locality, "form": form}, status=status)
