"""The room's writes: reviews, reports, recommendations, responses, evidence requests and
closure days (reports may use concerns and agencies). The scheduled chase is in chasing.py."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies import figures
from agencies.access import serves
from agencies.links import link_consume
from agencies.models import Body, ClosureDay, Locality, Membership, ResponseDuty, Role, SignedLink, User
from agencies.notifications import AnswerLink, notify_body, notify_people
from concerns.alerts import recompute_due_dates

from .. import telling
from ..access import coverable_areas
from ..models import (
    EvidenceRequest,
    Extension,
    ImplementationUpdate,
    Recommendation,
    Report,
    Response,
    Review,
)
from .receipts import evidence_receipt, response_receipt
from .rules import answerable_or_refuse, duty_refusals, issue_errors, reference_for, serves_any

logger = logging.getLogger(__name__)

LINK_PURPOSE = "recommendation"
EVIDENCE_PURPOSE = "evidence-request"
LINK_DAYS = 120


def message(template: str, **context: Any) -> str:
    return render_to_string(f"reports/email/{template}.txt", context)


def recommendation_link(rec: Recommendation) -> AnswerLink:
    return AnswerLink(
        purpose=LINK_PURPOSE, object_id=rec.pk, url_name="recommendation-respond", url_args=(rec.pk,), days=LINK_DAYS
    )


def closure_day_add(*, locality: Locality, date: datetime.date, reason: str) -> tuple[ClosureDay, int]:
    """Add a non-working day and work out again every open deadline. Returns the day and how
    many deadlines moved."""
    try:
        with transaction.atomic():
            day = ClosureDay.objects.create(locality=locality, date=date, reason=reason)
            moved = recompute_due_dates(locality) + recommendation_due_dates_recompute(locality=locality)
    except IntegrityError:
        raise ValidationError({"date": f"{date:%-d %B %Y} is already a closure day."}) from None
    figures.changed(locality.pk)  # deadlines moved in bulk, without model signals
    return day, moved


def closure_day_remove(*, day: ClosureDay) -> int:
    with transaction.atomic():
        locality = day.locality
        day.delete()
        moved = recompute_due_dates(locality) + recommendation_due_dates_recompute(locality=locality)
    figures.changed(locality.pk)
    return moved


# ---------------------------------------------------------------- reviews, reports and recommendations


def concerned_areas(body: Body, locality: Locality, areas: Iterable[Locality] = ()) -> list[Locality]:
    """The areas a review or report concerns: the lead area, and each other area asked for,
    where the body must hold a scrutiny or Healthwatch function today (a joint committee)."""
    others = {area.pk: area for area in areas if area.pk != locality.pk}
    allowed = set(coverable_areas(body).filter(pk__in=list(others)).values_list("pk", flat=True))
    refused = sorted(area.name for pk, area in others.items() if pk not in allowed)
    if refused:
        raise ValidationError(
            {
                "areas": f"{body.name} does not hold a scrutiny or Healthwatch function in {', '.join(refused)}. "
                "Choose only areas from the list."
            }
        )
    return [locality, *sorted(others.values(), key=lambda area: area.name)]


def review_create(
    *, locality: Locality, lead_body: Body, created_by: User, areas: Iterable[Locality] = (), **fields: Any
) -> Review:
    """Start a review led in `locality`; a joint committee's may concern other `areas` too."""
    if not serves(locality, lead_body):
        raise ValidationError({"lead_body": "Choose a body that serves this area"})
    concerned = concerned_areas(lead_body, locality, areas)
    concerns = fields.pop("concerns", [])
    alerts = fields.pop("alerts", [])
    with transaction.atomic():
        review = Review.objects.create(locality=locality, lead_body=lead_body, created_by=created_by, **fields)
        review.concerns.set(concerns)
        review.alerts.set(alerts)
        review.areas.set(concerned)
        telling.review_cites(review)
    return review


def review_set_state(*, review: Review, state: str) -> Review:
    if state not in Review.State.values:
        raise ValidationError({"state": "Choose a status from the list"})
    review.state = state
    review.save(update_fields=["state"])
    return review


def report_create(
    *,
    locality: Locality,
    issuing_body: Body,
    title: str,
    summary: str,
    reference_prefix: str,
    review: Review | None = None,
    areas: Iterable[Locality] = (),
) -> Report:
    """Write a report led in `locality` (where its recommendations are numbered); a joint
    committee's may concern other `areas` too, and shows in each."""
    if not serves(locality, issuing_body):
        raise ValidationError({"issuing_body": "Choose a body that serves this area"})
    concerned = concerned_areas(issuing_body, locality, areas)
    if Report.objects.filter(locality=locality, reference_prefix__iexact=reference_prefix).exists():
        raise ValidationError(
            {"reference_prefix": f"{reference_prefix} is already used by another report. Choose another."}
        )
    with transaction.atomic():
        report = Report.objects.create(
            locality=locality,
            issuing_body=issuing_body,
            title=title,
            summary=summary,
            reference_prefix=reference_prefix,
            review=review,
        )
        report.areas.set(concerned)
    return report


