"""Pages that act on experiences selected in the list (concerns.selection): raise an alert about
them and set a theme on them here; reports adds its own (a review, a board priority) with
`selection_step`. Every page takes the selection as posted from the list, with the list's
filters in the address, and refuses a selection it cannot act on by showing the list again with
the message and the ticks kept."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agencies.http import area_view
from quality_system.forms import apply_service_errors

from . import access, selection, services
from .alert_forms import AlertForm
from .alert_views import alert_page, alertable, can_raise, raising_body, suggested
from .models import Concern, Theme
from .selection_forms import SelectionForm, ThemeChoiceForm
from .views import list_page, matching


def refused(request, locality, refusal: selection.Refused):
    """The list again, with the reason and the ticks kept: nothing is lost."""
    return list_page(request, locality, problem=refusal.message, status=400)


def picked(request, locality, *, scope: QuerySet[Concern], reason: str) -> list[Concern]:
    """The selection posted from the list, within `scope` (selection.Refused otherwise)."""
    return selection.chosen(
        request, locality=locality, scope=scope, reason=reason, matching=lambda: matching(request, locality)
    )


@area_view
@require_POST
def alert(request, locality):
    """Raise an alert about the selected experiences: the alert form, with them attached."""
    body = raising_body(request.user, locality)
    visible = alertable(request.user, locality)
    try:
        chosen = picked(
            request, locality, scope=visible, reason="only reviewed experiences can be shared with other bodies"
        )
    except selection.Refused as refusal:
        return refused(request, locality, refusal)
    form = AlertForm(
        initial=suggested(request.user, chosen),
        locality=locality,
        raised_by_body=body,
        visible_concerns=visible,
        attached=[c.pk for c in chosen],
    )
    return alert_page(request, locality, body, form)


def selection_step(
    request,
    locality,
    *,
    scope: QuerySet[Concern],
    reason: str,
    make_form: Callable[..., SelectionForm],
    act: Callable[[list[Concern], SelectionForm], str],
    title: str,
):
    """An action on a selection in two steps. The list posts the selection: the form shows it
    (ticked) with the choice the action needs. That form posts back (`step`): `act(concerns,
    form)` does the work and returns the message shown on the list."""
    scope = scope.filter(locality=locality)
    if not request.POST.get("step"):
        try:
            chosen = picked(request, locality, scope=scope, reason=reason)
        except selection.Refused as refusal:
            return refused(request, locality, refusal)
        form = make_form(None, scope=scope, attached=[c.pk for c in chosen])
    else:
        form = make_form(request.POST, scope=scope)
        if form.is_valid():
            try:
                done = act(list(form.cleaned_data["concerns"]), form)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, done)
                back = reverse("concerns:index", args=[locality.slug])
                return redirect(f"{back}?{request.GET.urlencode()}" if request.GET else back)
    return render(
        request,
        "concerns/selection.html",
        {"locality": locality, "form": form, "title": title, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


def add_reviewed_to(request, locality, *, form_class: type[SelectionForm], choices: QuerySet, add, noun: str):
    """Add the selected reviewed experiences to a record chosen from `choices` (a review, a
    priority: reports' records): `add(record, concerns)` links them, returning how many are new."""

    def act(concerns, form) -> str:
        record = form.cleaned_data["choice"]
        added = add(record, concerns)
        already = f" ({len(concerns) - added} were in it already)" if added < len(concerns) else ""
        return f"{added} experience{'s' if added != 1 else ''} added to the {noun} ‘{record}’{already}."

    return selection_step(
        request,
        locality,
        scope=Concern.all_objects.for_user(request.user).counted(),
        reason=f"only reviewed experiences can be added to a {noun}",
        make_form=lambda data, **kw: form_class(data, choices=choices, **kw),
        act=act,
        title=f"Add the selected experiences to a {noun}",
    )


@area_view
@require_POST
def theme(request, locality):
    """Add a theme to the selected experiences (those the user's body collected)."""
    bodies = access.require_collector(request.user, locality)
    own = Concern.all_objects.for_user(request.user).filter(collecting_body__in=bodies)

    def act(concerns, form):
        added_to = services.concerns_theme_add(concerns=concerns, theme=form.cleaned_data["choice"], user=request.user)
        name = form.cleaned_data["choice"].name
        return f"Theme ‘{name}’ added to {added_to} experience{'s' if added_to != 1 else ''}" + (
            f" ({len(concerns) - added_to} had it already)." if added_to < len(concerns) else "."
        )

    return selection_step(
        request,
        locality,
        scope=own,
        reason="you can set themes only on experiences your body collected",
        make_form=lambda data, **kw: ThemeChoiceForm(
            data, choices=Theme.all_objects.filter(locality=locality, is_active=True).order_by("name"), **kw
        ),
        act=act,
        title="Add a theme to the selected experiences",
    )


def register_actions() -> None:
    """This app's buttons under the list (called from concerns.apps)."""
    selection.register(
        selection.Action("alert", "Raise an alert about them", "concerns:selection-alert", can_raise, order=10)
    )
    selection.register(
        selection.Action(
            "theme",
            "Add a theme",
            "concerns:selection-theme",
            lambda user, area: bool(access.collecting_bodies(user, area)),
            order=20,
        )
    )
