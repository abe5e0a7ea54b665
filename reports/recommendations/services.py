"""Writes that span apps (reports may use concerns and agencies)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies import figures
from agencies.links import link_issue
from agencies.models import Body, BodyKind, ClosureDay, Locality, Membership, ResponseDuty, Role
from agencies.notifications import notify, notify_user
from concerns.alerts import recompute_due_dates

from ..models import (
    ChaseLadder,
    EvidenceRequest,
    Extension,
    ImplementationUpdate,
    Recommendation,
    Report,
    Response,
    Review,
)

logger = logging.getLogger(__name__)


def closure_day_add(*, locality: Locality, date: datetime.date, reason: str) -> tuple[ClosureDay, int]:
    """Add a non-working day and work out again every open deadline. Returns the day and how
    many deadlines moved."""
    try:
        with transaction.atomic():
            day = ClosureDay.objects.create(locality=locality, date=date, reason=reason)
            moved = recompute_due_dates(locality) + recommendation_due_dates_recompute(locality)
    except IntegrityError:
        raise ValidationError({"date": f"{date:%-d %B %Y} is already a closure day."}) from None
    figures.changed(locality.pk)  # deadlines moved in bulk, without model signals
    return day, moved


def closure_day_remove(*, day: ClosureDay) -> int:
    with transaction.atomic():
        locality = day.locality
        day.delete()
        moved = recompute_due_dates(locality) + recommendation_due_dates_recompute(locality)
    figures.changed(locality.pk)
    return moved


# ---------------------------------------------------------------- recommendations

LINK_PURPOSE = "recommendation"


def review_create(*, locality: Locality, lead_body, created_by, **fields) -> Review:
    if lead_body.locality_id != locality.pk:
        raise ValidationError({"lead_body": "Choose a body in this area"})
    concerns = fields.pop("concerns", [])
    alerts = fields.pop("alerts", [])
    with transaction.atomic():
        review = Review.objects.create(locality=locality, lead_body=lead_body, created_by=created_by, **fields)
        review.concerns.set(concerns)
        review.alerts.set(alerts)
    return review


def review_set_state(*, review: Review, state: str) -> Review:
    if state not in Review.State.values:
        raise ValidationError({"state": "Choose a status from the list"})
    review.state = state
    review.save(update_fields=["state"])
    return review


def report_create(*, locality: Locality, issuing_body, title: str, summary: str, reference_prefix: str, review=None):
    if issuing_body.locality_id != locality.pk:
        raise ValidationError({"issuing_body": "Choose a body in this area"})
    if Report.objects.filter(locality=locality, reference_prefix__iexact=reference_prefix).exists():
        raise ValidationError(
            {"reference_prefix": f"{reference_prefix} is already used by another report. Choose another."}
        )
    return Report.objects.create(
        locality=locality,
        issuing_body=issuing_body,
        title=title,
        summary=summary,
        reference_prefix=reference_prefix,
        review=review,
    )


def report_publish(*, report: Report, on: datetime.date) -> Report:
    if report.published_on:
        return report  # published once; publishing again changes nothing
    if not report.recommendations.exists():
        raise ValidationError("Add at least one recommendation before publishing the report.")
    report.published_on = on
    report.save(update_fields=["published_on"])
    return report


def recommendation_issue(
    *, report: Report, text: str, addressed_to, duty: ResponseDuty, sent_on: datetime.date, reference: str = ""
) -> Recommendation:
    """Make a recommendation to one body, fix its deadline from the duty, and tell the body."""
    locality = report.locality
    errors = {}
    if addressed_to is None:
        errors["addressed_to"] = "Choose the body this recommendation is for"
    elif addressed_to.locality_id != locality.pk:
        errors["addressed_to"] = "Choose a body in this area"
    if sent_on > timezone.localdate():
        errors["sent_on"] = "The date sent must be today or in the past"
    if not text.strip():
        errors["text"] = "Enter the recommendation"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not reference:
            reference = f"{report.reference_prefix}-R{report.recommendations.count() + 1}"
        if Recommendation.objects.filter(locality=locality, reference__iexact=reference).exists():
            raise ValidationError(
                {"reference": f"{reference} is already used in this area. Use a different reference."}
            )
        due = duty.due(sent_on, ClosureDay.dates_for(locality))
        recommendation = Recommendation.objects.create(
            locality=locality,
            report=report,
            reference=reference,
            text=text,
            addressed_to=addressed_to,
            duty=duty,
            sent_on=sent_on,
            due_on=due.due_on,
            due_explanation=due.explanation()[:400],
        )
        token = link_issue(purpose=LINK_PURPOSE, object_id=recommendation.pk, days=120)
        link = reverse("recommendation-respond", args=[recommendation.pk, token])
        notify(
            kind="recommendation",
            key=f"recommendation-{recommendation.pk}:body-email",
            subject=f"Recommendation {reference} from {report.issuing_body.name}: response due {due.due_on:%-d %B %Y}",
            body=render_to_string("reports/email/recommendation.txt", {"r": recommendation, "report": report})
            + f"\nRespond without signing in (the link works once):\n{settings.SITE_URL.rstrip('/')}{link}\n",
            to_email=addressed_to.contact_email,
            to_name=addressed_to.name,
            urgent=True,
            locality=locality,
            related=("recommendation", recommendation.pk),
        )
        page = reverse("reports:recommendation", args=[locality.slug, recommendation.pk])
        for user in Membership.people(addressed_to, [Role.OFFICER, Role.CHAIR, Role.ADMINISTRATOR]):
            notify_user(
                kind="recommendation",
                key=f"recommendation-{recommendation.pk}:user-{user.pk}",
                subject=f"Recommendation {reference} to {addressed_to.name}: response due {due.due_on:%-d %B %Y}",
                body=f"{report.issuing_body.name} has made a recommendation to {addressed_to.name}:\n\n{text}",
                user=user,
                link=page,
                locality=locality,
                related=("recommendation", recommendation.pk),
            )
    return recommendation


def _tell_issuers(rec: Recommendation, subject: str, body: str, key: str) -> None:
    page = reverse("reports:recommendation", args=[rec.locality.slug, rec.pk])
    for user in Membership.people(rec.report.issuing_body, [Role.OFFICER, Role.CHAIR]):
        notify_user(
            kind="recommendation-answered",
            key=f"{key}:user-{user.pk}",
            subject=subject,
            body=body,
            user=user,
            link=page,
            locality=rec.locality,
            related=("recommendation", rec.pk),
        )


def response_record(
    *,
    recommendation: Recommendation,
    decision: str,
    reasons: str,
    action_plan: str,
    target_date: datetime.date | None,
    name: str,
    user=None,
    via_link: bool = False,
    letter=None,
    responded_on: datetime.date | None = None,
) -> Response:
    """Record the addressed body's response (in the app, by link, or by letter on its behalf)."""
    errors = {}
    if decision == Response.Decision.NOT_ACCEPTED and not reasons.strip():
        errors["reasons"] = "Give the reasons the recommendation is not accepted"
    if decision in (Response.Decision.ACCEPTED, Response.Decision.PARTIALLY) and not action_plan.strip():
        errors["action_plan"] = "Enter the action plan for what is accepted"
    if target_date and target_date < recommendation.sent_on:
        errors["target_date"] = "The target date must be after the recommendation was sent"
    if responded_on and responded_on < recommendation.sent_on:
        errors["received_on"] = "The letter cannot have arrived before the recommendation was sent"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if hasattr(locked, "response"):
            raise ValidationError("This recommendation already has a response. Add an update instead.")
        response = Response.objects.create(
            recommendation=locked,
            decision=decision,
            reasons=reasons,
            action_plan=action_plan,
            target_date=target_date,
            responded_on=responded_on or timezone.localdate(),
            answered_by_name=name or (user.full_name if user else ""),
            via_link=via_link,
            recorded_by=user,
            letter=letter or "",
        )
        locked.state = Recommendation.State.RESPONDED
        locked.follow_up_on = target_date
        locked.save(update_fields=["state", "follow_up_on"])
        _tell_issuers(
            locked,
            f"{locked.addressed_to.name} responded to {locked.reference}: {response.get_decision_display()}",
            f"{response.get_decision_display()}.\n\n{action_plan or reasons}",
            key=f"response-{response.pk}",
        )
    return response


