"""The checks a recommendation or a request must pass before it is sent: that its body serves an
area the report concerns, that the rule fixing its deadline binds that body, and the rest of what
the form cannot check alone."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Body, Locality, ResponseDuty

from ..models import Recommendation, Report


def serves_any(areas: list[Locality], body: Body) -> bool:
    """Whether the body serves any of these areas today (a joint report's recommendation, or a
    joint review's request for evidence, may go to a body of any area it concerns)."""
    served = Locality.objects.filter(pk__in=[area.pk for area in areas])
    return Body.objects.serving(served).filter(pk=body.pk).exists()


def duty_refusals(
    duty: ResponseDuty, body: Body, sent_on: datetime.date, agreed_on: datetime.date | None
) -> dict[str, str]:
    """Why this rule cannot fix the deadline of a request to this body (by field), if it cannot:
    the rule must bind the body, and an agreed rule needs a date after the day it is sent."""
    if not duty.binds_body(body):
        return {
            "duty": (
                f"‘{duty.name}’ does not bind {body.name} ({body.get_kind_display().lower()}). Choose a rule "
                f"that binds it, or ‘No statutory duty: a date agreed with the body’"
            )
        }
    if duty.is_agreed and agreed_on is None:
        return {"agreed_on": f"Enter the date agreed with {body.name}"}
    if duty.is_agreed and agreed_on is not None and agreed_on <= sent_on:
        return {"agreed_on": f"The agreed date must be after the day it is sent, {sent_on:%-d %B %Y}"}
    return {}


def issue_errors(report: Report, addressed_to: Body | None, sent_on: datetime.date, text: str) -> dict[str, str]:
    errors = {}
    if addressed_to is None:
        errors["addressed_to"] = "Choose the body this recommendation is for"
    elif not serves_any(report.area_list(), addressed_to):
        errors["addressed_to"] = (
            "Choose a body that serves an area this report concerns"
            if report.is_joint()
            else "Choose a body that serves this area"
        )
    if sent_on > timezone.localdate():
        errors["sent_on"] = "The date sent must be today or in the past"
    if not text.strip():
        errors["text"] = "Enter the recommendation"
    return errors


def answerable_or_refuse(rec: Recommendation) -> None:
    """A withdrawn recommendation, or one not yet sent, is not answered: a clear refusal."""
    if rec.state == Recommendation.State.WITHDRAWN:
        raise ValidationError(
            f"{rec.reference} was withdrawn on {rec.withdrawn_on:%-d %B %Y} ({rec.withdrawn_reason}). "
            "It needs no response, and none was recorded."
        )
    if not rec.is_sent():
        raise ValidationError(f"{rec.reference} has not been sent yet, so it cannot be answered.")


def reference_for(report: Report, reference: str = "") -> str:
    """The reference a new recommendation of the report takes: the one typed, or the next number
    (R1, R2…); refused when the area already uses it. Call inside the write's transaction."""
    from django.core.exceptions import ValidationError

    from ..models import Recommendation

    reference = reference or f"{report.reference_prefix}-R{report.recommendations.count() + 1}"
    if Recommendation.objects.filter(locality=report.locality, reference__iexact=reference).exists():
        raise ValidationError({"reference": f"{reference} is already used in this area. Use a different reference."})
    return reference
