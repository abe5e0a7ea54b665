"""Receipts for answers to this room's requests (agencies.receipts): a recommendation's
response and an evidence request's answer, each a copy of what was sent, for the body's contact
address and the person who answered."""

from __future__ import annotations

from django.utils import timezone

from agencies.receipts import Receipt, receipt_send

from ..models import EvidenceRequest, Response


def response_receipt(response: Response, *, answerer_email: str) -> Receipt:
    rec = response.recommendation
    lines = [
        ("Recommendation", rec.text),
        ("Do you accept the recommendation?", response.get_decision_display()),
        ("Reasons", response.reasons),
        ("Action plan", response.action_plan),
    ]
    if response.target_date:
        lines.append(("Target date", f"{response.target_date.day} {response.target_date:%B %Y}"))
    receipt = Receipt(
        reference=rec.reference,
        title=f"Response to recommendation {rec.reference}",
        answered_for=rec.addressed_to.name,
        sent_to=rec.report.issuing_body.name,
        recorded_at=timezone.now(),
        answered_by=response.answered_by_name,
        lines=tuple((label, text) for label, text in lines if text),
    )
    return receipt_send(
        receipt,
        key=f"response-{response.pk}",
        body=rec.addressed_to,
        answerer_email=answerer_email,
        locality=rec.locality,
        related=("recommendation", rec.pk),
    )


def evidence_receipt(item: EvidenceRequest, *, answerer_email: str) -> Receipt:
    review = item.review
    receipt = Receipt(
        reference=f"Evidence request {item.pk}",
        title=f"Answer to {review.lead_body.name}'s request for help with ‘{review.topic}’",
        answered_for=item.to_body.name,
        sent_to=review.lead_body.name,
        recorded_at=item.answered_at or timezone.now(),
        answered_by=item.answered_by_name,
        lines=(("What you were asked", item.request), ("What you found", item.answer)),
    )
    return receipt_send(
        receipt,
        key=f"evidence-{item.pk}:answered",
        body=item.to_body,
        answerer_email=answerer_email,
        locality=review.locality,
        related=("review", review.pk),
    )
