"""Safeguarding referrals: a concern flagged as safeguarding goes the same day to the council's
adult or children's safeguarding team, found by the function it holds in the area (never by its
kind). Recording it, its outcome, and the concerns still waiting for one."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from agencies.access import bodies_holding
from agencies.models import Body, Function, Locality, User

from .models import Concern
from .safeguarding_models import SafeguardingReferral


def safeguarding_teams(locality: Locality, on: datetime.date | None = None) -> QuerySet[Body]:
    """The bodies holding the adult or children's safeguarding function in the area today."""
    return bodies_holding(Function.SAFEGUARDING, locality, on).order_by("name")


def referral_record(
    *,
    concern: Concern,
    to_body: Body,
    referred_on: datetime.date,
    method: str,
    their_reference: str = "",
    notes: str = "",
    user: User,
) -> SafeguardingReferral:
    """Record that the concern was referred to a safeguarding team."""
    errors = {}
    if not concern.safeguarding:
        errors["to_body"] = "Mark the experience as a safeguarding concern before recording a referral"
    elif not safeguarding_teams(concern.locality, referred_on).filter(pk=to_body.pk).exists():
        errors["to_body"] = "Choose the adult or children's safeguarding team for this area"
    if referred_on > timezone.localdate():
        errors["referred_on"] = "The date referred must be today or in the past"
    elif referred_on < concern.received_on:
        errors["referred_on"] = (
            f"The date referred must be on or after the date received, {concern.received_on:%-d %B %Y}"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return SafeguardingReferral.objects.create(
            concern=concern,
            to_body=to_body,
            referred_on=referred_on,
            method=method,
            their_reference=their_reference.strip(),
            notes=notes.strip(),
            referred_by=user,
        )


def outcome_record(*, referral: SafeguardingReferral, outcome: str, outcome_on: datetime.date) -> SafeguardingReferral:
    """What the team told us, and when."""
    errors = {}
    if not outcome.strip():
        errors["outcome"] = "Enter what the safeguarding team told you"
    if outcome_on > timezone.localdate():
        errors["outcome_on"] = "The date must be today or in the past"
    elif outcome_on < referral.referred_on:
        errors["outcome_on"] = f"The date must be on or after the referral, {referral.referred_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    referral.outcome, referral.outcome_on = outcome.strip(), outcome_on
    referral.save(update_fields=["outcome", "outcome_on"])
    return referral


def unreferred(locality: Locality, collecting_body_ids) -> QuerySet[Concern]:
    """Safeguarding concerns these bodies collected with no referral recorded, oldest first."""
    referred = SafeguardingReferral.objects.filter(concern=OuterRef("pk"))
    return (
        Concern.all_objects.filter(
            locality=locality, collecting_body_id__in=list(collecting_body_ids), safeguarding=True
        )
        .exclude(status="closed")
        .filter(~Exists(referred))
        .order_by("received_on", "pk")
    )
