"""Writes for the board's work: priorities and their thread, Quality Surveillance Group views,
board packs and the weekly digest. Referrals for fuller scrutiny are in .referrals."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies.access import bodies_holding, serving_ids
from agencies.models import Body, Function, FunctionHolding, Locality, Membership, User
from agencies.notifications import notify
from concerns.models import Alert, AlertRecipient, TrendSignal
from quality_system.site import absolute_url

from .. import access as report_access
from .. import telling
from ..models import (
    BoardPack,
    Priority,
    PriorityAction,
    PriorityFigure,
    PriorityUpdate,
    Recommendation,
    Response,
    SurveillanceView,
)
from . import dashboard

logger = logging.getLogger(__name__)


def _same_area(locality: Locality, **bodies: Body | None) -> None:
    serving = serving_ids(locality)
    errors = {
        field: "Choose a body that serves this area"
        for field, body in bodies.items()
        if body and body.pk not in serving
    }
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- priorities


THEME_MEASURES = (Priority.Measure.THEME, Priority.Measure.THEME_SHARE)
SERVICE_MEASURES = (Priority.Measure.SERVICE, Priority.Measure.SERVICE_SHARE)


def _check_measure(locality: Locality, fields: dict) -> None:
    measure = fields.get("measure", Priority.Measure.NONE)
    errors = {}
    if measure in THEME_MEASURES and not fields.get("measure_theme"):
        errors["measure_theme"] = "Select the theme whose concerns the board will follow"
    if measure in SERVICE_MEASURES and not fields.get("measure_service"):
        errors["measure_service"] = "Select the service whose concerns the board will follow"
    if measure == Priority.Measure.MANUAL and not fields.get("measure_name", "").strip():
        errors["measure_name"] = "Enter the name of the figure, like ‘Patients waiting over 18 weeks’"
    theme = fields.get("measure_theme")
    if theme is not None and theme.locality_id != locality.pk:
        errors["measure_theme"] = "Select a theme used in this area"
    if errors:
        raise ValidationError(errors)
    if measure in (Priority.Measure.THEME_SHARE, Priority.Measure.SERVICE_SHARE):
        fields["better"] = Priority.Better.LOWER  # a smaller share of negative experiences is better
    if measure not in THEME_MEASURES:
        fields["measure_theme"] = None
    if measure not in SERVICE_MEASURES:
        fields["measure_service"] = None


def priority_save(*, locality: Locality, user: User, priority: Priority | None = None, **fields: Any) -> Priority:
    """Add a priority, or change one. The history keeps every earlier version."""
    _same_area(locality, owner_body=fields.get("owner_body"), measure_service=fields.get("measure_service"))
    _check_measure(locality, fields)
    with transaction.atomic():
        if priority is None:
            priority = Priority(locality=locality, created_by=user)
        for name, value in fields.items():
            setattr(priority, name, value)
        priority.save()
    return priority


def priority_update_add(*, priority: Priority, user: User, status: str, progress: str) -> PriorityUpdate:
    """Report progress; the priority takes the status given."""
    with transaction.atomic():
        update = PriorityUpdate.objects.create(priority=priority, status=status, progress=progress, recorded_by=user)
        if priority.status != status:
            priority.status = status
            priority.save(update_fields=["status", "updated_at"])
    return update


def action_add(
    *, priority: Priority, user: User, action: str, owner_body: Body, due_on: datetime.date
) -> PriorityAction:
    _same_area(priority.locality, owner_body=owner_body)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The date it is due must be today or in the future"})
    return PriorityAction.objects.create(
        priority=priority, action=action, owner_body=owner_body, due_on=due_on, created_by=user
    )


def action_done(*, action: PriorityAction, on: datetime.date) -> PriorityAction:
    if action.done_on is None:
        with transaction.atomic():
            action.done_on = on
            action.save(update_fields=["done_on"])
            telling.priority_action_done(action)
    return action


def figure_record(
    *, priority: Priority, user: User, month: datetime.date, value: Decimal, note: str = ""
) -> PriorityFigure:
    """Record (or correct) one month's figure."""
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": "The month must be this month or earlier"})
    figure, _ = PriorityFigure.objects.update_or_create(
        priority=priority, month=month, defaults={"value": value, "note": note, "recorded_by": user}
    )
    return figure


