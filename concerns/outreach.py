"""Issuing, withdrawing and checking event codes (see concerns.outreach_models)."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Body, Locality, User

from .models import Concern
from .outreach_models import CODE_ALPHABET, CODE_LENGTH, EventCode, normalised_code

ISSUE_AHEAD_DAYS = 90  # codes can be issued for events up to this many days ahead


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def event_code_issue(
    *, locality: Locality, body: Body, valid_on: datetime.date, event: str, issued_by: User
) -> EventCode:
    """A new code for one day in one area, recorded with who issued it."""
    today = timezone.localdate()
    if not today <= valid_on <= today + datetime.timedelta(days=ISSUE_AHEAD_DAYS):
        raise ValidationError(
            {"valid_on": f"The day it works must be today or within the next {ISSUE_AHEAD_DAYS} days"}
        )
    for _ in range(5):  # a clash among 850 billion codes is rare; try again if one happens
        try:
            with transaction.atomic():
                return EventCode.objects.create(
                    locality=locality, body=body, code=_new_code(), valid_on=valid_on, event=event, issued_by=issued_by
                )
        except IntegrityError:
            continue
    raise ValidationError("A new code could not be made. Try again.")


def event_code_withdraw(*, code: EventCode, user: User) -> EventCode:
    """Stop a code working (for example if it was shared beyond the stall). Withdrawing twice
    keeps the first record of who withdrew it."""
    EventCode.objects.filter(pk=code.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=user
    )
    code.refresh_from_db()
    return code


def event_code_problem(locality: Locality, text: str) -> tuple[EventCode | None, str]:
    """The area's code someone typed and works today, or why it cannot be used (a message for
    the form's field that says what to do)."""
    code = EventCode.objects.filter(locality=locality, code=normalised_code(text)).first()
    today = timezone.localdate()
    if code is None:
        return (
            None,
            "Enter the event code exactly as Healthwatch staff gave it to you, like ABCD-EFGH, or leave it empty",
        )
    if code.withdrawn_at is not None:
        return None, "This event code has been withdrawn. Ask Healthwatch staff for a new one, or leave it empty"
    if not code.works_on(today):
        when = "has expired" if code.valid_on < today else "does not work until " + f"{code.valid_on:%-d %B %Y}"
        return None, f"This event code {when}. Ask Healthwatch staff for today's code, or leave it empty"
    if used_count(code) >= settings.PUBLIC_FORM_EVENT_CODE_CEILING:
        return None, (
            f"This event code has been used for {settings.PUBLIC_FORM_EVENT_CODE_CEILING:,} experiences, its limit. "
            "Ask Healthwatch staff for a new one"
        )
    return code, ""


def used_count(code: EventCode) -> int:
    return Concern.all_objects.filter(event_code=code).count()