def extension_record(*, recommendation: Recommendation, new_due_on: datetime.date, reason: str, agreed_by: str, user):
    if new_due_on <= recommendation.sent_on:
        raise ValidationError({"new_due_on": "The new date must be after the date the recommendation was sent"})
    if new_due_on <= recommendation.due_on:
        raise ValidationError(
            {"new_due_on": f"An extension must be later than the current deadline, {recommendation.due_on:%-d %B %Y}"}
        )
    with transaction.atomic():
        Extension.objects.create(
            recommendation=recommendation,
            previous_due_on=recommendation.due_on,
            new_due_on=new_due_on,
            reason=reason,
            agreed_by=agreed_by,
            recorded_by=user,
        )
        recommendation.due_on = new_due_on
        recommendation.due_explanation = f"Extended to {new_due_on:%a %-d %b %Y}, agreed by {agreed_by}: {reason}"[:400]
        recommendation.save(update_fields=["due_on", "due_explanation"])
    return recommendation


def clock_stop(*, recommendation: Recommendation, on: datetime.date) -> Recommendation:
    if recommendation.clock_stopped_on:
        raise ValidationError("The clock is already stopped.")
    recommendation.clock_stopped_on = on
    recommendation.save(update_fields=["clock_stopped_on"])
    return recommendation