def thread_link(
    *,
    priority: Priority,
    concerns: Iterable = (),
    alerts: Iterable = (),
    recommendations: Iterable = (),
    reviews: Iterable = (),
    signals: Iterable = (),
) -> int:
    """Add records to the priority's golden thread. Returns how many links are new."""
    before = _thread_size(priority)
    with transaction.atomic():
        priority.concerns.add(*concerns)
        priority.alerts.add(*alerts)
        priority.recommendations.add(*recommendations)
        priority.reviews.add(*reviews)
        priority.trend_signals.add(*signals)
    return _thread_size(priority) - before


def _thread_size(priority: Priority) -> int:
    return sum(
        getattr(priority, field).count()
        for field in ("concerns", "alerts", "recommendations", "reviews", "trend_signals")
    )


# ---------------------------------------------------------------- Quality Surveillance Group


def surveillance_record(
    *, locality: Locality, user: User, provider: Body, level: str, decided_on: datetime.date, summary: str
) -> SurveillanceView:
    _same_area(locality, provider=provider)
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the group's meeting must be today or in the past"})
    return SurveillanceView.objects.create(
        locality=locality, provider=provider, level=level, decided_on=decided_on, summary=summary, recorded_by=user
    )


# ---------------------------------------------------------------- board packs


def board_pack_request(*, locality: Locality, user: User, meeting_on: datetime.date) -> BoardPack:
    """Ask for a board pack; the build runs in the background (or at once with no broker)."""
    from quality_system.jobs import enqueue_on_commit

    from ..tasks import build_board_pack

    pack = BoardPack.objects.create(locality=locality, meeting_on=meeting_on, requested_by=user)
    enqueue_on_commit(build_board_pack, pack.pk)
    return pack


def _step(pack: BoardPack, text: str) -> None:
    BoardPack.objects.filter(pk=pack.pk).update(step=text)


def board_pack_build(pack_id: int, /) -> BoardPack | None:
    """Build one pack: claim it, render the paper, make the PDF. Safe to run twice: only the
    run that claims a queued pack builds it."""
    from . import pack_render

    now = timezone.now()
    claimed = BoardPack.objects.filter(pk=pack_id, state=BoardPack.State.QUEUED).update(
        state=BoardPack.State.BUILDING, started_at=now, step="Gathering the figures"
    )
    if not claimed:
        return None
    pack = BoardPack.objects.select_related("locality").get(pk=pack_id)
    try:
        period = dashboard.Period(dashboard.DEFAULT_PERIOD, timezone.localdate())
        board = dashboard.build(pack.locality, period)
        _step(pack, "Writing the paper")
        html = pack_render.paper_html(pack, board)
        _step(pack, "Making the PDF")
        pdf = pack_render.pdf_from(html)
        pack.html = html
        name = f"board-pack-{pack.locality.slug}-{pack.meeting_on:%Y-%m-%d}"
        pack.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        pack.part_b_html = pack_render.part_b_html(pack, board)
        if pack.part_b_html:
            part_b = pack_render.pdf_from(pack.part_b_html)
            pack.part_b_pdf.save(f"{name}-part-b.pdf", ContentFile(part_b), save=False)
        pack.state = BoardPack.State.READY
        pack.step = ""
    except Exception as error:  # noqa: BLE001 - any failure is reported on the progress page
        logger.exception("Board pack %s failed", pack_id)
        pack.state = BoardPack.State.FAILED
        pack.error = pack_render.explain(error)[:500]
    pack.finished_at = timezone.now()
    pack.save()
    return pack


def board_packs_stuck(now: datetime.datetime, /, *, after: datetime.timedelta = datetime.timedelta(minutes=15)) -> int:
    """Packs whose worker died mid-build go back in the queue (the beat sweep re-sends them)."""
    return BoardPack.objects.filter(state=BoardPack.State.BUILDING, started_at__lt=now - after).update(
        state=BoardPack.State.QUEUED
    )


# ---------------------------------------------------------------- weekly digest


