"""What a handover plan moves, and where: one selector read by the preview page and by the job,
so the counts shown beforehand and what moves on the day cannot disagree.

The records live in the apps above this one (alerts in concerns; reviews, evidence requests and
recommendations in reports) and imports point down, so each app registers its kinds of record
when it starts (its AppConfig.ready), as agencies.open_work does. A kind finds the open records
an outgoing holder has in an area and, if the kind moves, moves some of them to another body by
changing the field naming their holder: never a due date, never a deletion.

Each record's part comes from the area's rules (agencies.parts) by the service types it
concerns, unless an administrator chose its part in the preview (`HandoverOverride`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from . import parts
from .handover_models import CustodyChange, HandoverOverride, HandoverPlan
from .models import (
    Body,
    Duty,
    DutyAssessment,
    FunctionHolding,
    Locality,
    Membership,
    Notification,
    ResponseDuty,
)
from .part_models import FunctionPart

SHOWN = 25  # records listed per kind and part on the preview; the counts are always exact


@dataclasses.dataclass(frozen=True)
class Record:
    """One record an outgoing holder has: what the preview lists and the job moves."""

    pk: int
    label: str
    service_types: frozenset[str] = frozenset()
    due_on: datetime.date | None = None
    detail: str = ""
    count: int = 1  # the items it stands for (a report: its recommendations awaiting answers)
    # Bodies the record cannot move to (the successor already received the same alert).
    blocked: frozenset[int] = frozenset()
    url: str = ""  # the record's own page, where those allowed may open it


Finder = Callable[[Locality, Body], list[Record]]
Mover = Callable[[list[int], Body, Body], int]


def holder_mover(records: Callable[[], Any], field: str) -> Mover:
    """A kind's move: each record (of `records()`, a manager) still held by the outgoing body
    through `field` is given to the successor, saved one by one so its history keeps the change."""

    def move(ids: list[int], from_body: Body, to_body: Body) -> int:
        moved = 0
        for record in records().filter(pk__in=ids, **{field: from_body}):
            setattr(record, field, to_body)
            record.save(update_fields=[field])
            moved += 1
        return moved

    return move


@dataclasses.dataclass(frozen=True)
class Kind:
    code: str
    label: str
    find: Finder
    move: Mover | None = None  # None: listed only; the records stay where they are
    stays_because: str = ""
    order: int = 0


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind of record (once, however often an app starts)."""
    _KINDS.setdefault(kind.code, kind)
    return kind


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def kind(code: str) -> Kind | None:
    return _KINDS.get(code)


@dataclasses.dataclass
class Line:
    record: Record
    part: FunctionPart | None
    overridden: bool
    from_body: Body
    to_body: Body | None


@dataclasses.dataclass
class Group:
    """The records of one kind in one part (or, for kinds that stay, of one outgoing holder)."""

    kind: Kind
    lines: list[Line]

    @property
    def count(self) -> int:
        return sum(line.record.count for line in self.lines)

    @property
    def records(self) -> int:
        return len(self.lines)

    @property
    def shown(self) -> list[Line]:
        return self.lines[:SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.lines) - SHOWN)


@dataclasses.dataclass
class PartPlan:
    part: FunctionPart
    outgoing: Body | None
    successor: Body
    legal_basis: str
    groups: list[Group]
    # The function's duties the successor will hold from the date and has not yet assessed: the
    # job starts a self-assessment of each (not started) for it.
    duties_to_assess: list[Duty] = dataclasses.field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)


@dataclasses.dataclass
class Selection:
    plan: HandoverPlan
    parts: list[PartPlan]
    staying: list[Group]  # listed, not moved (seats, messages, area records, blocked records)
    outgoing: list[Body]

    def moving_lines(self):
        for part_plan in self.parts:
            for group in part_plan.groups:
                for line in group.lines:
                    yield group.kind, line

    def counts(self) -> dict[str, int]:
        """Items moving, by kind of record (what the job records as moved)."""
        totals: dict[str, int] = {}
        for kind_, line in self.moving_lines():
            totals[kind_.code] = totals.get(kind_.code, 0) + line.record.count
        return totals


def outgoing_holders(plan: HandoverPlan) -> dict[int, Body]:
    """Each part's holder on the day before the handover: the holder of that part, or else of
    the whole function. Keyed by part id."""
    eve = plan.takes_effect_on - datetime.timedelta(days=1)
    holdings = (
        FunctionHolding.objects.current(eve)
        .filter(locality=plan.locality_id, function=plan.function_id)
        .select_related("body")
        .order_by("starts_on", "pk")
    )
    whole = next((h.body for h in holdings if h.part_id is None), None)
    by_part = {h.part_id: h.body for h in holdings if h.part_id is not None}
    return {p.pk: by_part.get(p.pk, whole) for p in plan.function.parts.all() if by_part.get(p.pk, whole)}