def clock_restart(*, recommendation: Recommendation, on: datetime.date) -> Recommendation:
    """Restart the clock: the deadline moves on by the days it was stopped."""
    stopped = recommendation.clock_stopped_on
    if not stopped:
        raise ValidationError("The clock is not stopped.")
    paused = max((on - stopped).days, 0)
    recommendation.due_on += datetime.timedelta(days=paused)
    recommendation.due_explanation = (
        f"{recommendation.due_explanation}; clock stopped {paused} day{'s' if paused != 1 else ''} "
        f"({stopped:%-d %b} to {on:%-d %b %Y}): due {recommendation.due_on:%a %-d %b %Y}"
    )[:400]
    recommendation.clock_stopped_on = None
    recommendation.save(update_fields=["due_on", "due_explanation", "clock_stopped_on"])
    return recommendation


def recommendation_close(*, recommendation: Recommendation, reopen: bool = False) -> Recommendation:
    recommendation.state = (
        (Recommendation.State.RESPONDED if hasattr(recommendation, "response") else Recommendation.State.AWAITING)
        if reopen
        else Recommendation.State.CLOSED
    )
    recommendation.save(update_fields=["state"])
    return recommendation


def update_record(*, recommendation: Recommendation, status: str, progress: str, new_date, reason: str, user):
    if status == ImplementationUpdate.Status.SLIPPED and not (new_date and reason.strip()):
        raise ValidationError({"new_date": "Give the new date and the reason it slipped"})
    with transaction.atomic():
        update = ImplementationUpdate.objects.create(
            recommendation=recommendation,
            status=status,
            progress=progress,
            new_date=new_date,
            reason=reason,
            recorded_by=user,
        )
        if new_date:
            recommendation.follow_up_on = new_date
            recommendation.save(update_fields=["follow_up_on"])
    return update


