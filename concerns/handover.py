"""The concerns app's records in a handover (registered with agencies.handover when the app
starts): open alerts the outgoing holder raised and those it received move to the successor of
their part; themes, trend signals and imports in progress are listed and stay where they are."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from agencies.handover import Kind, Record, holder_mover, register
from agencies.models import Body, Locality

from .models import Alert, AlertRecipient, ImportJob, Theme, TrendSignal

OPEN_RECIPIENT = [AlertRecipient.State.SENT, AlertRecipient.State.ACKNOWLEDGED]


def _service_types(alert_ids: list[int]) -> dict[int, frozenset[str]]:
    """The service types of the experiences behind each alert: one query."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = Alert.concerns.through.objects.filter(alert_id__in=alert_ids).values_list(
        "alert_id", "concern__service_type"
    )
    for alert_id, service_type in rows:
        found[alert_id].add(service_type)
    return {pk: frozenset(types) for pk, types in found.items()}


def _alert_url(locality: Locality, alert_id: int) -> str:
    return reverse("concerns:alert-detail", args=[locality.slug, alert_id])


def alerts_raised(locality: Locality, body: Body) -> list[Record]:
    """Alerts the body raised that a recipient has not yet answered."""
    alerts = list(
        Alert.all_objects.filter(locality=locality, raised_by_body=body, recipients__state__in=OPEN_RECIPIENT)
        .distinct()
        .order_by("pk")
    )
    types = _service_types([a.pk for a in alerts])
    return [
        Record(a.pk, f"{a.reference}: {a.summary}", types.get(a.pk, frozenset()), url=_alert_url(locality, a.pk))
        for a in alerts
    ]


alerts_raised_move = holder_mover(lambda: Alert.all_objects, "raised_by_body")


def alerts_received(locality: Locality, body: Body) -> list[Record]:
    """Alerts sent to the body that it has not answered, each with its deadline to acknowledge."""
    rows = list(
        AlertRecipient.objects.filter(body=body, alert__locality=locality, state__in=OPEN_RECIPIENT)
        .select_related("alert")
        .order_by("due_on", "pk")
    )
    types = _service_types([r.alert_id for r in rows])
    others: dict[int, set[int]] = defaultdict(set)
    for alert_id, body_id in AlertRecipient.objects.filter(alert_id__in=[r.alert_id for r in rows]).values_list(
        "alert_id", "body_id"
    ):
        others[alert_id].add(body_id)
    return [
        Record(
            r.pk,
            f"{r.alert.reference}: {r.alert.summary}",
            types.get(r.alert_id, frozenset()),
            due_on=r.due_on if r.state == AlertRecipient.State.SENT else None,
            detail=r.get_state_display(),
            blocked=frozenset(others[r.alert_id] - {body.pk}),
            url=_alert_url(locality, r.alert_id),
        )
        for r in rows
    ]


# The recipient row moves (its deadline with it); reminders then go to the successor.
alerts_received_move = holder_mover(lambda: AlertRecipient.objects, "body")


def themes(locality: Locality, body: Body) -> list[Record]:
    return [Record(t.pk, t.name) for t in Theme.all_objects.filter(locality=locality, is_active=True).order_by("name")]


def trend_signals(locality: Locality, body: Body) -> list[Record]:
    """The last year's signals (older ones are history)."""
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=366)
    rows = TrendSignal.all_objects.filter(locality=locality, month__gte=since).select_related("theme", "service")
    return [Record(s.pk, str(s)) for s in rows]


def imports(locality: Locality, body: Body) -> list[Record]:
    unfinished = [ImportJob.State.VALIDATING, ImportJob.State.READY, ImportJob.State.IMPORTING]
    rows = ImportJob.objects.filter(locality=locality, collecting_body=body, state__in=unfinished).order_by("pk")
    return [
        Record(
            j.pk,
            j.original_name,
            detail=j.get_state_display(),
            url=reverse("concerns:import-job", args=[locality.slug, j.pk]),
        )
        for j in rows
    ]


def register_kinds() -> None:
    register(Kind("alert-raised", "Open alerts it raised", alerts_raised, alerts_raised_move, order=10))
    register(Kind("alert-received", "Open alerts it received", alerts_received, alerts_received_move, order=20))
    area = "They belong to the area, not to a body: the successors use them from the date."
    register(Kind("theme", "Themes", themes, stays_because=area, order=60))
    register(Kind("trend-signal", "Trend signals of the last year", trend_signals, stays_because=area, order=65))
    register(
        Kind(
            "import",
            "Imports of experiences not finished",
            imports,
            stays_because="Experiences and the personal details in them stay with the body that collected them.",
            order=70,
        )
    )
