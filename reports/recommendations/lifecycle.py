"""A recommendation's life before and after it is sent: drafted (editable, deletable, nothing
sent, no clock), agreed by the committee or board at a meeting, sent (the clock starts that day;
one email with the answer link to the body, its members told in the app), then withdrawn or
corrected with a recorded reason, never silently. Recording one already sent on paper is
services.recommendation_issue. Every change is a saved row, so the history keeps each state."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Body, ClosureDay, ResponseDuty
from agencies.notifications import notify_body

from ..models import Recommendation, Report
from .accuracy import refuse_while_checked
from .rules import duty_refusals, issue_errors, reference_for
from .services import announce_sent, message

State = Recommendation.State


def _draft_errors(
    report: Report,
    text: str,
    addressed_to: Body | None,
    duty: ResponseDuty | None,
    deadline_agreed_on: datetime.date | None,
) -> dict[str, str]:
    today = timezone.localdate()
    errors = issue_errors(report, addressed_to, today, text)
    if addressed_to is not None and duty is not None and "addressed_to" not in errors:
        errors.update(duty_refusals(duty, addressed_to, today, deadline_agreed_on))
    return errors


def recommendation_draft(
    *,
    report: Report,
    text: str,
    addressed_to: Body | None,
    duty: ResponseDuty,
    agreed_on: datetime.date | None = None,
    reference: str = "",
) -> Recommendation:
    """A draft: numbered, editable and deletable; nothing is sent and no clock runs.
    `agreed_on` is the date agreed with the body, under "no statutory duty"."""
    errors = _draft_errors(report, text, addressed_to, duty, agreed_on)
    if errors or addressed_to is None:
        raise ValidationError(errors)
    with transaction.atomic():
        reference = reference_for(report, reference)
        return Recommendation.objects.create(
            locality=report.locality,
            report=report,
            reference=reference,
            text=text,
            addressed_to=addressed_to,
            duty=duty,
            deadline_agreed_on=agreed_on,
            state=State.DRAFT,
        )


def _unsent_or_refuse(rec: Recommendation, doing: str) -> None:
    if rec.is_sent():
        raise ValidationError(
            f"{rec.reference} has been sent to {rec.addressed_to.name}, so it cannot be {doing}. "
            "Correct it or withdraw it, with a reason, instead."
        )


def recommendation_edit(
    *,
    recommendation: Recommendation,
    text: str,
    addressed_to: Body | None,
    duty: ResponseDuty,
    agreed_on: datetime.date | None = None,
) -> Recommendation:
    """Change a draft (an agreed one goes back to draft: the committee agreed other words)."""
    _unsent_or_refuse(recommendation, "edited")
    errors = _draft_errors(recommendation.report, text, addressed_to, duty, agreed_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        _unsent_or_refuse(locked, "edited")
        locked.text, locked.addressed_to, locked.duty, locked.deadline_agreed_on = text, addressed_to, duty, agreed_on
        locked.state, locked.meeting_agreed_on, locked.agreed_by = State.DRAFT, None, ""
        locked.save()
    return locked


def recommendation_delete(*, recommendation: Recommendation) -> None:
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        _unsent_or_refuse(locked, "deleted")
        locked.delete()


def recommendations_agree(*, report: Report, meeting_on: datetime.date, agreed_by: str) -> list[Recommendation]:
    """Record the committee's (or board's) agreement of the report's drafts at a meeting."""
    errors = {}
    if meeting_on > timezone.localdate():
        errors["meeting_on"] = "The meeting date must be today or in the past"
    if not agreed_by.strip():
        errors["agreed_by"] = "Enter who agreed the recommendations, like the committee's name"
    if errors:
        raise ValidationError(errors)
    drafts = list(report.recommendations.filter(state=State.DRAFT))
    if not drafts:
        raise ValidationError("There are no draft recommendations to agree.")
    with transaction.atomic():
        for rec in drafts:
            rec.state, rec.meeting_agreed_on, rec.agreed_by = State.AGREED, meeting_on, agreed_by.strip()
            rec.save(update_fields=["state", "meeting_agreed_on", "agreed_by"])
    return drafts


def _send_one(rec: Recommendation, on: datetime.date) -> bool:
    """Send one agreed recommendation: the clock starts `on`. Only the request whose conditional
    update moves it from agreed to sent sends it, so a second click or tab sends nothing."""
    due = rec.duty.due(on, ClosureDay.dates_for(rec.locality), rec.deadline_agreed_on)
    fields = {"sent_on": on, "due_on": due.due_on, "due_explanation": due.explanation()[:400]}
    won = Recommendation.objects.filter(pk=rec.pk, state=State.AGREED).update(state=State.AWAITING, **fields)
    if not won:
        return False
    rec.refresh_from_db()
    rec.save()  # a row in the history for the state change (update() leaves none)
    announce_sent(rec)
    return True