def recommendations_chase(today: datetime.date) -> int:
    """Reminders before and on the deadline, then the area's escalation ladder, each once."""
    added = 0
    open_items = (
        Recommendation.objects.filter(state=Recommendation.State.AWAITING, clock_stopped_on__isnull=True)
        .select_related("locality", "report__issuing_body", "addressed_to")
        .order_by("pk")
    )
    ladders: dict[int, ChaseLadder] = {}
    for rec in open_items:
        try:
            ladder = ladders.setdefault(rec.locality_id, ChaseLadder.for_area(rec.locality))
            late = (today - rec.due_on).days
            if late < -ladder.remind_days_before:
                continue
            stages = []
            if -ladder.remind_days_before <= late < 0:
                stages.append(
                    ("due-soon", [rec.addressed_to], f"Reminder: response to {rec.reference} due {rec.due_on:%-d %B}")
                )
            elif late == 0:
                stages.append(("due-today", [rec.addressed_to], f"Reminder: response to {rec.reference} is due today"))
            if late >= ladder.officer_after_days:
                stages.append(("overdue", [rec.addressed_to], f"Overdue: no response to {rec.reference}"))
                stages.append(
                    (
                        "officer",
                        Membership.people(rec.report.issuing_body, [Role.OFFICER]),
                        f"Chase: {rec.addressed_to.name} has not responded to {rec.reference}",
                    )
                )
            if late >= ladder.chair_after_days:
                stages.append(
                    (
                        "chair",
                        Membership.people(rec.report.issuing_body, [Role.CHAIR]),
                        f"Escalation: {rec.reference} is {late} days overdue",
                    )
                )
            if late >= ladder.hwb_agenda_after_days:
                hwb_chairs = [
                    m.user
                    for m in Membership.objects.filter(
                        body__locality=rec.locality, body__kind=BodyKind.HWB, role=Role.CHAIR
                    ).select_related("user")
                ]
                stages.append(("hwb-agenda", hwb_chairs, f"For the HWB agenda: {rec.reference} is {late} days overdue"))
            for stage, targets, subject in stages:
                added += _chase_stage(rec, stage, targets, subject)
        except Exception:
            logger.exception("Chasing recommendation %s failed; moving on", rec.pk)
    return added


def _chase_stage(rec: Recommendation, stage: str, targets, subject: str) -> int:
    added = 0
    page = reverse("reports:recommendation", args=[rec.locality.slug, rec.pk])
    body = render_to_string("reports/email/chase.txt", {"r": rec, "stage": stage})
    with transaction.atomic():
        for target in targets:
            if isinstance(target, Body):
                token = link_issue(purpose=LINK_PURPOSE, object_id=rec.pk, days=120)
                link = reverse("recommendation-respond", args=[rec.pk, token])
                row = notify(
                    kind=f"recommendation-{stage}",
                    key=f"recommendation-{rec.pk}:due-{rec.due_on.isoformat()}:body-{target.pk}",
                    subject=subject,
                    body=body
                    + f"\nRespond without signing in (the link works once):\n{settings.SITE_URL.rstrip('/')}{link}\n",
                    to_email=target.contact_email,
                    to_name=target.name,
                    urgent=True,
                    locality=rec.locality,
                    related=("recommendation", rec.pk),
                )
                if row is None:
                    transaction.set_rollback(True)  # already sent: the new link is not needed
                    return added
                added += 1
            else:
                added += notify_user(
                    kind=f"recommendation-{stage}",
                    key=f"recommendation-{rec.pk}:due-{rec.due_on.isoformat()}:user-{target.pk}",
                    subject=subject,
                    body=body,
                    user=target,
                    urgent=True,
                    link=page,
                    locality=rec.locality,
                    related=("recommendation", rec.pk),
                )
    return added


def recommendation_due_dates_recompute(locality: Locality) -> int:
    """Work out again the deadlines still open (after closure days change). Extended ones stay."""
    days_off = ClosureDay.dates_for(locality)
    changed = 0
    for rec in Recommendation.objects.filter(
        locality=locality, state=Recommendation.State.AWAITING, extensions__isnull=True, clock_stopped_on__isnull=True
    ).select_related("duty"):
        due = rec.duty.due(rec.sent_on, days_off)
        if due.due_on != rec.due_on:
            rec.due_on, rec.due_explanation = due.due_on, due.explanation()[:400]
            rec.save(update_fields=["due_on", "due_explanation"])
            changed += 1
    return changed


