"""Writes for handover plans: draft, edit and cancel a plan, choose one record's part, and on
the date move the open work in one transaction (`handover_perform`, run by the daily beat job
`handovers_run`).

The job claims a plan with a conditional update (planned → done) inside the same transaction as
the move, so a rerun or a second scheduler finds nothing to claim, and a worker killed mid-move
rolls everything back, the claim included: the next run does it all.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import handover
from .handover_models import CustodyChange, HandoverOverride, HandoverPart, HandoverPlan
from .models import AssessmentStatus, Body, DutyAssessment, Function, Locality, User
from .part_models import FunctionPart
from .services import function_assign

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Successor:
    part: FunctionPart
    body: Body
    legal_basis: str


def _check(*, locality: Locality, function: Function, takes_effect_on, successors, today, plan=None) -> None:
    errors: dict[str, str] = {}
    if takes_effect_on <= today:
        errors["takes_effect_on"] = "The date of the handover must be in the future. Enter a date after today."
    wanted = {p.pk for p in function.parts.all()}
    given = {s.part.pk for s in successors}
    for part in function.parts.all():
        if part.pk not in given:
            errors[f"successor_{part.code}"] = f"Select the body that will hold the {part.name.lower()} part"
    serving = set(Body.objects.serving(locality, takes_effect_on).values_list("pk", flat=True))
    for s in successors:
        if s.part.pk not in wanted:
            errors["__all__"] = f"{s.part.name} is not a part of {function.name}."
        elif s.body.pk not in serving:
            errors[f"successor_{s.part.code}"] = (
                f"{s.body.name} does not serve {locality.name} on that date. Choose a body that serves the area."
            )
    clash = HandoverPart.objects.filter(
        locality=locality, takes_effect_on=takes_effect_on, live=True, part__in=[s.part for s in successors]
    )
    if plan is not None:
        clash = clash.exclude(plan=plan)
    if "takes_effect_on" not in errors and clash.exists():
        errors["takes_effect_on"] = (
            f"There is already a handover of {function.name} planned in {locality.name} on "
            f"{takes_effect_on:%-d %B %Y}. Change or cancel that plan, or choose another date."
        )
    if errors:
        raise ValidationError(errors)


def handover_plan_save(
    *,
    locality: Locality,
    function: Function,
    takes_effect_on: datetime.date,
    successors: list[Successor],
    user: User,
    plan: HandoverPlan | None = None,
    today: datetime.date | None = None,
) -> HandoverPlan:
    """Draft a plan, or change one not yet done or cancelled: its date and each part's successor."""
    today = today or timezone.localdate()
    if plan is not None and not plan.is_editable():
        raise ValidationError("This handover has already happened or was cancelled, so it cannot be changed.")
    _check(locality=locality, function=function, takes_effect_on=takes_effect_on, successors=successors,
           today=today, plan=plan)  # fmt: skip
    try:
        with transaction.atomic():
            if plan is None:
                plan = HandoverPlan.objects.create(
                    locality=locality, function=function, takes_effect_on=takes_effect_on, created_by=user
                )
            else:
                plan = HandoverPlan.objects.select_for_update().get(pk=plan.pk, state=HandoverPlan.State.PLANNED)
                plan.takes_effect_on = takes_effect_on
                plan.save(update_fields=["takes_effect_on"])
            for s in successors:
                HandoverPart.objects.update_or_create(
                    plan=plan,
                    part=s.part,
                    defaults={
                        "successor": s.body,
                        "legal_basis": s.legal_basis,
                        "locality": locality,
                        "takes_effect_on": takes_effect_on,
                    },
                )
    except HandoverPlan.DoesNotExist:
        raise ValidationError("This handover has already happened or was cancelled, so it cannot be changed.") from None
    except IntegrityError:  # a plan saved at the same moment for the same part and date
        raise ValidationError(
            {"takes_effect_on": "Another handover of this part is planned on that date. Choose another date."}
        ) from None
    return plan


def handover_plan_cancel(*, plan: HandoverPlan, user: User) -> HandoverPlan:
    with transaction.atomic():
        changed = HandoverPlan.objects.filter(pk=plan.pk, state=HandoverPlan.State.PLANNED).update(
            state=HandoverPlan.State.CANCELLED, cancelled_by=user
        )
        if changed != 1:
            raise ValidationError("This handover has already happened or was cancelled.")
        HandoverPart.objects.filter(plan=plan).update(live=False)
    plan.refresh_from_db()
    return plan


