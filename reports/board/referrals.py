"""Referrals for fuller scrutiny: the board suggests, the receiving body answers.

The board cannot direct the scrutiny committee's work programme (scrutiny sets it in public, and
scrutinises the board's own members) or Healthwatch's priorities. So a referral is a suggestion
with the board's question and evidence; the officers of the body holding health scrutiny (or
joint health scrutiny, or local Healthwatch) in the area accept it, which starts a review in
their own programme with that evidence attached, or decline it with reasons. Either answer is
given once, the board's members are told, and both are in the audit trail (Referral.history).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies.access import bodies_holding
from agencies.models import Body, Function, Membership, Role, User
from agencies.notifications import ANSWERING_ROLES, notify_people
from quality_system.site import absolute_url

from .. import telling
from ..models import Priority, Referral, Review
from . import selectors

ANSWERED = "answered"  # the code of the error a second answer gets


def referral_make(
    *, priority: Priority, user: User, to_body: Body, question: str, report_by: datetime.date | None
) -> Referral:
    """Suggest to the body holding local Healthwatch or health scrutiny in the area today that it
    look at a priority more fully. Nothing is added to its programme: that is its choice
    (referral_accept, referral_decline). Its officers are told in the app and by email."""
    locality = priority.locality
    if selectors.referral_review_kind(body=to_body, locality=locality) is None or not to_body.is_active:
        raise ValidationError({"to_body": "Select the area's Healthwatch or health scrutiny committee"})
    if report_by and report_by <= timezone.localdate():
        raise ValidationError({"report_by": "The date to report back by must be in the future"})
    with transaction.atomic():
        referral = Referral.objects.create(
            priority=priority, to_body=to_body, question=question, report_by=report_by, referred_by=user
        )
        _tell_officers(referral=referral, user=user)
    return referral


def referral_accept(*, referral: Referral, user: User) -> Review:
    """Take the suggestion on: a planned review (a scrutiny review or a research project, from
    the function the body holds) in the body's own programme, with the priority's concerns,
    alerts and rises attached and linked back to the priority. Returns the review."""
    priority, locality = referral.priority, referral.priority.locality
    kind = selectors.referral_review_kind(body=referral.to_body, locality=locality)
    if kind is None:
        raise ValidationError(
            f"{referral.to_body.name} no longer holds health scrutiny or local Healthwatch in {locality.name}, "
            "so it cannot take this on. You can decline it instead."
        )
    with transaction.atomic():
        review = Review.objects.create(
            locality=locality,
            kind=kind,
            lead_body=referral.to_body,
            topic=priority.title[:200],
            scope=f"Suggested by the health and wellbeing board for fuller scrutiny.\n\n{referral.question}",
            state=Review.State.PLANNED,
            ends_on=referral.report_by,
            created_by=user,
        )
        review.concerns.set(priority.concerns.all())
        telling.review_cites(review)
        review.alerts.set(priority.alerts.all())
        review.trend_signals.set(priority.trend_signals.all())
        review.areas.set([locality])  # a board's referral concerns its own area
        priority.reviews.add(review)
        _answer(referral, state=Referral.State.ACCEPTED, user=user, review=review)
    return review


def referral_decline(*, referral: Referral, user: User, reasons: str) -> Referral:
    """Decline the suggestion, with reasons the board will read."""
    if not reasons.strip():
        raise ValidationError({"reasons": "Enter your reasons for declining"})
    with transaction.atomic():
        _answer(referral, state=Referral.State.DECLINED, user=user, reasons=reasons.strip())
    return referral


def _answer(referral: Referral, *, state: str, user: User, review: Review | None = None, reasons: str = "") -> None:
    """Record the answer once. The conditional update claims the suggestion, so a second answer
    (another tab, a double click) changes nothing and is told who answered first; the caller's
    transaction is rolled back with it (the review it made goes too). The save that follows
    writes the change to the history, which an update alone would not."""
    now = timezone.now()
    fields = {"state": state, "answered_by": user, "answered_at": now, "review": review, "reasons": reasons}
    claimed = Referral.objects.filter(pk=referral.pk, state=Referral.State.SUGGESTED).update(**fields)
    if not claimed:
        first = Referral.objects.select_related("answered_by").get(pk=referral.pk)
        raise ValidationError(already_answered(first), code=ANSWERED)
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()
    _tell_board(referral=referral)


def already_answered(referral: Referral) -> str:
    when = timezone.localtime(referral.answered_at) if referral.answered_at else None
    by = f" by {referral.answered_by.full_name}" if referral.answered_by else ""
    on = f" on {when:%-d %B %Y}" if when else ""
    return f"This suggestion was already {referral.get_state_display().lower()}{by}{on}. Nothing was changed."


def _tell_officers(*, referral: Referral, user: User) -> None:
    """The receiving body's officers hear of the suggestion in the app and by email."""
    priority, to_body = referral.priority, referral.to_body
    link = reverse("reports:referral", args=[priority.locality.slug, referral.pk])
    body = render_to_string(
        "reports/email/referral.txt",
        {"referral": referral, "priority": priority, "user": user, "url": absolute_url(link)},
    )
    notify_people(
        Membership.people(to_body, ANSWERING_ROLES),
        kind="referral",
        key=f"referral-{referral.pk}",
        subject=f"The board suggests {to_body.name} look more fully at ‘{priority.title[:120]}’",
        body=body,
        link=link,
        locality=priority.locality,
        related=("referral", referral.pk),
    )


def _tell_board(*, referral: Referral) -> None:
    """The board's members (every role) and whoever referred it hear the answer, once per
    referral and answer."""
    priority = referral.priority
    referrer = referral.referred_by
    people = {referrer.pk: referrer} if referrer.is_active else {}
    for board in bodies_holding(Function.HWB, priority.locality):
        people.update((person.pk, person) for person in Membership.people(board, Role.values))
    link = reverse("reports:priority", args=[priority.locality.slug, priority.pk])
    answer = referral.get_state_display().lower()
    body = render_to_string(
        "reports/email/referral_answer.txt",
        {"referral": referral, "priority": priority, "answer": answer, "url": absolute_url(link)},
    )
    notify_people(
        people.values(),
        kind="referral-answer",
        key=f"referral-{referral.pk}-{referral.state}",
        subject=f"{referral.to_body.name} has {answer} the board's referral of ‘{priority.title[:120]}’",
        body=body,
        link=link,
        locality=priority.locality,
        related=("referral", referral.pk),
    )