def _week_key(today: datetime.date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def _counted(n: int, one: str, many: str, then: str) -> list[str]:
    """A digest line for a count, or none when nothing happened."""
    return [f"{n} {one if n == 1 else many} {then}"] if n else []


def _digest_lines(
    *, locality: Locality, since: datetime.datetime, today: datetime.date, qsg: bool = False
) -> list[str]:
    """What changed on the board's dashboard in an area since a moment, in plain words; the
    Quality Surveillance Group's views only for a reader who may see them (`qsg`)."""
    since_day = timezone.localtime(since).date()
    lines = []
    new_priorities = list(
        Priority.objects.filter(locality=locality, created_at__gte=since).values_list("title", flat=True)
    )
    if new_priorities:
        lines.append("New priorities: " + "; ".join(new_priorities))
    updates = PriorityUpdate.objects.filter(priority__locality=locality, created_at__gte=since).select_related(
        "priority"
    )
    for update in updates.order_by("priority__title")[:20]:
        lines.append(f"Progress on ‘{update.priority.title}’: now {update.get_status_display().lower()}")
    alerts = Alert.all_objects.filter(locality=locality, created_at__gte=since).count()
    lines += _counted(alerts, "new alert", "new alerts", "raised")
    overdue_alerts = AlertRecipient.objects.filter(
        alert__locality=locality, state=AlertRecipient.State.SENT, due_on__lt=today
    ).count()
    lines += _counted(overdue_alerts, "alert acknowledgement", "alert acknowledgements", "overdue now")
    responses = Response.objects.filter(recommendation__locality=locality, responded_on__gte=since_day).count()
    lines += _counted(responses, "response", "responses", "to recommendations received")
    overdue_recs = Recommendation.objects.filter(locality=locality).overdue(today).count()
    lines += _counted(overdue_recs, "recommendation", "recommendations", "overdue for a response")
    signals = TrendSignal.all_objects.filter(locality=locality, detected_at__gte=since).count()
    lines += _counted(signals, "unusual rise", "unusual rises", "in concerns found")
    if not qsg:
        return lines
    views = SurveillanceView.objects.filter(locality=locality, created_at__gte=since).select_related("provider")
    for view in views[:10]:
        lines.append(f"Quality Surveillance Group: {view.provider.name} – {view.get_level_display().lower()}")
    return lines


def _digest_readers(today: datetime.date) -> list[tuple[User, list[Locality]]]:
    """Each board member who asked for the weekly email, with the areas whose board they sit on."""
    seats = (
        Membership.objects.filter(
            user__weekly_digest=True,
            user__is_active=True,
            body__is_active=True,
            body__in=bodies_holding(Function.HWB, on=today),
        )
        .select_related("user")
        .order_by("user_id")
    )
    board_areas: dict[int, set[int]] = {}
    for body_id, area_id in (
        FunctionHolding.objects.current(today)
        .filter(function__code=Function.HWB, body_id__in=seats.values("body_id"))
        .values_list("body_id", "locality_id")
    ):
        board_areas.setdefault(body_id, set()).add(area_id)
    localities = Locality.objects.in_bulk({area for areas in board_areas.values() for area in areas})
    by_user: dict[int, tuple[User, list[Locality]]] = {}
    for membership in seats:
        user, areas = by_user.setdefault(membership.user_id, (membership.user, []))
        for area_id in board_areas.get(membership.body_id, ()):
            if localities[area_id] not in areas:
                areas.append(localities[area_id])
    return [(user, sorted(areas, key=lambda area: area.name)) for user, areas in by_user.values()]


def weekly_digests_send(today: datetime.date, /) -> int:
    """One email per board member who asked for it, once per ISO week (the dedupe key makes a
    second run, or a second beat process, add nothing). `today` is positional: the beat task
    passes it."""
    since = timezone.now() - datetime.timedelta(days=7)
    week = _week_key(today)
    sent = 0
    for user, areas in _digest_readers(today):
        body = render_to_string(
            "reports/email/weekly_digest.txt",
            {
                "today": today,
                "areas": [
                    {
                        "locality": locality,
                        "lines": _digest_lines(
                            locality=locality,
                            since=since,
                            today=today,
                            qsg=report_access.can_see_surveillance(user, locality),
                        ),
                        "url": absolute_url(reverse("reports:dashboard", args=[locality.slug])),
                    }
                    for locality in areas
                ],
            },
        ).strip()
        try:
            with transaction.atomic():
                made = notify(
                    kind="weekly-digest",
                    key=f"user-{user.pk}:{week}",
                    subject=f"The board's week: what changed to {today:%-d %B %Y}",
                    body=body,
                    user=user,
                    urgent=True,
                )
        except IntegrityError:  # pragma: no cover - notify already handles its own duplicates
            made = None
        sent += made is not None
    return sent
