"""Alerts between bodies: raise, acknowledge, respond, chase and escalate.

Every message goes through the outbox (agencies.notifications) in the same transaction as the
change that causes it, with a dedupe key per (kind, recipient, stage), so a reminder is sent
once however many times the chase job runs, and by however many schedulers.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies.access import bodies_holding, serves
from agencies.deadlines import is_working_day, working_days_between
from agencies.links import link_consume, link_issue
from agencies.models import Body, ClosureDay, Function, Locality, Membership, ResponseDuty, Role, SignedLink, User
from agencies.notifications import AnswerLink, notify, notify_body, notify_people, notify_user
from agencies.receipts import Receipt, receipt_send
from quality_system.site import absolute_url

from . import people_updates
from .models import Alert, AlertRecipient, Concern, Theme, TrendSignal

logger = logging.getLogger(__name__)

LINK_PURPOSE = "alert-recipient"


@dataclasses.dataclass
class AlertDetails:
    summary: str
    action_requested: str
    recipients: list[Body]
    details: str = ""
    severity: str = Alert.Severity.SIGNIFICANT
    safeguarding: bool = False
    concerns: list[Concern] = dataclasses.field(default_factory=list)
    theme: Theme | None = None
    trend_signal: TrendSignal | None = None


def _validate(locality: Locality, raised_by_body: Body, details: AlertDetails) -> None:
    errors = {}
    if not details.recipients:
        errors["recipients"] = "Choose at least one body to alert"
    elif not serves(locality, *details.recipients):
        errors["recipients"] = "Choose bodies that serve this area"
    elif raised_by_body in details.recipients:
        errors["recipients"] = f"You cannot alert {raised_by_body.name}, the body raising the alert"
    if len(details.concerns) > settings.SELECTION_MAX:
        errors["concerns"] = (
            f"You can attach up to {settings.SELECTION_MAX:,} experiences to one alert. "
            "Untick some, or raise more than one alert."
        )
    elif any(c.locality_id != locality.pk for c in details.concerns):
        errors["concerns"] = "Link concerns from this area only"
    elif any(not c.counts_in_figures() for c in details.concerns):
        errors["concerns"] = "Review new experiences before you alert other bodies about them"
    if not details.summary.strip():
        errors["summary"] = "Enter a summary of the concern"
    if not details.action_requested.strip():
        errors["action_requested"] = "Enter what you are asking the bodies to do"
    if errors:
        raise ValidationError(errors)


def _message(template: str, **context) -> str:
    return render_to_string(f"concerns/email/{template}.txt", context)


def alert_raise(
    *,
    locality: Locality,
    raised_by_body: Body,
    raised_by: User,
    details: AlertDetails,
    sent_on: datetime.date | None = None,
) -> Alert:
    """Record the alert, a recipient row per body with its deadline, and every message. An alert
    already sent another way (by email, on paper) is recorded with the day it was `sent_on`, and
    its deadlines count from that day."""
    _validate(locality, raised_by_body, details)
    today = timezone.localdate()
    if sent_on is not None and sent_on > today:
        raise ValidationError({"sent_on": "The date sent must be today or in the past"})
    today = sent_on or today
    days_off = ClosureDay.dates_for(locality)
    code = "alert-acknowledgement-safeguarding" if details.safeguarding else "alert-acknowledgement"
    duty = ResponseDuty.for_area(code, locality)
    urgent = details.safeguarding or details.severity == Alert.Severity.URGENT
    with transaction.atomic():
        alert = Alert.all_objects.create(
            locality=locality,
            raised_by_body=raised_by_body,
            raised_by=raised_by,
            summary=details.summary,
            details=details.details,
            action_requested=details.action_requested,
            severity=details.severity,
            safeguarding=details.safeguarding,
            theme=details.theme,
            trend_signal=details.trend_signal,
            sent_on=today,
        )
        alert.concerns.set(details.concerns)
        for body in details.recipients:
            due = duty.due(today, days_off)
            recipient = AlertRecipient.objects.create(
                alert=alert, body=body, duty=duty, due_on=due.due_on, due_explanation=due.explanation()[:300]
            )
            _tell_recipient(alert, recipient, urgent)
    return alert


def _answer_link(recipient: AlertRecipient, invitation: str) -> AnswerLink:
    return AnswerLink(
        purpose=LINK_PURPOSE,
        object_id=recipient.pk,
        url_name="alert-respond",
        url_args=(recipient.alert_id, recipient.pk),
        invitation=invitation,
    )


def _tell_recipient(alert: Alert, recipient: AlertRecipient, urgent: bool) -> None:
    notify_body(
        body=recipient.body,
        kind="alert",
        key=f"recipient-{recipient.pk}",
        subject=f"{'Urgent: ' if urgent else ''}Alert {alert.reference} from {alert.raised_by_body.name}: "
        f"{alert.summary}",
        text=_message("alert", alert=alert, recipient=recipient, site=absolute_url("")),
        locality=alert.locality,
        related=("alert", alert.pk),
        answer_link=_answer_link(recipient, "Acknowledge and respond without signing in (the link works once):"),
        tell_members=True,
        member_link=reverse("concerns:alert-detail", args=[alert.locality.slug, alert.pk]),
        members_urgent=urgent,
    )


def _answer(
    recipient: AlertRecipient,
    *,
    state: str,
    response: str,
    user: User | None,
    name: str,
    link: SignedLink | None,
    receipt_email: str = "",
    at: datetime.datetime | None = None,
):
    if recipient.state == AlertRecipient.State.RESPONDED:
        raise ValidationError("This alert has already been answered.")
    now = timezone.now()
    if at is not None and (at > now or timezone.localdate(at) < recipient.alert.sent_on):
        raise ValidationError("The answer must be given between the day the alert was sent and now.")
    now = at or now
    via_link = link is not None
    with transaction.atomic():  # a link is used up only if the answer is recorded
        if link is not None:
            link_consume(link)
        locked = AlertRecipient.objects.select_for_update().get(pk=recipient.pk)
        if locked.state == AlertRecipient.State.RESPONDED:
            raise ValidationError("This alert has already been answered.")
        first_acknowledgement = locked.acknowledged_at is None
        locked.acknowledged_at = locked.acknowledged_at or now
        if state == AlertRecipient.State.RESPONDED:
            locked.responded_at = now
            locked.response = response
        locked.state = state
        locked.answered_by = user
        locked.answered_by_name = name[:150] if name else (user.full_name if user else "")
        locked.via_link = via_link
        locked.receipt_email = receipt_email or locked.receipt_email
        locked.save()
        alert = locked.alert
        verb = "responded to" if state == AlertRecipient.State.RESPONDED else "acknowledged"
        notify_user(
            kind=f"alert-{state}",
            key=f"recipient-{locked.pk}:to-{alert.raised_by_id}",
            subject=f"{locked.body.name} {verb} alert {alert.reference}",
            body=_message("answered", alert=alert, recipient=locked, verb=verb),
            user=alert.raised_by,
            link=reverse("concerns:alert-detail", args=[alert.locality.slug, alert.pk]),
            locality=alert.locality,
            related=("alert", alert.pk),
        )
        locked.receipt = _receipt(locked, now, receipt_email or (user.email if user else ""))
        if first_acknowledgement:
            _tell_people(locked)
        if state == AlertRecipient.State.ACKNOWLEDGED and via_link:
            # The link was used to acknowledge: offer a fresh one for the response, on the page
            # (made now) and by email (made when the email is sent, so never stored).
            token = link_issue(purpose=LINK_PURPOSE, object_id=locked.pk)
            locked.fresh_link = reverse("alert-respond", args=[alert.pk, locked.pk, token])
            _email_respond_link(alert, locked)
    return locked


def _tell_people(recipient: AlertRecipient) -> None:
    """The people behind the alert who asked to hear back: once per body that acknowledges."""
    people_updates.tell(
        concern_ids=recipient.alert.concerns.values_list("pk", flat=True),
        event="alert-acknowledged",
        key=f"alert-acknowledged:recipient-{recipient.pk}",
        body_name=recipient.body.name,
    )


def _receipt(recipient: AlertRecipient, now: datetime.datetime, answerer_email: str) -> Receipt:
    """A copy of this answer for the body and the person who gave it (agencies.receipts)."""
    alert = recipient.alert
    responded = recipient.state == AlertRecipient.State.RESPONDED
    did = ("What your organisation will do", recipient.response) if responded else ("What you did", "Acknowledged")
    receipt = Receipt(
        reference=alert.reference,
        title=f"{'Response to' if responded else 'Acknowledgement of'} alert {alert.reference}",
        answered_for=recipient.body.name,
        sent_to=alert.raised_by_body.name,
        recorded_at=now,
        answered_by=recipient.answered_by_name,
        lines=(("Alert", alert.summary), did),
    )
    return receipt_send(
        receipt,
        key=f"alert-recipient-{recipient.pk}:{recipient.state}",
        body=recipient.body,
        answerer_email=answerer_email,
        locality=alert.locality,
        related=("alert", alert.pk),
    )


def _email_respond_link(alert: Alert, recipient: AlertRecipient) -> None:
    fresh = _answer_link(recipient, "")
    notify(
        kind="alert-respond-link",
        key=f"recipient-{recipient.pk}:body-email",
        subject=f"Respond to alert {alert.reference} when you are ready",
        body=f"Thank you for acknowledging alert {alert.reference}: {alert.summary}.\n\n"
        f"Tell {alert.raised_by_body.name} what you will do with this link (it works once):\n{fresh.slot}\n",
        to_email=recipient.body.contact_email,
        to_name=recipient.body.name,
        urgent=True,
        locality=alert.locality,
        related=("alert", alert.pk),
        fresh_link=fresh,
    )


def alert_acknowledge(
    *,
    recipient: AlertRecipient,
    user: User | None = None,
    name: str = "",
    link: SignedLink | None = None,
    receipt_email: str = "",
    at: datetime.datetime | None = None,
) -> AlertRecipient:
    """Acknowledge for the body (in the app, or with the checked answer `link`, used up here).
    The body and the person (at `receipt_email`, or their account's address) get a receipt.
    An acknowledgement given earlier another way (by phone) is recorded `at` its time."""
    if recipient.state != AlertRecipient.State.SENT:
        raise ValidationError("This alert has already been acknowledged.")
    return _answer(
        recipient,
        state=AlertRecipient.State.ACKNOWLEDGED,
        response="",
        user=user,
        name=name,
        link=link,
        receipt_email=receipt_email,
        at=at,
    )


def alert_respond(
    *,
    recipient: AlertRecipient,
    response: str,
    user: User | None = None,
    name: str = "",
    link: SignedLink | None = None,
    receipt_email: str = "",
    at: datetime.datetime | None = None,
) -> AlertRecipient:
    """Respond for the body (in the app, or with the checked answer `link`, used up here), with
    a receipt as for an acknowledgement; `at` as for an acknowledgement."""
    if not response.strip():
        raise ValidationError({"response": "Enter what your organisation will do"})
    if len(response) > 5000:
        raise ValidationError({"response": "What you will do must be 5,000 characters or fewer"})
    return _answer(
        recipient,
        state=AlertRecipient.State.RESPONDED,
        response=response,
        user=user,
        name=name,
        link=link,
        receipt_email=receipt_email,
        at=at,
    )


# ---------------------------------------------------------------- chasing


def _stage(recipient: AlertRecipient, today: datetime.date, days_off) -> str | None:
    """Which reminder is due today for an unacknowledged recipient, if any."""
    if today > recipient.due_on:
        late = working_days_between(recipient.due_on, today, days_off)
        if late >= settings.ALERT_ESCALATE_AFTER_WORKING_DAYS:
            return "escalated"
        return "overdue"
    if today == recipient.due_on:
        return "due-today"
    if working_days_between(today, recipient.due_on, days_off) == 1:
        return "due-tomorrow"
    return None


REMINDER_SUBJECTS = {
    "due-tomorrow": "Reminder: alert {ref} must be acknowledged by {due}",
    "due-today": "Reminder: alert {ref} must be acknowledged today",
    "overdue": "Overdue: alert {ref} has not been acknowledged",
    "escalated": "Escalation: {body} has not acknowledged alert {ref}",
}


def _escalation_people(locality: Locality) -> list[User]:
    """The chair of the body holding the HWB function and the officers of the body holding the
    health scrutiny function, in the area, today."""
    memberships = Membership.objects.filter(
        Q(body__in=bodies_holding(Function.HWB, locality), role=Role.CHAIR)
        | Q(body__in=bodies_holding(Function.HEALTH_SCRUTINY, locality), role__in=[Role.OFFICER, Role.CHAIR])
    )
    return [m.user for m in memberships.select_related("user") if m.user.is_active]


def alerts_chase(today: datetime.date, *, alerts: list[Alert] | None = None) -> int:
    """Send each due reminder and escalation once (for these `alerts` only, if given). Safe to
    run any number of times at once: the outbox's dedupe keys refuse a second copy. Returns how
    many messages it added."""
    if not is_working_day(today):
        return 0
    added = 0
    waiting = (
        AlertRecipient.objects.filter(state=AlertRecipient.State.SENT, due_on__lte=today + datetime.timedelta(days=7))
        .select_related("alert__locality", "alert__raised_by_body", "body")
        .order_by("pk")
    )
    if alerts is not None:
        waiting = waiting.filter(alert__in=alerts)
    closure_cache: dict[int, list[datetime.date]] = {}
    for recipient in waiting:
        try:
            locality = recipient.alert.locality
            days_off = closure_cache.setdefault(locality.pk, ClosureDay.dates_for(locality))
            stage = _stage(recipient, today, days_off)
            if stage is None:
                continue
            added += _chase_one(recipient, stage, today)
        except Exception:  # one bad row must not stop the others
            logger.exception("Chasing alert recipient %s failed; moving on", recipient.pk)
    return added


def _chase_one(recipient: AlertRecipient, stage: str, today: datetime.date) -> int:
    alert = recipient.alert
    subject = REMINDER_SUBJECTS[stage].format(
        ref=alert.reference,
        body=recipient.body.name,
        due=f"{recipient.due_on:%A} {recipient.due_on.day} {recipient.due_on:%B}",
    )
    body = _message("reminder", alert=alert, recipient=recipient, stage=stage, today=today)
    page = reverse("concerns:alert-detail", args=[alert.locality.slug, alert.pk])
    added = 0
    with transaction.atomic():
        if stage == "escalated":
            added += notify_people(
                _escalation_people(alert.locality),
                kind="alert-escalated",
                key=f"recipient-{recipient.pk}",
                subject=subject,
                body=body,
                urgent=True,
                link=page,
                locality=alert.locality,
                related=("alert", alert.pk),
            )
            AlertRecipient.objects.filter(pk=recipient.pk, escalated_on__isnull=True).update(escalated_on=today)
        added += notify_body(
            body=recipient.body,
            kind=f"alert-{stage}",
            key=f"recipient-{recipient.pk}",
            subject=subject,
            text=body,
            locality=alert.locality,
            related=("alert", alert.pk),
            answer_link=_answer_link(recipient, "Acknowledge without signing in (the link works once):"),
            tell_members=True,
            member_link=page,
        )
    return added


def recompute_due_dates(locality: Locality) -> int:
    """After the area's closure days change, work out again every deadline still open.
    Returns how many changed."""
    days_off = ClosureDay.dates_for(locality)
    changed = 0
    open_recipients = AlertRecipient.objects.filter(
        alert__locality=locality, state=AlertRecipient.State.SENT
    ).select_related("alert", "duty")
    for recipient in open_recipients:
        due = recipient.duty.due(recipient.alert.sent_on, days_off)
        if due.due_on != recipient.due_on:
            recipient.due_on = due.due_on
            recipient.due_explanation = due.explanation()[:300]
            recipient.save(update_fields=["due_on", "due_explanation"])
            changed += 1
    return changed
