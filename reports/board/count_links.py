"""Where a count on the board's pages opens its records: the address of the list, filtered to
exactly the records the count stands for (#15 item 7).

The addresses use the lists' own filters (GOV.UK date boxes by month: a month with the day left
empty), so someone opening a count sees the same records the count was made from. They depend
only on the area and the period, never on who is looking (the dashboard is cached per area).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode

from agencies.models import Locality

if TYPE_CHECKING:
    from .dashboard import Period


def _month(name: str, month: datetime.date) -> dict[str, int]:
    """A filter date by month: the day box left empty (the month's first day for "from", its
    last for "to")."""
    return {f"{name}_1": month.month, f"{name}_2": month.year}


def alerts_sent_since(locality: Locality, start: datetime.date) -> str:
    """Every alert the viewer can see, sent from the first of `start`'s month."""
    query = {"box": "all", **_month("sent_from", start)}
    return f"{reverse('concerns:alerts', args=[locality.slug])}?{urlencode(query)}"


def concerns_received(locality: Locality, months: list[datetime.date], **filters: str) -> str:
    """The experiences received in these months (first to last) with these list filters."""
    query = {**filters, **_month("received_from", months[0]), **_month("received_to", months[-1])}
    return f"{reverse('concerns:index', args=[locality.slug])}?{urlencode(query)}"


def recommendations(locality: Locality, figure: str, start: datetime.date) -> str:
    """The tracker's recommendations in one of the board's figures (reports.on_time), counted
    from the first of `start`'s month."""
    query = {"figure": figure, **_month("since", start)}
    return f"{reverse('reports:recommendations', args=[locality.slug])}?{urlencode(query)}"


def open_priorities(locality: Locality) -> str:
    return reverse("reports:priorities", args=[locality.slug])


def priorities_referred(locality: Locality, start: datetime.date) -> str:
    """Every priority (resolved too) referred for fuller scrutiny from the first of `start`'s month."""
    query = {"show": "all", **_month("referred_from", start)}
    return f"{reverse('reports:priorities', args=[locality.slug])}?{urlencode(query)}"


def dashboard_links(locality: Locality, period: Period) -> dict[str, str]:
    """The dashboard's counts that open their records, by the name of the count."""
    months = period.complete_months
    return {
        "alerts_raised": alerts_sent_since(locality, period.start),
        "concerns_total": concerns_received(locality, months),
        "concerns_safeguarding": concerns_received(locality, months, safeguarding="yes"),
        "concerns_public": concerns_received(locality, months, from_public="yes"),
        "priorities_open": open_priorities(locality),
        "referrals": priorities_referred(locality, period.start),
        "recommendations_made": recommendations(locality, "made", period.start),
        "responses": recommendations(locality, "responded", period.start),
        "responses_on_time": recommendations(locality, "on_time", period.start),
        "responses_counted": recommendations(locality, "due", period.start),
        "responses_not_yet_due": recommendations(locality, "not_yet_due", period.start),
    }
