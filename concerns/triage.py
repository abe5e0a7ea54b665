"""Reviewing what the public shared online: the queue (oldest first) and the decisions on it.

Each submission waits as a new concern "from the public" until staff of the body that collected
it decide: accept it into the record (with its themes and the service confirmed), signpost the
person (advice and information given: a statutory Healthwatch activity, counted as such, never
as a concern), mark it as a duplicate of another concern, or reject it as spam. Rejected and
duplicate submissions count in no figure; a rejected one keeps the person's details only for the
area's retention period (a nightly job then removes them) and can be restored until then.
Every decision is a SubmissionDecision row with who and when.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from agencies.models import Body, Locality, User

from . import summaries
from .models import Concern, ConcernContact, Status, Theme
from .service_match import ServiceIndex
from .services import ConcernDetails, concern_update
from .triage_models import SubmissionDecision

logger = logging.getLogger(__name__)
Outcome = SubmissionDecision.Outcome
QUEUE_PAGE = 50
# What the narrative of a rejected submission says once its retention period has passed.
REMOVED = "Removed: shared online, rejected as spam and kept for the area's retention period."
# Statuses a decision takes a submission to, and back from (restore).
RESTORABLE = (Status.REJECTED, Status.DUPLICATE)


class AlreadyDecided(Exception):
    """Someone decided on this submission first (another tab, a colleague): nothing changed."""


# ---------------------------------------------------------------- reads


def submissions(locality: Locality, body_ids) -> QuerySet[Concern]:
    """Every experience these bodies received through the public form in the area."""
    return Concern.all_objects.filter(locality=locality, from_public=True, collecting_body_id__in=list(body_ids))


@dataclasses.dataclass
class QueuePage:
    rows: list[Concern]
    next_cursor: str | None
    count: int


def queue_page(locality: Locality, body_ids, cursor: str | None = None) -> QueuePage:
    """The submissions waiting for a decision, oldest first, a page at a time (by keyset), each
    with `suggestion`: the listed service the typed name most likely means."""
    from .selectors import parse_cursor

    waiting = submissions(locality, body_ids).filter(status=Status.NEW)
    count = waiting.order_by().count()
    position = parse_cursor(cursor)
    if position:
        day, pk = position
        waiting = waiting.filter(Q(received_on__gt=day) | Q(received_on=day, id__gt=pk))
    rows = list(waiting.select_related("service").order_by("received_on", "id")[: QUEUE_PAGE + 1])
    next_cursor = None
    if len(rows) > QUEUE_PAGE:
        rows = rows[:QUEUE_PAGE]
        next_cursor = f"{rows[-1].received_on.isoformat()}.{rows[-1].pk}"
    index = service_index(locality)
    for row in rows:
        row.suggestion = index.suggest(row.service_described)
    return QueuePage(rows, next_cursor, count)


def service_index(locality: Locality) -> ServiceIndex:
    """The area's listed services (those people give feedback about), for suggestions."""
    services = Body.objects.serving(locality).active().exclude(service_type="").values_list("pk", "name")
    return ServiceIndex(services)


def decisions(concern: Concern) -> list[SubmissionDecision]:
    return list(concern.submission_decisions.select_related("decided_by", "duplicate_of").order_by("decided_at", "id"))


def last_decision(concern: Concern, *outcomes: str) -> SubmissionDecision | None:
    found = concern.submission_decisions.select_related("decided_by")
    if outcomes:
        found = found.filter(outcome__in=outcomes)
    return found.order_by("-decided_at", "-id").first()


def restore_until(concern: Concern) -> datetime.datetime | None:
    """Until when a rejected or duplicate submission can go back to the queue (None: it cannot).
    A rejected one can until its details are removed; a duplicate one keeps them, so always."""
    if concern.status not in RESTORABLE:
        return None
    if concern.status == Status.DUPLICATE:
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)
    if concern.submission_decisions.filter(outcome=Outcome.PURGED).exists():
        return None
    rejected = last_decision(concern, Outcome.REJECTED)
    if rejected is None:
        return None
    return rejected.decided_at + datetime.timedelta(days=concern.locality.rejected_retention_days)


