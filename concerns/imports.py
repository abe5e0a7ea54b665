"""Importing experiences from CSV: every row is checked first, with a row-numbered report,
then all rows are imported in one transaction, or none.

Both steps read the stored file one row at a time, so memory stays flat whatever its size:
the report keeps the first 1,000 problems (and counts the rest), the duplicate check keeps
fingerprints rather than text (concerns.fingerprints), and the import writes in batches.
Every job ends, as ready, invalid, done, failed or expired; the uploaded file is deleted as
soon as it is no longer needed (concerns/import_files.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import itertools
import logging
from collections.abc import Callable, Iterator

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from agencies.models import Locality

from . import import_updates, services, summaries
from .fingerprints import FirstSeen
from .import_files import end_job
from .import_rows import (
    EXPORT_ONLY,
    MATCHING,
    OPTIONAL,
    REQUIRED,
    FileProblem,
    Lookups,
    parse_row,
    read_rows,
    shown,
)
from .import_updates import Editable
from .models import Concern, ConcernContact, ConcernTheme, ImportJob
from .services import ConcernDetails, theme_names

__all__ = [
    "EXPORT_ONLY",
    "MATCHING",
    "OPTIONAL",
    "REQUIRED",
    "check_file",
    "job_check",
    "job_import",
    "progress_key",
    "stuck_jobs",
]

logger = logging.getLogger(__name__)

MAX_PROBLEMS_KEPT = 1000
BATCH = 1000
MAX_ATTEMPTS = 3
CHECK_FAILED = (
    "Something went wrong while checking the file, and nothing was imported. "
    "Upload it again, or contact support if this happens again."
)
IMPORT_FAILED = (
    "Something went wrong and nothing was imported. Upload the file again, or contact support if this happens again."
)


@dataclasses.dataclass
class ParsedRow:
    row: int
    details: ConcernDetails
    contact: dict
    target: Concern | None = None  # the experience this row updates, named by its reference
    changed: bool = False


@dataclasses.dataclass
class Report:
    """What checking found: every problem counted, the first 1,000 kept as [row, column, message]."""

    total: int = 0
    problem_count: int = 0
    problems: list[list] = dataclasses.field(default_factory=list)
    problem_rows: set[int] = dataclasses.field(default_factory=set)
    notes: list[str] = dataclasses.field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.problem_count += 1
        self.problem_rows.add(row)
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append([row, column, message])


def _known_refs(locality: Locality) -> FirstSeen:
    """The area's references already in use, remembered as seen on row 0."""
    refs = FirstSeen()
    existing = Concern.all_objects.filter(locality=locality).exclude(external_ref="")
    for ref in existing.values_list("external_ref", flat=True).iterator(chunk_size=5000):
        refs.first_row(ref.encode(), 0)
    return refs


def _row_key(details: ConcernDetails) -> bytes:
    service = details.service.pk if details.service else ""
    return f"{details.received_on.isoformat()}|{service}|".encode() + details.narrative.encode()


def _target(cells: dict[str, str], row: int, editable: Editable, seen: FirstSeen, report: Report):
    """The experience a row names by its reference: (None, True) for a new one, (None, False)
    when the reference is a problem."""
    reference = (cells.get("reference") or "").strip()
    if not reference:
        return None, True
    target = editable.find(reference)
    if target is None:
        report.add(row, "reference", editable.not_found(shown(reference)))
        return None, False
    first = seen.first_row(target.reference.encode(), row)
    if first is not None:
        report.add(row, "reference", f"Reference {target.reference} is also on row {first}")
        return None, False
    return target, True


def _parsed(row: int, cells: dict, target: Concern | None, lookups: Lookups, editable: Editable, report: Report):
    """The row's details and contact, or None with its problems reported."""
    details, contact, problems = parse_row(import_updates.fill(cells, target) if target else cells, lookups)
    for column, message in problems:
        report.add(row, column, message)
    if details is None or problems:
        return None
    if target is None:
        return ParsedRow(row, details, contact)
    given = import_updates.given_contact(cells, contact)
    if given and not import_updates.contact_differs(target, given):
        given = {}
    if given and target.collecting_body_id not in editable.officer_body_ids:
        report.add(row, "name", "Only officers can change personal details. Leave the personal details as they are")
        return None
    details = import_updates.keep(details, target)
    return ParsedRow(row, details, given, target, bool(given) or services.concern_changed(target, details))