def report_publish(*, report: Report, on: datetime.date) -> Report:
    if report.published_on:
        return report  # published once; publishing again changes nothing
    if not report.recommendations.exists():
        raise ValidationError("Add at least one recommendation before publishing the report.")
    with transaction.atomic():
        report.published_on = on
        report.save(update_fields=["published_on"])
        telling.report_published(report)
    return report


def recommendation_issue(
    *,
    report: Report,
    text: str,
    addressed_to: Body | None,
    duty: ResponseDuty,
    sent_on: datetime.date,
    reference: str = "",
    agreed_on: datetime.date | None = None,
) -> Recommendation:
    """Record one already sent (on paper, or now): straight to sent on `sent_on`, its deadline
    fixed from the duty, and the body told. Drafts are in lifecycle.py. It is numbered and
    timed in the report's lead area, and concerns every area the report does."""
    locality = report.locality
    errors = issue_errors(report, addressed_to, sent_on, text)
    if addressed_to is not None and "addressed_to" not in errors:
        errors.update(duty_refusals(duty, addressed_to, sent_on, agreed_on))
    if errors or addressed_to is None:
        raise ValidationError(errors)
    with transaction.atomic():
        reference = reference_for(report, reference)
        due = duty.due(sent_on, ClosureDay.dates_for(locality), agreed_on)
        recommendation = Recommendation.objects.create(
            locality=locality,
            report=report,
            reference=reference,
            text=text,
            addressed_to=addressed_to,
            duty=duty,
            deadline_agreed_on=agreed_on,
            sent_on=sent_on,
            due_on=due.due_on,
            due_explanation=due.explanation()[:400],
        )
        announce_sent(recommendation)
    return recommendation


def announce_sent(rec: Recommendation) -> None:
    """One email with the single-use answer link to the body's contact address, and its members
    told in the app: once (the outbox's dedupe keys), however often it is called."""
    report, body = rec.report, rec.addressed_to
    notify_body(
        body=body,
        kind="recommendation",
        key=f"recommendation-{rec.pk}",
        subject=f"Recommendation {rec.reference} from {report.issuing_body.name}: response due {rec.due_on:%-d %B %Y}",
        text=message("recommendation", r=rec, report=report),
        locality=rec.locality,
        related=("recommendation", rec.pk),
        answer_link=recommendation_link(rec),
        tell_members=True,
        member_subject=f"Recommendation {rec.reference} to {body.name}: response due {rec.due_on:%-d %B %Y}",
        member_text=message("recommendation_member", r=rec, report=report),
        member_link=reverse("reports:recommendation", args=[rec.locality.slug, rec.pk]),
        members_urgent=False,
    )


def _tell_issuers(rec: Recommendation, *, subject: str, body: str, key: str) -> None:
    page = reverse("reports:recommendation", args=[rec.locality.slug, rec.pk])
    notify_people(
        Membership.people(rec.report.issuing_body, [Role.OFFICER, Role.CHAIR]),
        kind="recommendation-answered",
        key=key,
        subject=subject,
        body=body,
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
    user: User | None = None,
    link: SignedLink | None = None,
    via_link: bool = False,
    letter: File | None = None,
    responded_on: datetime.date | None = None,
    receipt_email: str = "",
) -> Response:
    """Record the addressed body's response (in the app, by letter on its behalf, or with the
    checked answer `link`, used up only if it is recorded); a receipt unless by letter."""
    answerable_or_refuse(recommendation)
    sent_on, errors = recommendation.sent_dates()[0], {}
    if decision == Response.Decision.NOT_ACCEPTED and not reasons.strip():
        errors["reasons"] = "Give the reasons the recommendation is not accepted"
    if decision in (Response.Decision.ACCEPTED, Response.Decision.PARTIALLY) and not action_plan.strip():
        errors["action_plan"] = "Enter the action plan for what is accepted"
    if target_date and target_date < sent_on:
        errors["target_date"] = "The target date must be after the recommendation was sent"
    if responded_on and responded_on < sent_on:
        errors["received_on"] = "The letter cannot have arrived before the recommendation was sent"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if link is not None:
            link_consume(link)
        answerable_or_refuse(locked := Recommendation.objects.select_for_update().get(pk=recommendation.pk))
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
            via_link=via_link or link is not None,
            receipt_email=receipt_email,
            recorded_by=user,
            letter=letter or "",
        )
        if not (letter or responded_on):  # answered by the body itself, now
            response.receipt = response_receipt(response, answerer_email=receipt_email or (user.email if user else ""))
        locked.state, locked.follow_up_on = Recommendation.State.RESPONDED, target_date
        locked.save(update_fields=["state", "follow_up_on"])
        _tell_issuers(
            locked,
            subject=f"{locked.addressed_to.name} responded to {locked.reference}: {response.get_decision_display()}",
            body=message("response", response=response),
            key=f"response-{response.pk}",
        )
        telling.recommendation_answered(locked)
    return response


