"""Recommendations a body has not answered and evidence requests it has not met in an area:
open work that keeps it serving there (registered with agencies.open_work when the app starts)."""

from __future__ import annotations

import datetime

from agencies.models import Body, Locality
from agencies.open_work import counted

from .models import EvidenceRequest, Recommendation


def recommendations_awaiting(body: Body, locality: Locality, ends_on: datetime.date) -> list[str]:
    number = Recommendation.objects.filter(
        addressed_to=body, locality=locality, state=Recommendation.State.AWAITING
    ).count()
    return counted(number, "recommendation awaiting its response", "recommendations awaiting its response")


def evidence_requests_unanswered(body: Body, locality: Locality, ends_on: datetime.date) -> list[str]:
    number = EvidenceRequest.objects.filter(
        to_body=body, review__locality=locality, state=EvidenceRequest.State.SENT
    ).count()
    return counted(number, "evidence request it has not answered", "evidence requests it has not answered")
