"""Six weeks after a concern closes, one email asks its person "Did things get better?".

The scan runs daily; each concern is asked once (one FollowUp per concern, and the outbox's
dedupe key). The answer link is single-use and made when the email is sent (agencies.outbox_links).
The first answer is kept; the answers make the outcome measure shown to Healthwatch and the board.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from agencies import figures
from agencies.links import link_consume
from agencies.models import Locality, SignedLink
from agencies.notifications import AnswerLink

from . import people_updates
from .updates_models import FollowUp, UpdatesWish

logger = logging.getLogger(__name__)

FOLLOW_UP_DAYS = 42
LINK_PURPOSE = "follow-up"
LINK_DAYS = 60
SMALL = 5  # counts below this are shown as "fewer than 5", so no one is picked out


class AlreadyAnswered(Exception):
    """The follow-up has its answer already (the first one is kept)."""


def _link(follow_up: FollowUp) -> AnswerLink:
    return AnswerLink(
        purpose=LINK_PURPOSE,
        object_id=follow_up.pk,
        url_name="people-follow-up",
        url_args=(follow_up.pk,),
        days=LINK_DAYS,
        invitation="Tell us with this link (it works once):",
    )


def _ask(wish: UpdatesWish, email: str) -> bool:
    with transaction.atomic():
        follow_up, created = FollowUp.objects.get_or_create(
            concern=wish.concern, defaults={"locality_id": wish.concern.locality_id}
        )
        if not created:
            return False
        link = _link(follow_up)
        row = people_updates.send_to_person(
            wish=wish,
            email=email,
            kind="person-follow-up",
            key=f"concern-{wish.concern_id}",
            subject="Did things get better?",
            text=(
                f"Some weeks ago {wish.concern.locality.name} Healthwatch finished looking into the experience "
                "you shared. Did things get better? You can answer better, no change, worse, or prefer not to "
                f"say.\n\n{link.invitation}\n{link.slot}"
            ),
            fresh_link=link,
        )
    return row is not None


def follow_ups_send(*, now: datetime.datetime | None = None) -> int:
    """Ask everyone whose concern closed at least six weeks ago and who asked to hear back, once
    each. A row that fails is logged and left for the next run. Returns how many were asked."""
    now = now or timezone.now()
    due = UpdatesWish.objects.filter(
        closed_at__lte=now - datetime.timedelta(days=FOLLOW_UP_DAYS), concern__follow_up__isnull=True
    ).values_list("concern_id", flat=True)
    asked = 0
    for wish, email in people_updates.receivers(due):
        try:
            asked += _ask(wish, email)
        except Exception:
            logger.exception("Follow-up for concern %s failed; trying again next run", wish.concern_id)
    return asked


def follow_up_answer(*, follow_up: FollowUp, answer: str, link: SignedLink) -> FollowUp:
    """Record the answer with the checked link (used up here). A second answer raises
    AlreadyAnswered and the first is kept."""
    if answer not in FollowUp.Answer.values:
        raise ValidationError({"answer": "Select whether things got better, stayed the same or got worse"})
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.answer:
            raise AlreadyAnswered
        link_consume(link)
        locked.answer, locked.answered_at = answer, timezone.now()
        locked.save(update_fields=["answer", "answered_at"])
        figures.changed(locked.locality_id)
    return locked


# ---------------------------------------------------------------- the outcome measure


@dataclasses.dataclass(frozen=True)
class OutcomeRow:
    label: str
    count: int

    def shown(self, total: int | None) -> str:
        """The count and, when the total may be shown, its share; small counts are not shown
        exactly."""
        if self.count == 0:
            return "None"
        if self.count < SMALL:
            return f"Fewer than {SMALL}"
        return f"{self.count} ({round(100 * self.count / total)}%)" if total else str(self.count)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The answers, protected as the public figures are (concerns.disclosure): when any answer
    is hidden as "fewer than 5", the total and the shares are not shown either, or the hidden
    number could be worked out by subtraction."""

    rows: list[OutcomeRow]
    total: int
    since: datetime.date

    @property
    def hides_some(self) -> bool:
        return any(0 < row.count < SMALL for row in self.rows)

    @property
    def lines(self) -> list[tuple[str, str]]:
        return [(row.label, row.shown(None if self.hides_some else self.total)) for row in self.rows]

    @property
    def total_shown(self) -> str:
        return "Not shown" if self.hides_some else str(self.total)


def outcome_measure(*, locality: Locality, today: datetime.date) -> Outcome:
    """'Did things get better?': the answers of the last 12 months in the area (one query)."""
    since = today - datetime.timedelta(days=365)
    counts = dict(
        FollowUp.objects.filter(locality=locality, answered_at__date__gt=since)
        .exclude(answer="")
        .values_list("answer")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [OutcomeRow(label, counts.get(value, 0)) for value, label in FollowUp.Answer.choices]
    return Outcome(rows=rows, total=sum(counts.values()), since=since)
