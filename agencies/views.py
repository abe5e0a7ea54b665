"""Pages for signing in, the home page, and setting up an area's quality system.

Every area page resolves the area through agencies.access (404 outside the user's reach)
and checks write permission there (403 when the role is too low).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quality_system import navigation
from quality_system.forms import apply_service_errors

from . import access, parts, selectors, services
from .audit import audit_trail
from .audit import sources as audit_sources
from .forms import (
    AuditFilterForm,
    BodyForm,
    FunctionAssignForm,
    GovSetPasswordForm,
    HoldingEndForm,
    MembershipRoleForm,
    NotificationSettingsForm,
    PersonAddForm,
    SignInForm,
)
from .http import area_view, posted
from .models import Body, BodyKind, FunctionHolding, Locality, Membership, Role


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.html", {"areas": selectors.public_areas()})
    seats = access.seats(request.user)
    localities = {loc.pk: loc for loc in Locality.objects.for_user(request.user).order_by("name")}
    held = access.my_seat_functions(request.user)
    work: dict[int, dict] = {}  # one card per body, however many areas it serves
    for seat in seats:
        locality = localities.get(seat.locality_id)
        if locality is None:
            continue
        card = work.setdefault(
            seat.body_id, {"seat": seat, "areas": [], "landings": [], "work_url": navigation.work_url(seat.body_id)}
        )
        card["areas"].append(locality.name)
        functions = held.get((seat.body_id, seat.locality_id), ())
        landing = navigation.landing_for(functions)
        if landing:
            card["landings"].append(
                {
                    "locality": locality,
                    "url": navigation.landing_url(seat.locality_slug, seat.body_id, functions),
                    "label": navigation.LANDING_LABELS[landing],
                }
            )
    return render(
        request,
        "home.html",
        {"work": list(work.values()), "localities": list(localities.values()), "no_seats": not seats},
    )


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """People with one seat go straight to their work (a board member to the priority
        dashboard); people of one body that has no such page (an ICB, a trust, a care home),
        in however many areas it serves, to what it owes; the rest (administrators included)
        start at the home page, which lists their bodies."""
        seats = access.seats(self.request.user)
        if len({seat.body_id for seat in seats}) == 1:
            held = access.my_seat_functions(self.request.user)
            landings = [
                seat for seat in seats if navigation.landing_for(held.get((seat.body_id, seat.locality_id), ()))
            ]
            if len(seats) == 1 and landings:
                functions = held[(seats[0].body_id, seats[0].locality_id)]
                return navigation.landing_url(seats[0].locality_slug, seats[0].body_id, functions)
            # An ICB, a trust, a care home: straight to what it owes, in every area. Its
            # administrators start at home, where setting up the area begins.
            administrator = any(seat.role == Role.ADMINISTRATOR for seat in seats)
            if not landings and not administrator:
                return navigation.work_url(seats[0].body_id)
        return super().get_default_redirect_url()


def signed_out(request):
    return render(request, "accounts/signed_out.html")


@area_view
@require_safe
def quality_system(request, locality: Locality):
    today = timezone.localdate()
    rows = selectors.quality_system_overview(locality, today)
    return render(
        request,
        "agencies/quality_system.html",
        {
            "locality": locality,
            "rows": rows,
            "summary": selectors.assessment_summary(rows),
            "can_administer": access.can_administer(request.user, locality),
            "today": today,
        },
    )


@area_view
@require_safe
def body_list(request, locality: Locality):
    kind = request.GET.get("kind") or None
    if kind not in BodyKind.values:
        kind = None
    return render(
        request,
        "agencies/body_list.html",
        {
            "locality": locality,
            "bodies": selectors.bodies_in(locality, kind),
            "kinds": BodyKind.choices,
            "kind": kind,
            "can_administer": access.can_administer(request.user, locality),
        },
    )


@area_view
@require_safe
def body_detail(request, locality: Locality, pk: int):
    body = get_object_or_404(Body.objects.serving(locality).for_user(request.user), pk=pk)
    can_administer = access.can_administer(request.user, locality)
    return render(
        request,
        "agencies/body_detail.html",
        {
            "locality": locality,
            "body": body,
            "holdings": body.holdings.filter(locality=locality).select_related("function").order_by("-starts_on"),
            "footprint": body.footprint.select_related("locality").order_by("locality__name", "-starts_on"),
            "can_administer": can_administer,
            # A body serving several areas is changed only by its own administrators (access).
            "change_refusal": access.body_change_refusal(request.user, body) if can_administer else None,
            "shared": len(access.areas_served(body)) > 1,
        },
    )


def _form_page(request, template: str, context: dict, form) -> object:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@area_view
@require_http_methods(["GET", "POST"])
def body_create(request, locality: Locality):
    access.require_administrator(request.user, locality)
    form = BodyForm(posted(request))
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(locality=locality, **form.cleaned_data)
        except ValidationError as error:
            # The body that already has this ODS code or CQC ID: offer to ask for it instead.
            existing = services.body_with_code(
                ods_code=form.cleaned_data["ods_code"], cqc_id=form.cleaned_data["cqc_id"]
            )
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{body.name} added.")
            return redirect("agencies:body-detail", locality.slug, body.pk)
    context = {"locality": locality, "title": "Add a body", "existing": existing}
    if existing is not None:
        context["existing_serves_here"] = access.serves(locality, existing)
    return _form_page(request, "agencies/body_form.html", context, form)


@area_view
@require_http_methods(["GET", "POST"])
def body_edit(request, locality: Locality, pk: int):
    body = get_object_or_404(Body.objects.serving(locality).for_user(request.user), pk=pk)
    access.require_administrator(request.user, locality)
    refusal = access.body_change_refusal(request.user, body)
    if refusal:
        raise PermissionDenied(refusal)
    form = BodyForm(posted(request), instance=body)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_update(body=body, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{body.name} updated.")
            return redirect("agencies:body-detail", locality.slug, body.pk)
    context = {"locality": locality, "title": f"Change {body.name}", "body": body}
    return _form_page(request, "agencies/body_form.html", context, form)


@area_view
@require_safe
def function_list(request, locality: Locality):
    return render(
        request,
        "agencies/function_list.html",
        {
            "locality": locality,
            "holdings": selectors.holdings_in(locality),
            "part_rows": parts.part_rows(locality, timezone.localdate()),
            "today": timezone.localdate(),
            "can_administer": access.can_administer(request.user, locality),
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def function_assign(request, locality: Locality):
    access.require_administrator(request.user, locality)
    form = FunctionAssignForm(posted(request), locality=locality)
    if request.method == "POST" and form.is_valid():
        try:
            holding = services.function_assign(locality=locality, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{holding.body.name} holds {holding.what} from {holding.starts_on:%-d %B %Y}.",
            )
            return redirect("agencies:functions", locality.slug)
    return _form_page(request, "agencies/function_assign.html", {"locality": locality}, form)


@area_view
@require_http_methods(["GET", "POST"])
def holding_end(request, locality: Locality, pk: int):
    holding = get_object_or_404(
        FunctionHolding.objects.for_user(request.user).select_related("function", "body"),
        pk=pk,
        locality=locality,
    )
    access.require_administrator(request.user, locality)
    form = HoldingEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.holding_end(holding=holding, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{holding.body.name} holds {holding.function.name} until {holding.ends_on:%-d %B %Y}.",
            )
            return redirect("agencies:functions", locality.slug)
    return _form_page(request, "agencies/holding_end.html", {"locality": locality, "holding": holding}, form)


@area_view
@require_safe
def people(request, locality: Locality):
    access.require_administrator(request.user, locality)
    return render(
        request,
        "agencies/people.html",
        {"locality": locality, "memberships": selectors.people_in(locality)},
    )


@area_view
@require_http_methods(["GET", "POST"])
def person_add(request, locality: Locality):
    access.require_administrator(request.user, locality)
    form = PersonAddForm(posted(request), locality=locality)
    if request.method == "POST" and form.is_valid():
        body, role = form.cleaned_data["body"], form.cleaned_data["role"]
        first_administrator = access.appoints_first_administrator(request.user, body, role)
        refusal = access.seat_grant_refusal(request.user, body, role)
        if refusal:
            form.add_error("role", refusal)
            return _form_page(request, "agencies/person_add.html", {"locality": locality}, form)
        try:
            membership = services.person_add(
                locality=locality,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if first_administrator:
                services.first_administrator_announce(membership=membership, appointed_by=request.user)
            if getattr(membership, "existing_account", False):
                messages.success(
                    request,
                    f"{membership.user.full_name} already had an account, so they were added to "
                    f"{membership.body.name} with their existing name and no new email.",
                )
            else:
                messages.success(
                    request,
                    f"{membership.user.full_name} added to {membership.body.name}. "
                    "We are sending them an email with a link to set their password.",
                )
            return redirect("agencies:people", locality.slug)
    return _form_page(request, "agencies/person_add.html", {"locality": locality}, form)


def _membership(request, locality: Locality, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.for_user(request.user).select_related("user", "body"),
        pk=pk,
        body__in=Body.objects.serving(locality),
    )


@area_view
@require_http_methods(["GET", "POST"])
def membership_edit(request, locality: Locality, pk: int):
    membership = _membership(request, locality, pk)
    access.require_administrator(request.user, locality)
    form = MembershipRoleForm(posted(request), initial={"role": membership.role})
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = access.seat_change_refusal(request.user, membership, form.cleaned_data["role"])
        if refusal:
            form.add_error("role", refusal)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            services.membership_change_role(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.full_name}'s role at {membership.body.name} is now "
                f"{membership.get_role_display().lower()}.",
            )
            return redirect("agencies:people", locality.slug)
    context = {"locality": locality, "membership": membership}
    return _form_page(request, "agencies/membership_edit.html", context, form)


@area_view
@require_http_methods(["GET", "POST"])
def membership_remove(request, locality: Locality, pk: int):
    membership = _membership(request, locality, pk)
    access.require_administrator(request.user, locality)
    error = None
    if request.method == "POST":
        error = access.seat_removal_refusal(request.user, membership)
    if request.method == "POST" and not error:
        try:
            services.membership_remove(membership=membership)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{membership.user.full_name} removed from {membership.body.name}.")
            return redirect("agencies:people", locality.slug)
    return render(
        request,
        "agencies/membership_remove.html",
        {"locality": locality, "membership": membership, "error": error},
        status=400 if error else 200,
    )


@area_view
@require_safe
def audit(request, locality: Locality):
    access.require_administrator(request.user, locality)
    filters = AuditFilterForm(request.GET or None, locality=locality, sources=audit_sources())
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = audit_trail(
        locality,
        keys=[chosen["record"]] if chosen.get("record") else None,
        person_id=chosen["person"].pk if chosen.get("person") else None,
        before=chosen.get("before"),
    )
    older = None
    if page.older_than is not None:
        query = request.GET.copy()
        query["before"] = page.older_than.isoformat()
        older = f"?{query.urlencode()}"
    return render(
        request,
        "agencies/audit.html",
        {"locality": locality, "entries": page.entries, "filters": filters, "older": older},
        status=400 if filters.errors else 200,
    )


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Setting a password through an emailed link also lifts a sign-in lockout, and makes this
    address known to the lockout rule: the person has just proved they control the account's
    email address."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = GovSetPasswordForm

    def form_valid(self, form):
        from axes.utils import reset

        from .auth import remember_address

        response = super().form_valid(form)
        reset(username=form.user.email.lower())
        remember_address(self.request, form.user.email.lower())
        return response


@login_required
@require_safe
def inbox(request):
    from .notifications import inbox_for

    items = list(inbox_for(request.user)[:100])
    return render(request, "agencies/inbox.html", {"items": items, "unread": sum(1 for i in items if not i.read_at)})


@login_required
@require_POST
def inbox_mark_read(request):
    from .notifications import inbox_mark_read as mark_read

    mark_read(request.user)
    messages.success(request, "All messages marked as read.")
    return redirect("inbox")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    board_member = access.sits_on_a_board(request.user)
    form = NotificationSettingsForm(
        posted(request),
        board_member=board_member,
        initial={"notification_mode": request.user.notification_mode, "weekly_digest": request.user.weekly_digest},
    )
    if request.method == "POST" and form.is_valid():
        request.user.notification_mode = form.cleaned_data["notification_mode"]
        request.user.weekly_digest = board_member and form.cleaned_data.get("weekly_digest", False)
        request.user.save(update_fields=["notification_mode", "weekly_digest"])
        messages.success(request, "Your message settings are saved.")
        return redirect("inbox")
    return render(request, "agencies/notification_settings.html", {"form": form}, status=400 if form.errors else 200)