def check_file(
    raw: io.BufferedIOBase,
    locality: Locality,
    report: Report,
    progress: Callable[[int], object] = lambda n: None,
    editable: Editable | None = None,
) -> Iterator[ParsedRow]:
    """Yield each row that passes every check, one at a time, recording the problems of the
    others in `report`. A row naming an experience in `editable` by its reference updates it.
    Raises FileProblem when the file as a whole cannot be read."""
    lookups, refs, rows, named = Lookups(locality), _known_refs(locality), FirstSeen(), FirstSeen()
    editable = editable or Editable(locality, None)
    for row, cells in read_rows(raw, report.notes):
        report.total += 1
        if report.total % BATCH == 0:
            progress(report.total)
        if "__ragged__" in cells:
            report.add(row, "", cells["__ragged__"])
            continue
        target, found = _target(cells, row, editable, named, report)
        parsed = _parsed(row, cells, target, lookups, editable, report) if found else None
        if parsed is None:
            continue
        clean, details = True, parsed.details
        if (ref := details.external_ref) and not (target and ref == target.external_ref):
            first = refs.first_row(ref.encode(), row)
            if first is not None:
                clean = False
                where = "has already been imported" if first == 0 else f"is also on row {first}"
                report.add(row, "external_ref", f"Reference ‘{shown(ref)}’ {where}")
        repeats = None if target else rows.first_row(_row_key(details), row)
        if repeats is not None:
            report.add(row, "", f"This row repeats row {repeats}")
        elif clean:
            if target is None:
                report.added += 1
            elif parsed.changed:
                report.updated += 1
            else:
                report.unchanged += 1
            yield parsed


def progress_key(job_id: int) -> str:
    return f"concern-import:{job_id}:imported"


def _write_batch(job: ImportJob, batch: list[ParsedRow]) -> None:
    """Add the batch's new experiences, and write the changes of the ones it updates."""
    for parsed in batch:
        if parsed.target is not None and parsed.changed:
            import_updates.update(
                concern=parsed.target,
                details=parsed.details,
                contact=parsed.contact,
                user=job.uploaded_by,
                source=job.original_name,
            )
    batch = [parsed for parsed in batch if parsed.target is None]
    if not batch:
        return
    locality = job.locality
    concerns = [
        Concern(
            locality=locality,
            collecting_body=job.collecting_body,
            created_by=job.uploaded_by,
            theme_names=theme_names(r.details.themes),
            **{f.name: getattr(r.details, f.name) for f in dataclasses.fields(r.details) if f.name != "themes"},
        )
        for r in batch
    ]
    concerns = bulk_create_with_history(concerns, Concern, batch_size=BATCH, default_user=job.uploaded_by)
    if any(c.pk is None for c in concerns):  # older SQLite cannot return keys
        raise RuntimeError("The database did not return new record numbers")
    tags, contacts = [], []
    for concern, parsed in zip(concerns, batch, strict=True):
        for theme in {t.pk: t for t in parsed.details.themes}.values():
            tags.append(ConcernTheme(concern=concern, theme=theme, locality=locality, received_on=concern.received_on))
        if any(parsed.contact.get(k) for k in ("name", "email", "phone")):
            contacts.append(ConcernContact(concern=concern, **parsed.contact))
    ConcernTheme.objects.bulk_create(tags, batch_size=BATCH)
    ConcernContact.all_objects.bulk_create(contacts, batch_size=BATCH)


def import_file(*, job: ImportJob, raw: io.BufferedIOBase) -> tuple[Report, int]:
    """Check the file again while writing it, in batches, in one transaction: every row is
    imported, or (when a row no longer passes, say a theme was retired since the check) none
    are, and the report says why. Returns the report (with how many rows were added, updated
    and unchanged) and how many rows were done."""
    report, done = Report(), 0
    with transaction.atomic():
        rows = check_file(raw, job.locality, report, editable=Editable(job.locality, job.uploaded_by))
        while batch := list(itertools.islice(rows, BATCH)):
            if report.problem_count:
                break
            _write_batch(job, batch)
            done += len(batch)
            cache.set(progress_key(job.pk), done, timeout=3600)
        if report.problem_count:
            for _ in rows:  # count every problem, writing nothing more
                pass
            transaction.set_rollback(True)
            return report, 0
        summaries.mark_changed(job.locality.pk)
    return report, done


def _started(job_id: int, state: ImportJob.State) -> bool:
    """Count an attempt at a step; False when the job is no longer at that step."""
    return ImportJob.objects.filter(pk=job_id, state=state).update(attempts=F("attempts") + 1) == 1