EVIDENCE_PURPOSE = "evidence-request"


def evidence_request_send(*, review: Review, to_body, request: str, duty: ResponseDuty, sent_on: datetime.date):
    """Ask a body (Healthwatch, a community group) to help gather views, by a due date."""
    if to_body.locality_id != review.locality_id:
        raise ValidationError({"to_body": "Choose a body in this area"})
    if not request.strip():
        raise ValidationError({"request": "Enter what you are asking for"})
    due = duty.due(sent_on, ClosureDay.dates_for(review.locality))
    with transaction.atomic():
        item = EvidenceRequest.objects.create(
            review=review,
            to_body=to_body,
            request=request,
            duty=duty,
            sent_on=sent_on,
            due_on=due.due_on,
            due_explanation=due.explanation()[:400],
        )
        token = link_issue(purpose=EVIDENCE_PURPOSE, object_id=item.pk, days=120)
        link = reverse("evidence-answer", args=[item.pk, token])
        notify(
            kind="evidence-request",
            key=f"evidence-{item.pk}:body-email",
            subject=f"{review.lead_body.name} asks for your help with ‘{review.topic}’ by {due.due_on:%-d %B %Y}",
            body=f"{review.lead_body.name} is reviewing ‘{review.topic}’ and asks:\n\n{request}\n\n"
            f"Please answer by {due.due_on:%A %-d %B %Y}.\n\nAnswer without signing in (the link works once):\n"
            f"{settings.SITE_URL.rstrip('/')}{link}\n",
            to_email=to_body.contact_email,
            to_name=to_body.name,
            urgent=True,
            locality=review.locality,
            related=("review", review.pk),
        )
    return item


def evidence_answer(*, item: EvidenceRequest, answer: str, name: str) -> EvidenceRequest:
    if not answer.strip():
        raise ValidationError({"answer": "Enter what you found"})
    with transaction.atomic():
        locked = EvidenceRequest.objects.select_for_update().get(pk=item.pk)
        if locked.state == EvidenceRequest.State.ANSWERED:
            raise ValidationError("This request has already been answered.")
        locked.answer, locked.answered_by_name = answer, name
        locked.answered_at, locked.state = timezone.now(), EvidenceRequest.State.ANSWERED
        locked.save()
        review = locked.review
        page = reverse("reports:review", args=[review.locality.slug, review.pk])
        for user in Membership.people(review.lead_body, [Role.OFFICER, Role.CHAIR]):
            notify_user(
                kind="evidence-answered",
                key=f"evidence-{locked.pk}:answered:user-{user.pk}",
                subject=f"{locked.to_body.name} answered your request for ‘{review.topic}’",
                body=answer[:2000],
                user=user,
                link=page,
                locality=review.locality,
                related=("review", review.pk),
            )
    return locked


def evidence_chase(today: datetime.date) -> int:
    """A reminder on the due day and one when overdue, each once."""
    added = 0
    for item in EvidenceRequest.objects.filter(state=EvidenceRequest.State.SENT, due_on__lte=today).select_related(
        "review__locality", "review__lead_body", "to_body"
    ):
        stage = "due-today" if item.due_on == today else "overdue"
        added += (
            notify(
                kind=f"evidence-{stage}",
                key=f"evidence-{item.pk}:body-email",
                subject=f"{'Due today' if stage == 'due-today' else 'Overdue'}: evidence for ‘{item.review.topic}’",
                body=f"{item.review.lead_body.name} asked for your help with ‘{item.review.topic}’ by "
                f"{item.due_on:%A %-d %B %Y}.\n\n{item.request}\n\nUse the link in the first email to answer.",
                to_email=item.to_body.contact_email,
                to_name=item.to_body.name,
                urgent=True,
                locality=item.review.locality,
                related=("review", item.review_id),
            )
            is not None
        )
    return added