def select(plan: HandoverPlan) -> Selection:
    """Everything the plan moves, per part, and what it lists but leaves where it is."""
    locality = plan.locality
    plan_parts = list(plan.parts.select_related("part", "successor").order_by("part__order"))
    holders = outgoing_holders(plan)
    rules = parts.rules_for(locality, plan.function)
    overrides = {
        (o.kind, o.record_id): o.part for o in HandoverOverride.objects.filter(plan=plan).select_related("part")
    }
    successors = {pp.part_id: pp for pp in plan_parts}
    outgoing = list({b.pk: b for b in holders.values()}.values())
    by_part: dict[int, dict[str, list[Line]]] = {pp.part_id: {} for pp in plan_parts}
    staying: list[Group] = []
    for body in outgoing:
        for kind_ in kinds():
            records = kind_.find(locality, body)
            if kind_.move is None:
                if records:
                    staying.append(Group(kind_, [Line(r, None, False, body, None) for r in records]))
                continue
            blocked: list[Line] = []
            for record in records:
                chosen = overrides.get((kind_.code, record.pk))
                part = chosen or parts.part_for(rules, record.service_types)
                target = successors.get(part.pk) if part else None
                if target is None or holders.get(part.pk) != body or target.successor_id == body.pk:
                    continue  # not this holder's part, or it stays with its holder
                line = Line(record, part, chosen is not None, body, target.successor)
                if target.successor_id in record.blocked:
                    blocked.append(line)
                else:
                    by_part[part.pk].setdefault(kind_.code, []).append(line)
            if blocked:
                staying.append(Group(kind_, blocked))
    part_plans = [
        PartPlan(
            part=pp.part,
            outgoing=holders.get(pp.part_id),
            successor=pp.successor,
            legal_basis=pp.legal_basis,
            groups=[Group(k, by_part[pp.part_id][k.code]) for k in kinds() if by_part[pp.part_id].get(k.code)],
        )
        for pp in plan_parts
    ]
    to_assess = duties_to_assess(plan, {pp.successor_id for pp in plan_parts})
    for part_plan in part_plans:
        part_plan.duties_to_assess = to_assess.get(part_plan.successor.pk, [])
    return Selection(plan=plan, parts=part_plans, staying=staying, outgoing=outgoing)


def duties_to_assess(plan: HandoverPlan, successor_ids: set[int]) -> dict[int, list[Duty]]:
    """For each successor, the function's duties it has no self-assessment of in the area yet
    (a split function's duties stay with every holder of a part). Two queries."""
    duties = list(Duty.objects.filter(function_id=plan.function_id).order_by("number"))
    assessed = set(
        DutyAssessment.objects.filter(
            locality_id=plan.locality_id, duty__in=duties, body_id__in=successor_ids
        ).values_list("body_id", "duty_id")
    )
    return {body_id: [d for d in duties if (body_id, d.pk) not in assessed] for body_id in successor_ids}


def custody(kind_code: str, record_id: int) -> list[CustodyChange]:
    """Who held a record before, oldest first, for its page ("Held by X until …, then Y")."""
    return list(
        CustodyChange.objects.filter(kind=kind_code, record_id=record_id)
        .select_related("from_body", "to_body")
        .order_by("on", "pk")
    )


def custody_map(kind_code: str, record_ids) -> dict[int, list[CustodyChange]]:
    """Who held each of several records before (one query), for rows on a page: an alert's
    recipients, a review's evidence requests."""
    found: dict[int, list[CustodyChange]] = {}
    rows = (
        CustodyChange.objects.filter(kind=kind_code, record_id__in=list(record_ids))
        .select_related("from_body", "to_body")
        .order_by("on", "pk")
    )
    for change in rows:
        found.setdefault(change.record_id, []).append(change)
    return found


# ---------------------------------------------------------------- this app's kinds (listed only)


def _seats(locality: Locality, body: Body) -> list[Record]:
    rows = Membership.objects.filter(body=body).select_related("user").order_by("user__full_name")
    return [Record(m.pk, f"{m.user} ({m.get_role_display()})") for m in rows]


def _messages(locality: Locality, body: Body) -> list[Record]:
    """Reminders and digests written but not yet sent to the body or its people."""
    people = Membership.objects.filter(body=body).values("user_id")
    rows = (
        Notification.objects.filter(state__in=[Notification.State.PENDING, Notification.State.HELD])
        .filter(Q(locality=locality) | Q(locality__isnull=True))
        .filter(Q(to_email__iexact=body.contact_email) | Q(user__in=people))
        .order_by("created_at", "pk")
    )
    return [Record(n.pk, n.subject, detail=n.get_state_display()) for n in rows]


def _duties(locality: Locality, body: Body) -> list[Record]:
    """Response deadline rules that bind bodies of the outgoing holder's kind."""
    rows = ResponseDuty.objects.filter(Q(locality=locality) | Q(locality__isnull=True)).order_by("name")
    return [Record(d.pk, d.name, detail=d.citation) for d in rows if body.kind in (d.binds or [])]


register(
    Kind(
        "seat",
        "Seats at the outgoing holder",
        _seats,
        stays_because="People keep their seats at the outgoing holder; the seats lose the function's part.",
        order=80,
    )
)
register(
    Kind(
        "message",
        "Reminders and digests waiting to be sent",
        _messages,
        stays_because="Messages already written go to the people they were written for.",
        order=85,
    )
)
register(
    Kind(
        "response-duty",
        "Response deadline rules naming the outgoing holder’s kind of body",
        _duties,
        stays_because="Rules name kinds of body, not bodies: check whether they should also bind the successors.",
        order=90,
    )
)