def signposting_count(locality: Locality, body_ids, since: datetime.date) -> int:
    """People these bodies gave advice and information to (signposted) since a date: counted as
    signposting, never as concerns. A signposting later restored or changed does not count."""
    return (
        SubmissionDecision.objects.filter(
            locality=locality,
            outcome=Outcome.SIGNPOSTED,
            decided_at__date__gte=since,
            concern__status=Status.SIGNPOSTED,
            concern__collecting_body_id__in=list(body_ids),
        )
        .values("concern_id")
        .distinct()
        .count()
    )


def financial_year_start(today: datetime.date) -> datetime.date:
    """1 April of the financial year `today` falls in (Healthwatch reports by financial year)."""
    return datetime.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def find_by_reference(reference: str, *, user: User, locality: Locality) -> Concern | None:
    """The concern a reference such as C-000123 (or 123) names, if the user may see it in the area."""
    match = re.fullmatch(r"\s*(?:C-?)?0*(\d{1,12})\s*", reference, flags=re.I)
    if not match:
        return None
    return Concern.all_objects.for_user(user).filter(locality=locality, pk=int(match.group(1))).first()


# ---------------------------------------------------------------- writes


def _claim(concern: Concern, *, statuses=(Status.NEW,)) -> Concern:
    """Lock the submission and check that no one decided on it since the page was shown; inside
    the caller's transaction. Refused with who did what, and when, if someone did."""
    locked = Concern.all_objects.select_for_update().select_related("locality").get(pk=concern.pk)
    if locked.status in statuses:
        return locked
    last = last_decision(locked)
    if last is None:
        raise AlreadyDecided(f"{locked.reference} is no longer waiting for review. Nothing was changed.")
    when = timezone.localtime(last.decided_at)
    raise AlreadyDecided(
        f"{locked.reference} was already {last.get_outcome_display().lower()} by {last.decided_by or 'the system'} "
        f"at {when:%H:%M} on {when:%-d %B %Y}. Nothing was changed."
    )


def _record(concern: Concern, *, outcome: str, user: User | None, note: str = "", duplicate_of=None):
    return SubmissionDecision.objects.create(
        concern=concern,
        locality_id=concern.locality_id,
        outcome=outcome,
        note=note.strip(),
        duplicate_of=duplicate_of,
        decided_by=user,
    )


def _set_status(concern: Concern, status: str, user: User | None) -> None:
    concern.status = status
    concern._history_user = user  # type: ignore[attr-defined]  # the history names who decided
    concern.save(update_fields=["status", "updated_at"])
    summaries.mark_changed(concern.locality_id)


def submission_accept(
    *,
    concern: Concern,
    user: User,
    themes: list[Theme],
    service: Body | None,
    service_type: str,
    severity: int = 0,
    safeguarding: bool = False,
    note: str = "",
) -> Concern:
    """Accept a submission into the record, with its themes and the service the officer
    confirmed (a suggestion is never set without them). From then on it counts in figures."""
    with transaction.atomic():
        locked = _claim(concern)
        details = ConcernDetails(
            **{
                f.name: getattr(locked, f.name)
                for f in dataclasses.fields(ConcernDetails)
                if f.name not in ("themes", "service", "source_body")
            },
            source_body=locked.source_body,
        )
        details.themes, details.service, details.service_type = list(themes), service, service_type
        details.severity, details.safeguarding, details.status = severity, safeguarding, Status.REVIEWED
        locked._history_user = user  # type: ignore[attr-defined]
        concern_update(concern=locked, details=details)
        _record(locked, outcome=Outcome.ACCEPTED, user=user, note=note)
    return locked


def submission_signpost(*, concern: Concern, user: User, note: str) -> Concern:
    """Record that the person was given advice and information (signposted) instead."""
    if not note.strip():
        raise ValidationError({"note": "Enter the advice or information you gave, or where you signposted them"})
    with transaction.atomic():
        locked = _claim(concern)
        _set_status(locked, Status.SIGNPOSTED, user)
        _record(locked, outcome=Outcome.SIGNPOSTED, user=user, note=note)
    return locked


