"""Telling people who asked to hear back that their record has a new holder (issue 17, item 3).

After a handover of the local Healthwatch function has happened, each person who asked for
updates about an experience the outgoing Healthwatch collected gets one email (per experience,
per plan: the outbox's dedupe key names both, so a rerun sends nothing) saying which body now
holds their record and what happens to their personal details: passed on under the recorded
transfer scheme, or kept sealed and destroyed at the end of the area's retention period.

Never for a safeguarding concern unless staff entitled to the details allowed updates for it
(`people_updates.receivers` applies that rule); those withheld are listed for staff
(`withheld`)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from agencies.handover_models import HandoverPlan
from agencies.models import Body, Function, FunctionHolding
from agencies.parts import rules_for

from . import people_updates, seals
from .models import Concern
from .parts import concern_part
from .transfer_models import DetailsTransfer
from .updates_models import UpdatesWish

RECENT_DAYS = 30


def _outgoing_id(plan: HandoverPlan) -> int | None:
    day_before = plan.takes_effect_on - datetime.timedelta(days=1)
    holding = FunctionHolding.objects.filter(
        locality=plan.locality, function=plan.function, part__isnull=True, starts_on__lte=day_before, ends_on=day_before
    ).first()
    return holding.body_id if holding else None


def _details_text(plan: HandoverPlan, from_id: int, successor) -> str:
    transfer = DetailsTransfer.objects.filter(locality=plan.locality, from_body_id=from_id, to_body=successor).first()
    if transfer:
        return (
            f"Your name and contact details were passed to {successor.name} under {transfer.scheme_reference}. "
            f"What this means for you: {transfer.privacy_notice}"
        )
    since = plan.takes_effect_on
    until = since + datetime.timedelta(days=seals.retention_days(plan.locality))
    return (
        f"{successor.name} sees what you told us without your name or contact details. Your details are kept "
        f"sealed, so nobody reads them, and they will be destroyed on {date_format(until, 'j F Y')}."
    )


def tell_plan(plan: HandoverPlan) -> int:
    """Tell the people behind the outgoing Healthwatch's experiences about their new record
    holder (once each). Returns how many emails are new."""
    from_id = _outgoing_id(plan)
    if from_id is None:
        return 0
    rules = rules_for(plan.locality, plan.function)
    successors = {chosen.part_id: chosen.successor for chosen in plan.parts.select_related("successor")}
    concerns = Concern.all_objects.filter(
        locality=plan.locality, collecting_body_id=from_id, updates_wish__wants_updates=True
    )
    by_id = {c.pk: c for c in concerns}
    old_name = Body.objects.get(pk=from_id).name
    added = 0
    with transaction.atomic():
        for wish, email in people_updates.receivers(by_id):
            part = concern_part(by_id[wish.concern_id], rules)
            successor = successors.get(part.pk) if part else None
            if part is None or successor is None:
                continue
            text = (
                f"From {date_format(plan.takes_effect_on, 'j F Y')} {old_name}'s {part.name.lower()} functions are "
                f"carried out by {successor.name}. {successor.name} now holds the record of your experience.\n\n"
                f"{_details_text(plan, from_id, successor)}"
            )
            row = people_updates.send_to_person(
                wish=wish,
                email=email,
                kind="person-new-holder",
                key=f"concern-{wish.concern_id}:new-holder-{plan.pk}",
                subject="Your experience has a new record holder",
                text=text,
            )
            added += row is not None
    return added


def tell_recent(today: datetime.date | None = None) -> int:
    """The daily job: every handover done in the last 30 days (the dedupe keys make it once)."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    plans = HandoverPlan.objects.filter(
        state=HandoverPlan.State.DONE, function__code=Function.LOCAL_HEALTHWATCH, done_at__gte=since
    ).select_related("locality", "function")
    return sum(tell_plan(plan) for plan in plans)


def withheld(locality) -> list[Concern]:
    """Safeguarding experiences whose people asked to hear back but whose updates staff have not
    allowed: they are not told about a new holder until staff allow it."""
    ids = UpdatesWish.objects.filter(
        concern__locality=locality,
        concern__safeguarding=True,
        wants_updates=True,
        stopped_at=None,
        safeguarding_allowed_at__isnull=True,
    ).values_list("concern_id", flat=True)
    return list(Concern.all_objects.filter(pk__in=ids).order_by("pk"))