def _counted(job: ImportJob, report: Report) -> None:
    """The rows to add, update and leave (after the check), or added, updated and left (after
    the import), and what the import ignored."""
    job.imported_rows, job.updated_rows, job.unchanged_rows = report.added, report.updated, report.unchanged
    job.notes = report.notes


def job_check(job_id: int) -> None:
    """Background step 1: check the file and record the report. Always ends the job, unless
    its worker is killed (then the sweep sends it again, up to three times)."""
    if not _started(job_id, ImportJob.State.VALIDATING):
        return  # already checked: a message the sweep sent again after all
    job = ImportJob.objects.select_related("locality").get(pk=job_id)
    report = Report()

    def record(rows: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(checked_rows=rows, updated_at=timezone.now())

    try:
        with job.file.open("rb") as raw:
            for _ in check_file(
                raw, job.locality, report, progress=record, editable=Editable(job.locality, job.uploaded_by)
            ):
                pass
    except FileProblem as problem:
        return end_job(job, ImportJob.State.INVALID, failure=str(problem))
    except Exception:
        logger.exception("Checking import %s failed", job_id)
        return end_job(job, ImportJob.State.FAILED, failure=CHECK_FAILED)
    job.total_rows = job.checked_rows = report.total
    _counted(job, report)
    if report.total == 0:
        return end_job(job, ImportJob.State.INVALID, failure="The file has a header row but no experiences.")
    state = ImportJob.State.INVALID if report.problem_count else ImportJob.State.READY
    end_job(job, state, errors=report.problems, error_count=report.problem_count, error_rows=len(report.problem_rows))


def job_import(job_id: int) -> None:
    """Background step 2: import a checked file. Claims the job first so it runs once."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.READY).update(
        state=ImportJob.State.IMPORTING, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("locality", "collecting_body", "uploaded_by").get(pk=job_id)
    try:
        with job.file.open("rb") as raw:
            report, _done = import_file(job=job, raw=raw)
    except Exception:
        logger.exception("Import %s failed", job_id)
        return end_job(job, ImportJob.State.FAILED, failure=IMPORT_FAILED)
    if report.problem_count:  # the area changed since the check (a theme retired, a reference imported)
        return end_job(
            job,
            ImportJob.State.INVALID,
            errors=report.problems,
            error_count=report.problem_count,
            error_rows=len(report.problem_rows),
        )
    _counted(job, report)
    end_job(job, ImportJob.State.DONE)


STUCK_CHECK = datetime.timedelta(minutes=10)
STUCK_IMPORT = datetime.timedelta(minutes=70)  # longer than the import task's hard time limit
GAVE_UP = (
    "We could not finish this after {attempts} tries, and nothing was imported. "
    "Split the file into smaller files and upload them, or contact support."
)


def stuck_jobs(now: datetime.datetime) -> tuple[list[int], list[int]]:
    """Jobs whose worker never started (the queue was down) or died part-way.

    A check that has not moved for 10 minutes is sent again (checking changes nothing). An
    import still marked as running 70 minutes on was killed: its transaction rolled back, so
    nothing was written, and it goes back to ready to be imported again. A job whose worker
    died three times ends as failed, so one bad file cannot keep a worker busy for ever.
    """
    stuck = ImportJob.objects.filter(
        Q(state=ImportJob.State.VALIDATING, updated_at__lt=now - STUCK_CHECK)
        | Q(state=ImportJob.State.IMPORTING, updated_at__lt=now - STUCK_IMPORT)
    )
    for job in stuck.filter(attempts__gte=MAX_ATTEMPTS).select_related("locality"):
        end_job(job, ImportJob.State.FAILED, failure=GAVE_UP.format(attempts=job.attempts))
    checks = list(
        ImportJob.objects.filter(state=ImportJob.State.VALIDATING, updated_at__lt=now - STUCK_CHECK).values_list(
            "pk", flat=True
        )
    )
    imports = []
    for pk in ImportJob.objects.filter(state=ImportJob.State.IMPORTING, updated_at__lt=now - STUCK_IMPORT).values_list(
        "pk", flat=True
    ):
        if ImportJob.objects.filter(pk=pk, state=ImportJob.State.IMPORTING).update(
            state=ImportJob.State.READY, updated_at=now
        ):
            imports.append(pk)
    ImportJob.objects.filter(pk__in=checks).update(updated_at=now)
    return checks, imports
