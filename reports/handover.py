"""The reports app's records in a handover (registered with agencies.handover when the app
starts): the outgoing holder's reviews in progress, the evidence requests it owes and its
reports' recommendations awaiting answers move to the successor of their part. Due dates are
never touched: a handover is no reason to restart a statutory clock."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from agencies.handover import Kind, Record, holder_mover, register
from agencies.models import Body, Locality

from .models import EvidenceRequest, Recommendation, Report, Review

OPEN_REVIEW = [Review.State.PLANNED, Review.State.IN_PROGRESS]


def _review_types(review_ids) -> dict[int, set[str]]:
    """The service types of the experiences behind each review: one query."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = Review.concerns.through.objects.filter(review_id__in=list(review_ids)).values_list(
        "review_id", "concern__service_type"
    )
    for review_id, service_type in rows:
        found[review_id].add(service_type)
    return found


def reviews(locality: Locality, body: Body) -> list[Record]:
    rows = list(Review.objects.filter(locality=locality, lead_body=body, state__in=OPEN_REVIEW).order_by("pk"))
    types = _review_types(r.pk for r in rows)
    return [
        Record(
            r.pk,
            r.topic,
            frozenset(types[r.pk]),
            due_on=r.ends_on,
            detail=r.get_state_display(),
            url=reverse("reports:review", args=[locality.slug, r.pk]),
        )
        for r in rows
    ]


reviews_move = holder_mover(lambda: Review.objects, "lead_body")


def evidence_requests(locality: Locality, body: Body) -> list[Record]:
    rows = list(
        EvidenceRequest.objects.filter(to_body=body, review__locality=locality, state=EvidenceRequest.State.SENT)
        .select_related("review")
        .order_by("due_on", "pk")
    )
    types = _review_types({r.review_id for r in rows})
    return [
        Record(
            r.pk,
            f"For the review ‘{r.review.topic}’",
            frozenset(types[r.review_id]),
            due_on=r.due_on,
            url=reverse("reports:review", args=[locality.slug, r.review_id]),
        )
        for r in rows
    ]


evidence_requests_move = holder_mover(lambda: EvidenceRequest.objects, "to_body")


def recommendations_made(locality: Locality, body: Body) -> list[Record]:
    """The body's reports with recommendations awaiting answers: the report moves (its issuer
    changes), and with it every recommendation, each keeping its due date."""
    awaiting = list(
        Recommendation.objects.filter(locality=locality, report__issuing_body=body, state=Recommendation.State.AWAITING)
        .select_related("addressed_to", "report")
        .order_by("report_id", "due_on", "pk")
    )
    by_report: dict[int, list[Recommendation]] = defaultdict(list)
    for rec in awaiting:
        by_report[rec.report_id].append(rec)
    review_ids = {recs[0].report.review_id for recs in by_report.values() if recs[0].report.review_id}
    review_types = _review_types(review_ids)
    records = []
    for report_id, recs in by_report.items():
        report = recs[0].report
        types = {r.addressed_to.service_type for r in recs if r.addressed_to.service_type}
        types |= review_types.get(report.review_id, set()) if report.review_id else set()
        detail = "; ".join(f"{r.reference} to {r.addressed_to}, due {r.due_on:%-d %B %Y}" for r in recs)
        records.append(
            Record(
                report_id,
                report.title,
                frozenset(types),
                due_on=min(r.due_on for r in recs),
                detail=detail,
                count=len(recs),
                url=reverse("reports:report", args=[locality.slug, report_id]),
            )
        )
    return records


recommendations_made_move = holder_mover(lambda: Report.objects, "issuing_body")


def register_kinds() -> None:
    register(Kind("review", "Reviews in progress", reviews, reviews_move, order=30))
    register(Kind("evidence-request", "Evidence requests it owes", evidence_requests, evidence_requests_move, order=40))
    register(
        Kind(
            "report",
            "Recommendations it made, awaiting answers",
            recommendations_made,
            recommendations_made_move,
            order=50,
        )
    )