def submission_mark_duplicate(*, concern: Concern, user: User, reference: str, note: str = "") -> Concern:
    """Mark a submission as a duplicate of another concern in the area that the officer can see."""
    original = find_by_reference(reference, user=user, locality=concern.locality)
    if not reference.strip():
        raise ValidationError({"duplicate_of": "Enter the reference of the experience it duplicates, like C-000123"})
    if original is None:
        raise ValidationError(
            {"duplicate_of": f"There is no experience {reference.strip()} in this area. Check the reference."}
        )
    if original.pk == concern.pk:
        raise ValidationError({"duplicate_of": "Enter the reference of another experience, not this one"})
    if original.status in (Status.REJECTED, Status.DUPLICATE):
        raise ValidationError(
            {"duplicate_of": f"{original.reference} is itself rejected or a duplicate. Enter the original's reference."}
        )
    with transaction.atomic():
        locked = _claim(concern)
        _set_status(locked, Status.DUPLICATE, user)
        _record(locked, outcome=Outcome.DUPLICATE, user=user, note=note, duplicate_of=original)
    return locked


def submission_reject(*, concern: Concern, user: User, note: str = "") -> Concern:
    """Reject a submission as spam: it counts in no figure, and its personal details are removed
    after the area's retention period unless it is restored before then."""
    with transaction.atomic():
        locked = _claim(concern)
        _set_status(locked, Status.REJECTED, user)
        _record(locked, outcome=Outcome.REJECTED, user=user, note=note)
    return locked


def submission_restore(*, concern: Concern, user: User) -> Concern:
    """Put a rejected or duplicate submission back in the queue, while it still can be."""
    with transaction.atomic():
        locked = _claim(concern, statuses=RESTORABLE)
        until = restore_until(locked)
        if until is None or timezone.now() >= until:
            raise AlreadyDecided(
                f"{locked.reference} can no longer be restored: its personal details were removed "
                f"after the area's retention period of {locked.locality.rejected_retention_days} days."
            )
        _set_status(locked, Status.NEW, user)
        _record(locked, outcome=Outcome.RESTORED, user=user)
    return locked


def rejected_to_purge(now: datetime.datetime) -> QuerySet[Concern]:
    """Rejected submissions whose latest rejection is older than their area's retention period
    and whose details are still held."""
    rejected_at = Subquery(
        SubmissionDecision.objects.filter(concern=OuterRef("pk"), outcome=Outcome.REJECTED)
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    purged = SubmissionDecision.objects.filter(concern=OuterRef("pk"), outcome=Outcome.PURGED)
    candidates = (
        Concern.all_objects.filter(from_public=True, status=Status.REJECTED)
        .annotate(rejected_at=rejected_at)
        .filter(~Exists(purged), rejected_at__isnull=False)
        .select_related("locality")
        .order_by("pk")
    )
    return candidates


def rejected_purge(*, now: datetime.datetime) -> int:
    """Remove the personal details (the person's contact details and their words, in the record
    and its history) of rejected submissions past their area's retention period, recording that
    it was done. One that fails is logged and left for the next run."""
    removed = 0
    for concern in rejected_to_purge(now).iterator():
        days = concern.locality.rejected_retention_days
        if concern.rejected_at + datetime.timedelta(days=days) > now:
            continue
        try:
            with transaction.atomic():
                locked = _claim(concern, statuses=(Status.REJECTED,))
                ConcernContact.all_objects.filter(concern=locked).delete()
                Concern.all_objects.filter(pk=locked.pk).update(narrative=REMOVED, service_described="")
                Concern.history.filter(id=locked.pk).update(narrative=REMOVED, service_described="")
                _record(locked, outcome=Outcome.PURGED, user=None, note=f"After {days} days")
        except Exception:
            logger.exception(
                "Could not remove the details of rejected submission %s; trying again tomorrow", concern.pk
            )
            continue
        removed += 1
    return removed


def retention_set(*, locality: Locality, days: int, user: User) -> Locality:
    """Set how many days rejected submissions keep their details (the area's history records it)."""
    if not 1 <= days <= 365:
        raise ValidationError({"rejected_retention_days": "The number of days must be from 1 to 365"})
    if locality.rejected_retention_days != days:
        locality.rejected_retention_days = days
        locality._history_user = user  # type: ignore[attr-defined]
        locality.save(update_fields=["rejected_retention_days"])
    return locality
