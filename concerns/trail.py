"""What happened to one experience, as its person may see it: dated steps in plain words.

The steps come from every app that uses experiences. This one knows when an experience was
received, reviewed and closed, and which alerts cited it; the apps above it (reports: reviews,
published reports, recommendations and their responses, the board's priorities) register a
source when they start (their AppConfig.ready), so this module never imports them.

De-identified by construction: a step is a date and a sentence made here from dates, states and
body names. Nobody's words appear: not the narrative, not the shareable summary, not an alert's
or a response's text, not people's names. A safeguarding concern shows only that it was
received and, when it is, closed: the page must not reveal more than that a record exists.
Each source makes a fixed number of queries, however many records cite the experience.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Max, Min, Prefetch
from django.utils import timezone

from .models import Alert, AlertRecipient, Concern, Status


@dataclasses.dataclass(frozen=True)
class Step:
    on: datetime.date
    text: str
    link: str = ""  # a public page about the step, e.g. the published report
    link_text: str = ""
    month_only: bool = False  # shown as "October 2026"
    order: int = 0  # among steps of the same date: received first, closed last


Source = Callable[[Concern], list[Step]]

_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of steps (once, however often an app starts)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def steps(concern: Concern) -> list[Step]:
    """Every step for the experience, oldest first. A record made before the experience came in
    (a priority agreed earlier that now counts it) shows from the day it was received."""
    found = _status_steps(concern)
    if not concern.safeguarding:
        for source in _SOURCES:
            found.extend(source(concern))
    found = [dataclasses.replace(s, on=max(s.on, concern.received_on)) for s in found]
    return sorted(found, key=lambda step: (step.on, step.order))


def _status_steps(concern: Concern) -> list[Step]:
    """Received (its month), reviewed, escalated and closed: the dates the status first became
    reviewed or escalated, and the latest change saved while it was closed (an edit after
    closing moves that date), from the experience's history in one query."""
    collector = concern.collecting_body.name
    found = [
        Step(concern.received_on, f"{collector} received your experience.", month_only=True, order=-1),
    ]
    dates = {
        row["status"]: row
        for row in concern.history.order_by()
        .values("status")
        .annotate(first=Min("history_date"), last=Max("history_date"))
    }
    if concern.status == Status.CLOSED:
        closed_on = timezone.localdate(dates[Status.CLOSED]["last"]) if Status.CLOSED in dates else concern.received_on
        found.append(Step(closed_on, f"{collector} closed it.", order=100))
    if concern.safeguarding:
        return found
    for status, words in ((Status.REVIEWED, "reviewed it"), (Status.ESCALATED, "escalated it")):
        if status in dates:
            found.append(Step(timezone.localdate(dates[status]["first"]), f"{collector} {words}."))
    return found


@register
def alert_steps(concern: Concern) -> list[Step]:
    """Each alert citing the experience: the bodies it went to, and when each acknowledged it
    (two queries)."""
    alerts = (
        Alert.all_objects.filter(concerns=concern)
        .select_related("raised_by_body")
        .prefetch_related(
            Prefetch("recipients", queryset=AlertRecipient.objects.select_related("body").order_by("body__name"))
        )
    )
    found = []
    for alert in alerts:
        recipients = list(alert.recipients.all())
        if not recipients:
            continue
        names = and_list([r.body.name for r in recipients])
        found.append(Step(alert.sent_on, f"{alert.raised_by_body.name} alerted {names} about it."))
        for recipient in recipients:
            if recipient.acknowledged_at:
                found.append(
                    Step(
                        timezone.localdate(recipient.acknowledged_at), f"{recipient.body.name} acknowledged the alert."
                    )
                )
    return found


def and_list(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
