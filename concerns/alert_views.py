"""Pages for alerts: raise, list, follow, acknowledge and respond (in the app or by link)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import access as agency_access
from agencies import handover
from agencies.answer_links import answer_by_link, problem_page
from agencies.http import area_view, posted
from agencies.links import LinkProblem
from agencies.models import Body, Notification, Role
from agencies.receipts import emailed
from quality_system.forms import apply_service_errors

from . import access, alerts, independence, selection, selectors
from .alert_forms import AlertFilterForm, AlertForm, RespondForm
from .models import Alert, AlertRecipient, Concern, TrendSignal
from .selection import plain_ids


def raising_body(user, locality) -> Body:
    """Healthwatch officers raise alerts for their body; other bodies' officers for theirs.
    Members such as volunteers do not."""
    for body in access.collecting_officer_bodies(user, locality):
        return body
    for seat in agency_access.seats(user, locality, Role.OFFICER):
        return Body.objects.get(pk=seat.body_id)
    raise PermissionDenied("Only Healthwatch staff and other bodies' officers can raise alerts.")


def _described(user, concern) -> str:
    """The service as typed, for those who may read it; otherwise words that name no one."""
    return (
        concern.service_described
        if concern.service_described and access.can_read_narrative(user, concern)
        else "a service"
    )


def alertable(user, locality):
    """The experiences an alert may be about: the reviewed ones the user sees in the area."""
    return Concern.all_objects.for_user(user).filter(locality=locality).counted()


def suggested(user, chosen: list[Concern]) -> dict:
    """What the form starts with for these experiences: a summary naming the service (the first
    one's), safeguarding and urgency if any is safeguarding, and the provider if only one."""
    if not chosen:
        return {}
    first = chosen[0]
    safeguarding = any(c.safeguarding for c in chosen)
    services_named = {c.service for c in chosen if c.service}
    initial = {
        "safeguarding": safeguarding,
        "severity": Alert.Severity.URGENT if safeguarding else Alert.Severity.SIGNIFICANT,
        "summary": f"{'Safeguarding concern' if safeguarding else 'Concern'} about "
        f"{first.service.name if first.service else _described(user, first)}"[:200],
    }
    if len(services_named) == 1:
        initial["provider"] = next(iter(services_named)).pk
    return initial


def signal_concerns(visible, signal: TrendSignal) -> list[Concern]:
    """The reviewed experiences behind a trend signal: its theme or service, in its month (the
    newest, up to the selection cap)."""
    month = visible.filter(received_on__gte=signal.month, received_on__lte=signal.month_end)
    if signal.theme_id:
        filters = {"theme": signal.theme_id, "received_from": signal.month, "received_to": signal.month_end}
        month = selectors.with_theme(month, selectors.theme_tags(signal.locality_id, filters))
    else:
        month = month.filter(service_id=signal.service_id)
    return list(month.select_related("service").order_by("-received_on", "-id")[: selection.cap()])


def _from_address(request, locality, visible) -> tuple[list[Concern], dict]:
    """The experiences named in the address (?concern=…), or a trend signal's (?signal=…)."""
    signal_id = plain_ids(request.GET.getlist("signal")[:1])
    if signal_id:
        signal = get_object_or_404(TrendSignal.all_objects.filter(locality=locality), pk=signal_id[0])
        chosen = signal_concerns(visible, signal)
        initial = suggested(request.user, chosen)
        initial.update(trend_signal=signal.pk, summary=f"Rise in {signal.subject} in {signal.month:%B %Y}"[:200])
        return chosen, initial
    wanted = plain_ids(request.GET.getlist("concern")[: selection.cap()])
    chosen = list(visible.filter(pk__in=wanted).select_related("service")) if wanted else []
    return chosen, suggested(request.user, chosen)


@area_view
@require_http_methods(["GET", "POST"])
def create(request, locality):
    body = raising_body(request.user, locality)
    # Only reviewed experiences can be shared with other bodies.
    visible = alertable(request.user, locality)
    chosen, initial = _from_address(request, locality, visible) if request.method == "GET" else ([], {})
    form = AlertForm(
        posted(request),
        initial=initial,
        locality=locality,
        raised_by_body=body,
        visible_concerns=visible,
        attached=[c.pk for c in chosen],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alert = alerts.alert_raise(
                locality=locality,
                raised_by_body=body,
                raised_by=request.user,
                details=alerts.AlertDetails(
                    summary=data["summary"],
                    details=data["details"],
                    action_requested=data["action_requested"],
                    severity=data["severity"],
                    safeguarding=data["safeguarding"],
                    recipients=data["all_recipients"],
                    concerns=list(data["concerns"]),
                    trend_signal=data["trend_signal"],
                ),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            count = alert.recipients.count()
            messages.success(request, f"Alert {alert.reference} sent to {count} bod{'y' if count == 1 else 'ies'}.")
            return redirect("concerns:alert-detail", locality.slug, alert.pk)
    return alert_page(request, locality, body, form)


def alert_page(request, locality, body, form: AlertForm):
    """The alert form, with what recipients will see of each attached experience."""
    form.helper.form_action = reverse("concerns:alert-create", args=[locality.slug])
    linked = list(form.fields["concerns"].queryset)
    unsummarised = [c.reference for c in linked if not c.has_shareable_summary]
    return render(
        request,
        "concerns/alert_form.html",
        {"locality": locality, "form": form, "body": body, "linked": linked, "unsummarised": unsummarised},
        status=400 if form.errors else 200,
    )


@area_view
@require_safe
def alert_list(request, locality):
    my_bodies = [seat.body_id for seat in agency_access.seats(request.user, locality)]
    box = request.GET.get("box", "received")
    qs = Alert.all_objects.for_user(request.user).filter(locality=locality)
    if box == "raised":
        qs = qs.filter(raised_by_body_id__in=my_bodies)
    elif box == "received":
        qs = qs.filter(pk__in=AlertRecipient.objects.filter(body_id__in=my_bodies).values("alert_id"))
    else:
        box = "all"
    today = timezone.localdate()
    state = request.GET.get("state", "")
    # Each filter asks for a recipient in a subquery (one row per alert: no DISTINCT to sort).
    if state in AlertRecipient.State.values:
        qs = qs.filter(pk__in=AlertRecipient.objects.filter(state=state).values("alert_id"))
    if request.GET.get("overdue") == "yes":
        overdue = AlertRecipient.objects.filter(state=AlertRecipient.State.SENT, due_on__lt=today)
        qs = qs.filter(pk__in=overdue.values("alert_id"))
    dates = AlertFilterForm(request.GET)
    if dates.is_valid():
        if dates.cleaned_data["sent_from"]:
            qs = qs.filter(sent_on__gte=dates.cleaned_data["sent_from"])
        if dates.cleaned_data["sent_to"]:
            qs = qs.filter(sent_on__lte=dates.cleaned_data["sent_to"])
    else:  # never "all" for dates that were not understood
        qs = qs.none()
    alert_rows = list(
        qs.select_related("raised_by_body").prefetch_related("recipients__body").order_by("-created_at", "-id")[:100]
    )
    return render(
        request,
        "concerns/alert_list.html",
        {
            "locality": locality,
            "alerts": alert_rows,
            "box": box,
            "state": state,
            "overdue": request.GET.get("overdue") == "yes",
            "states": AlertRecipient.State.choices,
            "today": today,
            "can_raise": can_raise(request.user, locality),
            "dates": dates,
        },
        status=400 if dates.errors else 200,
    )


def can_raise(user, locality) -> bool:
    try:
        raising_body(user, locality)
    except PermissionDenied:
        return False
    return True


SHOWN = 50  # experiences listed on an alert's page (an alert may have up to 500)


def _alert(request, locality, pk) -> Alert:
    return get_object_or_404(
        Alert.all_objects.for_user(request.user).select_related("raised_by_body", "raised_by"),
        pk=pk,
        locality=locality,
    )


@area_view
@require_safe
def detail(request, locality, pk: int):
    alert = _alert(request, locality, pk)
    my_bodies = {seat.body_id for seat in agency_access.seats(request.user, locality, Role.MEMBER)}
    recipients = list(alert.recipients.select_related("body", "duty").order_by("body__name"))
    delivered = set(
        Notification.objects.filter(
            related_type="alert",
            related_id=alert.pk,
            kind="alert",
            channel="email",
            state="sent",
            to_email__gt="",
        ).values_list("to_email", flat=True)
    )
    today = timezone.localdate()
    held_before = handover.custody_map("alert-received", [r.pk for r in recipients])
    rows = [
        {
            "recipient": r,
            "custody": held_before.get(r.pk, []),
            "delivered": r.body.contact_email in delivered,
            "overdue": r.is_overdue(today),
            "can_answer": r.body_id in my_bodies and r.state != AlertRecipient.State.RESPONDED,
        }
        for r in recipients
    ]
    sent_messages = Notification.objects.filter(related_type="alert", related_id=alert.pk, channel="email").order_by(
        "created_at", "id"
    )[:200]
    return render(
        request,
        "concerns/alert_detail.html",
        {
            "locality": locality,
            "alert": alert,
            "rows": rows,
            "sent_messages": sent_messages,
            "concerns": alert.concerns.select_related("service").order_by("-received_on")[:SHOWN],
            "concern_count": alert.concerns.count(),
            "shown": SHOWN,
            "custody": handover.custody("alert-raised", alert.pk),
            "lost_challenge": independence.FLAG if independence.is_self_raised(alert) else "",
        },
    )


def _my_recipient(request, locality, pk: int, rid: int) -> AlertRecipient:
    alert = _alert(request, locality, pk)
    recipient = get_object_or_404(AlertRecipient.objects.select_related("body", "alert"), pk=rid, alert=alert)
    if not agency_access.has_seat_at(request.user, recipient.body_id, Role.MEMBER):
        raise PermissionDenied(f"Only members of {recipient.body.name} can answer this alert for it.")
    return recipient


@area_view
@require_POST
def acknowledge(request, locality, pk: int, rid: int):
    recipient = _my_recipient(request, locality, pk, rid)
    try:
        answered = alerts.alert_acknowledge(recipient=recipient, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = f"You acknowledged alert {recipient.alert.reference} for {recipient.body.name}."
        messages.success(request, f"{done} {emailed(answered.receipt)}")
    return redirect("concerns:alert-detail", locality.slug, pk)


@area_view
@require_http_methods(["GET", "POST"])
def respond(request, locality, pk: int, rid: int):
    recipient = _my_recipient(request, locality, pk, rid)
    form = RespondForm(
        posted(request), ask_name=False, acknowledged=recipient.state == AlertRecipient.State.ACKNOWLEDGED
    )
    if request.method == "POST" and form.is_valid():
        try:
            answered = _record(recipient, form.cleaned_data.get("response", ""), user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            reference = recipient.alert.reference
            messages.success(request, f"Your answer to alert {reference} is recorded. {emailed(answered.receipt)}")
            return redirect("concerns:alert-detail", locality.slug, pk)
    return render(
        request,
        "concerns/alert_respond.html",
        {
            "locality": locality,
            "alert": recipient.alert,
            "recipient": recipient,
            "form": form,
            "by_link": False,
        },
        status=400 if form.errors else 200,
    )


def _record(recipient, response: str, **who):
    if response.strip():
        return alerts.alert_respond(recipient=recipient, response=response, **who)
    return alerts.alert_acknowledge(recipient=recipient, **who)


@require_http_methods(["GET", "POST"])
def respond_by_link(request, alert_id: int, recipient_id: int, token: str):
    """For people without an account. GET only shows; POST records, using up the link."""
    recipient = (
        AlertRecipient.objects.select_related("alert__locality", "alert__raised_by_body", "body")
        .filter(pk=recipient_id)
        .first()
    )
    return answer_by_link(
        request,
        found=recipient is not None and recipient.alert_id == alert_id,
        not_found=LinkProblem("mismatch", "This link is not valid. Use the link in the email about this alert."),
        purpose=alerts.LINK_PURPOSE,
        object_id=recipient_id,
        token=token,
        answer=lambda link: _answer_by_link(request, recipient, link),
    )


def _answer_by_link(request, recipient: AlertRecipient, link) -> HttpResponse:
    alert = recipient.alert
    form = RespondForm(posted(request), acknowledged=recipient.state == AlertRecipient.State.ACKNOWLEDGED)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answered = _record(
                recipient, data["response"], name=data["name"], link=link, receipt_email=data["receipt_email"]
            )
        except ValidationError as error:
            return problem_page(request, LinkProblem("done", " ".join(error.messages)), status=409)
        return render(
            request,
            "concerns/alert_answered.html",
            {
                "alert": alert,
                "recipient": answered,
                "fresh_link": getattr(answered, "fresh_link", None),
                "receipt": answered.receipt,
            },
        )
    return render(
        request,
        "concerns/alert_respond.html",
        {
            "alert": alert,
            "recipient": recipient,
            "form": form,
            "by_link": True,
            "concerns": alert.concerns.select_related("service").order_by("-received_on")[:20],
        },
        status=400 if form.errors else 200,
    )