def _sendable(recs: list[Recommendation], on: datetime.date) -> None:
    for rec in recs:
        if rec.state == State.DRAFT:
            raise ValidationError(f"{rec.reference} is a draft: record the committee's agreement before it is sent.")
        refusals = duty_refusals(rec.duty, rec.addressed_to, on, rec.deadline_agreed_on)
        if refusals:
            raise ValidationError(f"{rec.reference} cannot be sent: {' '.join(refusals.values())}.")


def recommendations_send(*, report: Report, on: datetime.date | None = None) -> list[Recommendation]:
    """Send every agreed recommendation of the report, today. Returns those sent now (none on a
    second click: they were sent by the first)."""
    on = on or timezone.localdate()
    agreed = list(report.recommendations.filter(state=State.AGREED).select_related("duty", "addressed_to"))
    if not agreed:
        if report.recommendations.filter(state=State.DRAFT).exists():
            raise ValidationError("Record the committee's agreement before sending: every recommendation is a draft.")
        raise ValidationError("There are no agreed recommendations waiting to be sent.")
    refuse_while_checked(report)
    _sendable(agreed, on)
    with transaction.atomic():
        return [rec for rec in agreed if _send_one(rec, on)]


def recommendation_send(*, recommendation: Recommendation, on: datetime.date | None = None) -> Recommendation:
    on = on or timezone.localdate()
    if recommendation.state not in Recommendation.UNSENT:
        raise ValidationError(f"{recommendation.reference} has already been sent.")
    refuse_while_checked(recommendation.report)
    _sendable([recommendation], on)
    with transaction.atomic():
        if not _send_one(recommendation, on):
            raise ValidationError(f"{recommendation.reference} has already been sent.")
    return recommendation


def _tell_body(rec: Recommendation, *, what: str, key: str, template: str) -> None:
    notify_body(
        body=rec.addressed_to,
        kind="recommendation",
        key=key,
        subject=f"Recommendation {rec.reference} from {rec.report.issuing_body.name} {what}",
        text=message(template, r=rec, report=rec.report),
        locality=rec.locality,
        related=("recommendation", rec.pk),
        tell_members=True,
        member_link=reverse("reports:recommendation", args=[rec.locality.slug, rec.pk]),
        members_urgent=False,
    )


def recommendation_withdraw(
    *, recommendation: Recommendation, reason: str, on: datetime.date | None = None
) -> Recommendation:
    """Withdraw a sent recommendation awaiting its response: the body is told, its clock and
    chases stop, and it is shown as withdrawn with the reason (counted in no figure)."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the recommendation is withdrawn"})
    on = on or timezone.localdate()
    with transaction.atomic():
        won = Recommendation.objects.filter(pk=recommendation.pk, state=State.AWAITING).update(
            state=State.WITHDRAWN, withdrawn_on=on, withdrawn_reason=reason.strip()[:1000]
        )
        recommendation.refresh_from_db()
        if not won:
            raise ValidationError(
                f"{recommendation.reference} is {recommendation.get_state_display().lower()}: only a sent "
                "recommendation awaiting its response can be withdrawn."
            )
        recommendation.save()  # the history's row
        _tell_body(
            recommendation,
            what="is withdrawn",
            key=f"recommendation-{recommendation.pk}:withdrawn",
            template="recommendation_withdrawn",
        )
    return recommendation


def recommendation_correct(*, recommendation: Recommendation, text: str, reason: str) -> Recommendation:
    """Correct a sent recommendation's words with a recorded reason: the history keeps the old
    text and the body is told (once per correction)."""
    errors = {}
    if not text.strip():
        errors["text"] = "Enter the corrected recommendation"
    if not reason.strip():
        errors["reason"] = "Enter why the recommendation is corrected"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if locked.state not in (State.AWAITING, State.RESPONDED):
            raise ValidationError(
                f"{locked.reference} is {locked.get_state_display().lower()}: "
                "only a sent recommendation can be corrected."
            )
        if text.strip() == locked.text.strip():  # unchanged, or a second click of the same correction
            raise ValidationError({"text": "The corrected text is the same as the text now. Change it, or go back"})
        locked.text, locked.corrected_reason = text.strip(), reason.strip()[:1000]
        locked.save(update_fields=["text", "corrected_reason"])
        number = locked.history.filter(history_type="~").count()
        _tell_body(
            locked,
            what="is corrected",
            key=f"recommendation-{locked.pk}:corrected-{number}",
            template="recommendation_corrected",
        )
    return locked