def handover_override(
    *, plan: HandoverPlan, kind: str, record_id: int, part: FunctionPart | None, user: User
) -> HandoverOverride | None:
    """Choose the part of one record in the plan (None: follow the area's rule again)."""
    if not plan.is_editable():
        raise ValidationError("This handover has already happened or was cancelled, so it cannot be changed.")
    if part is not None and part.function_id != plan.function_id:
        raise ValidationError({"part": "Select one of the parts of this function."})
    with transaction.atomic():
        if part is None:
            HandoverOverride.objects.filter(plan=plan, kind=kind, record_id=record_id).delete()
            return None
        override, _ = HandoverOverride.objects.update_or_create(
            plan=plan, kind=kind, record_id=record_id, defaults={"part": part, "chosen_by": user}
        )
    return override


def _hold_parts(selection: handover.Selection) -> None:
    """The successors' holdings of their parts from the date, through the one rule for giving
    a part (no gap, no overlap: the outgoing holding, of the part or of the whole function,
    ends the day before)."""
    plan = selection.plan
    for part_plan in selection.parts:
        function_assign(
            function=plan.function,
            part=part_plan.part,
            body=part_plan.successor,
            locality=plan.locality,
            starts_on=plan.takes_effect_on,
            legal_basis=part_plan.legal_basis,
            notes=f"Handover plan {plan.pk}",
        )


def _start_assessments(selection: handover.Selection) -> None:
    """Each successor's self-assessment of the duties it holds from the date, not started (one
    row per duty and holder, however many parts it takes)."""
    plan = selection.plan
    for part_plan in selection.parts:
        for duty in part_plan.duties_to_assess:
            DutyAssessment.objects.get_or_create(
                locality=plan.locality,
                duty=duty,
                body=part_plan.successor,
                defaults={"status": AssessmentStatus.NOT_STARTED},
            )


def handover_perform(plan_id: int, today: datetime.date | None = None) -> HandoverPlan | None:
    """Do one plan whose date has come, all or nothing. None if there was nothing to do (not
    due, cancelled, already done, or claimed by another worker)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        claimed = HandoverPlan.objects.filter(
            pk=plan_id, state=HandoverPlan.State.PLANNED, takes_effect_on__lte=today
        ).update(state=HandoverPlan.State.DONE, done_at=timezone.now())
        if claimed != 1:
            return None
        plan = HandoverPlan.objects.select_related("locality", "function").get(pk=plan_id)
        selection = handover.select(plan)
        _hold_parts(selection)
        _start_assessments(selection)
        changes = []
        for part_plan in selection.parts:
            for group in part_plan.groups:
                by_from: dict[int, list[handover.Line]] = {}
                for line in group.lines:
                    by_from.setdefault(line.from_body.pk, []).append(line)
                for lines in by_from.values():
                    group.kind.move([ln.record.pk for ln in lines], lines[0].from_body, part_plan.successor)
                    changes.extend(
                        CustodyChange(
                            kind=group.kind.code,
                            record_id=ln.record.pk,
                            locality=plan.locality,
                            from_body=ln.from_body,
                            to_body=part_plan.successor,
                            plan=plan,
                            part=part_plan.part,
                            on=plan.takes_effect_on,
                        )
                        for ln in lines
                    )
        CustodyChange.objects.bulk_create(changes)
        plan.moved = selection.counts()
        plan.save(update_fields=["moved"])
    return plan


def handovers_run(today: datetime.date | None = None) -> int:
    """The daily job: every plan whose date has come. A plan that fails is logged and left
    planned (nothing of it written), and the next plan is tried."""
    today = today or timezone.localdate()
    done = 0
    due = HandoverPlan.objects.filter(state=HandoverPlan.State.PLANNED, takes_effect_on__lte=today)
    for plan_id in due.order_by("takes_effect_on", "pk").values_list("pk", flat=True):
        try:
            done += handover_perform(plan_id, today) is not None
        except Exception:  # a bad plan must not stop the others; it stays planned for the next run
            log.exception("Handover plan %s failed; nothing of it was written", plan_id)
    return done
