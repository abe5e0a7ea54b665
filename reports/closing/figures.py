"""The figures of the outgoing body's last report, drawn from the record for its final
part-year (1 April to the day before the handover). Counts of what people told it come only
from the monthly counts and pass the small-number rule (concerns.disclosure); alerts and
recommendations are the body's own, including those the handover moved on (CustodyChange)."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Q, QuerySet

from agencies.handover import outgoing_holders, select
from agencies.handover_models import CustodyChange, HandoverPlan
from agencies.models import Body
from concerns.disclosure import SMALL_NUMBER, Figure, is_small, protect_table
from concerns.models import Alert, AlertRecipient, MonthlyCount, Theme

from ..models import Recommendation


def final_part_year(plan: HandoverPlan) -> tuple[datetime.date, datetime.date]:
    """From the 1 April before the handover to the day before it."""
    end = plan.takes_effect_on - datetime.timedelta(days=1)
    start = datetime.date(end.year if end.month >= 4 else end.year - 1, 4, 1)
    return start, end


def outgoing_body(plan: HandoverPlan) -> Body | None:
    holders = outgoing_holders(plan)
    return min(holders.values(), key=lambda b: b.name) if holders else None


@dataclasses.dataclass
class ThemeRow:
    theme_id: int
    name: str
    figure: Figure


@dataclasses.dataclass
class RecRow:
    rec: Recommendation
    answer: str  # "on time", "late" or "awaiting"


@dataclasses.dataclass
class HandedOn:
    kind: str
    successor: Body
    count: int


@dataclasses.dataclass
class ClosingFigures:
    plan: HandoverPlan
    body: Body
    start: datetime.date
    end: datetime.date
    themes: list[ThemeRow]
    told_total: Figure
    alerts: list[Alert]
    answers: dict[str, int]  # each recipient's state: sent, acknowledged, responded
    recommendations: list[RecRow]
    handed_on: list[HandedOn]

    def answered(self, how: str) -> int:
        return sum(1 for row in self.recommendations if row.answer == how)

    @property
    def on_time(self) -> int:
        return self.answered("on time")

    @property
    def late(self) -> int:
        return self.answered("late")

    @property
    def awaiting(self) -> int:
        return self.answered("awaiting")


def _themes(plan: HandoverPlan, start: datetime.date, end: datetime.date) -> tuple[list[ThemeRow], Figure]:
    counts: dict[str, int] = {}
    total = 0
    rows = MonthlyCount.objects.filter(
        locality=plan.locality_id,
        month__gte=start.replace(day=1),
        month__lte=end,
        dimension__in=[MonthlyCount.Dimension.THEME, MonthlyCount.Dimension.TOTAL],
    ).values_list("dimension", "key", "count")
    for dimension, key, count in rows:
        if dimension == MonthlyCount.Dimension.TOTAL:
            total += count
        else:
            counts[key] = counts.get(key, 0) + count
    names = dict(Theme.all_objects.filter(locality=plan.locality_id).values_list("id", "name"))
    keys = sorted(counts, key=lambda k: (-counts[k], names.get(int(k), "")))
    table = protect_table([[counts[k]] for k in keys], [counts[k] for k in keys], [total], total)
    themes = [
        ThemeRow(int(k), names.get(int(k), "Theme removed"), row[0]) for k, row in zip(keys, table.cells, strict=True)
    ]
    # The total is counted apart from the themes (an experience may have several, or none), so
    # it gives no theme's hidden count away: it is hidden only when it is itself small.
    return themes, Figure(total, SMALL_NUMBER if is_small(total) else "")


def _moved_from(body: Body, kind: str) -> QuerySet:
    return CustodyChange.objects.filter(kind=kind, from_body=body).values("record_id")


def _answer(rec: Recommendation) -> str:
    response = getattr(rec, "response", None)
    if response is None:
        return "awaiting"
    return "on time" if rec.due_on is None or response.responded_on <= rec.due_on else "late"


def _handed_on(plan: HandoverPlan, body: Body) -> list[HandedOn]:
    """After the handover: what it moved (CustodyChange); before: what the plan would move."""
    from agencies.handover import kind as kind_named

    if plan.done_at:
        found: dict[tuple[str, int], int] = {}
        successors: dict[int, Body] = {}
        for change in CustodyChange.objects.filter(plan=plan, from_body=body).select_related("to_body"):
            found[(change.kind, change.to_body_id)] = found.get((change.kind, change.to_body_id), 0) + 1
            successors[change.to_body_id] = change.to_body
        rows = []
        for (code, to_id), count in sorted(found.items()):
            named = kind_named(code)
            rows.append(HandedOn(named.label if named else code, successors[to_id], count))
        return rows
    return [
        HandedOn(group.kind.label, part_plan.successor, group.count)
        for part_plan in select(plan).parts
        if part_plan.outgoing == body
        for group in part_plan.groups
    ]


def closing_figures(plan: HandoverPlan, body: Body) -> ClosingFigures:
    start, end = final_part_year(plan)
    themes, told_total = _themes(plan, start, end)
    alerts = list(
        Alert.all_objects.filter(locality=plan.locality_id, sent_on__gte=start, sent_on__lte=end)
        .filter(Q(raised_by_body=body) | Q(pk__in=_moved_from(body, "alert-raised")))
        .order_by("sent_on", "pk")
    )
    answers = dict.fromkeys(AlertRecipient.State.values, 0)
    for state in AlertRecipient.objects.filter(alert__in=[a.pk for a in alerts]).values_list("state", flat=True):
        answers[state] += 1
    recs = (
        Recommendation.objects.filter(locality=plan.locality_id, sent_on__gte=start, sent_on__lte=end)
        .filter(Q(report__issuing_body=body) | Q(report_id__in=_moved_from(body, "report")))
        .select_related("report", "addressed_to", "response")
        .order_by("sent_on", "pk")
    )
    return ClosingFigures(
        plan=plan,
        body=body,
        start=start,
        end=end,
        themes=themes,
        told_total=told_total,
        alerts=alerts,
        answers=answers,
        recommendations=[RecRow(rec, _answer(rec)) for rec in recs],
        handed_on=_handed_on(plan, body),
    )