def extension_record(
    *, recommendation: Recommendation, new_due_on: datetime.date, reason: str, agreed_by: str, user: User
) -> Recommendation:
    answerable_or_refuse(recommendation)
    sent_on, due_on = recommendation.sent_dates()
    if new_due_on <= sent_on:
        raise ValidationError({"new_due_on": "The new date must be after the date the recommendation was sent"})
    if new_due_on <= due_on:
        raise ValidationError(
            {"new_due_on": f"An extension must be later than the current deadline, {due_on:%-d %B %Y}"}
        )
    with transaction.atomic():
        Extension.objects.create(
            recommendation=recommendation,
            previous_due_on=due_on,
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
    recommendation.due_on = recommendation.sent_dates()[1] + datetime.timedelta(days=paused)
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


def update_record(
    *,
    recommendation: Recommendation,
    status: str,
    progress: str,
    new_date: datetime.date | None,
    reason: str,
    user: User,
) -> ImplementationUpdate:
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


def recommendation_due_dates_recompute(*, locality: Locality) -> int:
    """Work out again the deadlines still open (after closure days change). Extended ones stay."""
    days_off = ClosureDay.dates_for(locality)
    changed = 0
    for rec in (
        Recommendation.objects.filter(
            locality=locality,
            state=Recommendation.State.AWAITING,
            extensions__isnull=True,
            clock_stopped_on__isnull=True,
        )
        .exclude(duty__unit="agreed")  # an agreed date is not counted, so nothing to work out again
        .select_related("duty")
    ):
        due = rec.duty.due(rec.sent_on, days_off)
        if due.due_on != rec.due_on:
            rec.due_on, rec.due_explanation = due.due_on, due.explanation()[:400]
            rec.save(update_fields=["due_on", "due_explanation"])
            changed += 1
    return changed


def evidence_request_send(
    *,
    review: Review,
    to_body: Body,
    request: str,
    duty: ResponseDuty,
    sent_on: datetime.date,
    agreed_on: datetime.date | None = None,
) -> EvidenceRequest:
    """Ask a body (Healthwatch, a community group) of an area the review concerns to help gather
    views, by a due date."""
    if not serves_any(review.area_list(), to_body):
        raise ValidationError({"to_body": "Choose a body that serves this area"})
    errors = duty_refusals(duty, to_body, sent_on, agreed_on)
    if not request.strip():
        errors["request"] = "Enter what you are asking for"
    if errors:
        raise ValidationError(errors)
    due = duty.due(sent_on, ClosureDay.dates_for(review.locality), agreed_on)
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
        notify_body(
            body=to_body,
            kind="evidence-request",
            key=f"evidence-{item.pk}",
            subject=f"{review.lead_body.name} asks for your help with ‘{review.topic}’ by {due.due_on:%-d %B %Y}",
            text=message("evidence_request", item=item, review=review),
            locality=review.locality,
            related=("review", review.pk),
            answer_link=AnswerLink(
                purpose=EVIDENCE_PURPOSE,
                object_id=item.pk,
                url_name="evidence-answer",
                url_args=(item.pk,),
                invitation="Answer without signing in (the link works once):",
                days=LINK_DAYS,
            ),
        )
    return item


def evidence_answer(
    *, item: EvidenceRequest, answer: str, name: str, link: SignedLink | None = None, receipt_email: str = ""
) -> EvidenceRequest:
    """Record the body's answer, with the checked answer `link`, used up here only if it is
    recorded; the body and the person (at `receipt_email`) get a receipt, also on `.receipt`."""
    if not answer.strip():
        raise ValidationError({"answer": "Enter what you found"})
    with transaction.atomic():
        if link is not None:
            link_consume(link)
        locked = EvidenceRequest.objects.select_for_update().get(pk=item.pk)
        if locked.state == EvidenceRequest.State.ANSWERED:
            raise ValidationError("This request has already been answered.")
        locked.answer, locked.answered_by_name = answer, name
        locked.answered_at, locked.state = timezone.now(), EvidenceRequest.State.ANSWERED
        locked.receipt_email = receipt_email
        locked.save()
        locked.receipt = evidence_receipt(locked, answerer_email=receipt_email)
        review = locked.review
        page = reverse("reports:review", args=[review.locality.slug, review.pk])
        notify_people(
            Membership.people(review.lead_body, [Role.OFFICER, Role.CHAIR]),
            kind="evidence-answered",
            key=f"evidence-{locked.pk}:answered",
            subject=f"{locked.to_body.name} answered your request for ‘{review.topic}’",
            body=answer[:2000],
            link=page,
            locality=review.locality,
            related=("review", review.pk),
        )
    return locked
