"""Open work for the demo's planned handover to show (issue 16): the scrutiny committee's
service change review asks Healthwatch Northmoor to gather the views of people who use the
walk-in centre at night, due in a month's time by a date agreed with it (once)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from agencies.demo import DemoArea
from agencies.models import ResponseDuty

from .models import EvidenceRequest, Review
from .recommendations import services

REQUEST = "Please gather the views of people who use the Riverside walk-in centre at night."


def seed_owed_evidence(area: DemoArea) -> EvidenceRequest | None:
    healthwatch = area.bodies["Healthwatch Northmoor"]
    found = EvidenceRequest.objects.filter(to_body=healthwatch, request=REQUEST).first()
    review = Review.objects.filter(
        locality=area.northmoor, kind=Review.Kind.SERVICE_CHANGE, state=Review.State.IN_PROGRESS
    ).first()
    agreed = ResponseDuty.objects.filter(locality=None, unit="agreed").first()
    if found is not None or review is None or agreed is None:
        return found
    today = timezone.localdate()
    return services.evidence_request_send(
        review=review,
        to_body=healthwatch,
        request=REQUEST,
        duty=agreed,
        sent_on=today - datetime.timedelta(days=3),
        agreed_on=today + datetime.timedelta(days=28),
    )


def seed_hear_back(area: DemoArea) -> None:
    """Someone who told Healthwatch Northmoor about the hospital asked to hear back: after the
    handover they are told, once, who holds their record now (issue 17). Once."""
    from concerns.models import Concern
    from concerns.people_updates import wish_record

    concern = (
        Concern.all_objects.filter(
            locality=area.northmoor,
            collecting_body=area.bodies["Healthwatch Northmoor"],
            safeguarding=False,
            service__service_type="hospital",
            contact__email__gt="",
        )
        .order_by("pk")
        .first()
    )
    if concern is not None:
        wish_record(concern=concern, wants=True)
