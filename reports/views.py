from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import require_administrator
from agencies.http import area_view, posted
from agencies.models import ClosureDay
from quality_system.forms import GovDateField, GovForm, apply_service_errors

from .recommendations import services


class ClosureDayForm(GovForm):
    submit_label = "Add closure day"
    date = GovDateField(label="Date", help_text="For example, 24 12 2026")
    reason = forms.CharField(label="Reason", max_length=200, help_text="For example, council offices closed.")


@area_view
@require_http_methods(["GET", "POST"])
def closure_days(request, locality):
    """Extra non-working days for this area; adding or removing one moves open deadlines."""
    require_administrator(request.user, locality)
    form = ClosureDayForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            day, moved = services.closure_day_add(locality=locality, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"{day.date:%-d %B %Y} added. {moved} open deadline{'s' if moved != 1 else ''} moved."
            )
            return redirect("reports:closure-days", locality.slug)
    days = ClosureDay.objects.filter(locality=locality).order_by("-date")
    return render(
        request,
        "reports/closure_days.html",
        {"locality": locality, "form": form, "days": days},
        status=400 if form.errors else 200,
    )


@area_view
@require_POST
def closure_day_remove(request, locality, pk: int):
    require_administrator(request.user, locality)
    day = get_object_or_404(ClosureDay, pk=pk, locality=locality)
    moved = services.closure_day_remove(day=day)
    messages.success(request, f"{day.date:%-d %B %Y} removed. {moved} open deadline{'s' if moved != 1 else ''} moved.")
    return redirect("reports:closure-days", locality.slug)
