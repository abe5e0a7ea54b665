"""The reports' steps in what happened to one experience (concerns.trail): reviews that
included it, the reports published from them, their recommendations and the responses, and the
board's priorities citing it and the actions done on them.

Dates, states and body names only: never a review's scope, a recommendation's or a response's
text, or anyone's name. A report, its recommendations and the responses appear once the report
is published (before that its findings are not public). Six queries, however many records
cite the experience, directly or through an alert.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern
from concerns.trail import Step

from .citations import citing
from .models import Priority, PriorityAction, Recommendation, Report, Response, Review

REVIEW_WORDS = {
    Review.Kind.SCRUTINY_REVIEW: "a scrutiny review",
    Review.Kind.SERVICE_CHANGE: "its look at a proposed change to services",
    Review.Kind.FOLLOW_UP: "a check on a change in practice",
    Review.Kind.RESEARCH: "a research project",
    Review.Kind.ENTER_AND_VIEW: "an Enter and View visit",
}
DECISION_WORDS = {
    Response.Decision.ACCEPTED: "accepted the recommendation",
    Response.Decision.PARTIALLY: "partly accepted the recommendation",
    Response.Decision.NOT_ACCEPTED: "did not accept the recommendation",
}


def review_steps(concern: Concern) -> list[Step]:
    """Reviews citing it, their published reports, and those reports' recommendations and
    responses (three queries)."""
    reviews = list(Review.objects.filter(citing(concern)).distinct().select_related("lead_body"))
    found = [
        Step(
            review.starts_on or timezone.localdate(review.created_at),
            f"{review.lead_body.name} included it in {REVIEW_WORDS.get(review.kind, 'a piece of work')}.",
        )
        for review in reviews
    ]
    if not reviews:
        return found
    reports = (
        Report.objects.filter(review__in=[r.pk for r in reviews], published_on__isnull=False)
        .select_related("issuing_body", "locality")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.sent().select_related("addressed_to", "response").order_by("id"),
            )
        )
    )
    for report in reports:
        link = reverse("public-report", args=[report.locality.slug, report.pk])
        read = f"Read the report by {report.issuing_body.name}"
        found.append(Step(report.published_on, f"{report.issuing_body.name} published a report.", link, read))
        found.extend(_recommendation_steps(report, link, read))
    return found


def _recommendation_steps(report: Report, link: str, read: str) -> list[Step]:
    found = []
    for rec in report.recommendations.all():
        body = rec.addressed_to.name
        made = f"{report.issuing_body.name} made a recommendation to {body}."
        found.append(Step(rec.sent_on, made, link, read))
        response = getattr(rec, "response", None)
        if response is not None:
            found.append(Step(response.responded_on, f"{body} {DECISION_WORDS[response.decision]}.", link, read))
    return found


def priority_steps(concern: Concern) -> list[Step]:
    """Board priorities citing it and the actions done on them (two queries)."""
    done = PriorityAction.objects.filter(done_on__isnull=False).select_related("owner_body").order_by("done_on", "id")
    priorities = (
        Priority.objects.filter(citing(concern))
        .distinct()
        .select_related("owner_body")
        .prefetch_related(Prefetch("actions", queryset=done, to_attr="done_actions"))
    )
    board = f"The health and wellbeing board for {concern.locality.name}"
    found = []
    for priority in priorities:
        owner = priority.owner_body.name
        found.append(Step(priority.agreed_on, f"{board} counts it in one of its priorities, led by {owner}."))
        for action in (a for a in priority.done_actions if a.done_on >= concern.received_on):
            found.append(Step(action.done_on, f"{action.owner_body.name} finished an action on that priority."))
    return found
