"""The alerts a body has not acknowledged in an area: open work that keeps it serving there
(registered with agencies.open_work when the app starts)."""

from __future__ import annotations

import datetime

from agencies.models import Body, Locality
from agencies.open_work import counted

from .models import AlertRecipient


def alerts_unacknowledged(body: Body, locality: Locality, ends_on: datetime.date) -> list[str]:
    number = AlertRecipient.objects.filter(body=body, alert__locality=locality, state=AlertRecipient.State.SENT).count()
    return counted(number, "alert it has not acknowledged", "alerts it has not acknowledged")
