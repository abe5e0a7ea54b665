"""Importing experiences from CSV: every row is checked first, with a row-numbered report,
then all rows are imported in one transaction, or none.

Row numbers are the spreadsheet's: the header is row 1, the first experience row 2.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import logging
from collections.abc import Callable, Iterator

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from agencies.models import Body, BodyKind, Locality, ServiceType
from quality_system.text import TextProblem, clean_text

from . import summaries
from .models import Channel, Concern, ConcernContact, ConcernTheme, ImportJob, Sentiment, Status, Theme
from .services import ConcernDetails, _validate, theme_names

logger = logging.getLogger(__name__)

REQUIRED = ["date_received", "channel", "service_type", "sentiment", "narrative"]
OPTIONAL = [
    "service",
    "themes",
    "severity",
    "safeguarding",
    "status",
    "closed_reason",
    "source_group",
    "external_ref",
    "name",
    "email",
    "phone",
    "consent_to_contact",
    "consent_to_share",
    "shared_online_by_public",  # written by the export; read and ignored, so an export imports
    "shareable_summary",  # likewise: a summary is approved by staff on the experience's page
]
MAX_ERRORS_KEPT = 500
# A service's field names, as the file's columns call them.
COLUMN_FOR_FIELD = {"received_on": "date_received", "source_body": "source_group", "happened_on": "date_received"}
BATCH = 1000
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says how to fix it."""


@dataclasses.dataclass
class ParsedRow:
    row: int
    details: ConcernDetails
    contact: dict


def _choice(value: str, choices, label: str) -> str:
    wanted = value.strip().lower()
    for key, text in choices:
        if wanted in (key, str(text).lower()):
            return key
    options = ", ".join(str(text).lower() for _, text in choices)
    raise ValueError(f"{label} ‘{value}’ is not one of: {options}")


def _date(value: str) -> datetime.date:
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Date received ‘{value}’ must be a real date like 27/03/2026")


def _short_text(value: str, label: str, limit: int) -> str:
    value = clean_text(value, label=label, single_line=True)
    if len(value) > limit:
        raise ValueError(f"{label} must be {limit} characters or fewer (it has {len(value)})")
    return value


def _yes_no(value: str, label: str) -> bool:
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"{label} must be yes or no, not ‘{value}’")


class Lookups:
    """The area's services, groups and themes, loaded once per file."""

    def __init__(self, locality: Locality):
        self.locality = locality
        bodies = list(Body.objects.filter(locality=locality))
        self.services: dict[str, Body] = {}
        for body in bodies:
            self.services[body.name.lower()] = body
            for code in (body.ods_code, body.cqc_id):
                if code:
                    self.services[code.lower()] = body
        self.groups = {b.name.lower(): b for b in bodies if b.kind == BodyKind.VCS}
        self.themes = {
            t.lower_name: t
            for t in Theme.all_objects.filter(locality=locality, is_active=True).annotate(lower_name=Lower("name"))
        }
        self.existing_refs = set(
            Concern.all_objects.filter(locality=locality)
            .exclude(external_ref="")
            .values_list("external_ref", flat=True)
        )


class _RowParser:
    """Reads one CSV row into a concern's details and contact, collecting every problem with
    the column it belongs to (so the report can name them all at once)."""

    def __init__(self, cells: dict[str, str], lookups: Lookups):
        self.cells, self.lookups = cells, lookups
        self.values: dict = {}
        self.problems: list[tuple[str, str]] = []

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def attempt(self, column: str, parse: Callable[[], object]) -> None:
        try:
            self.values[column] = parse()
        except (ValueError, TextProblem) as problem:
            self.problems.append((column, str(problem)))

    def parse_concern(self) -> None:
        get, attempt = self.get, self.attempt
        attempt("date_received", lambda: _date(get("date_received")))
        attempt("channel", lambda: _choice(get("channel"), Channel.choices, "Channel"))
        attempt("sentiment", lambda: _choice(get("sentiment"), Sentiment.choices, "Sentiment"))
        attempt("status", lambda: _choice(get("status") or "reviewed", Status.choices, "Status"))
        attempt("narrative", lambda: clean_text(self.cells.get("narrative") or "", label="Narrative"))
        attempt("closed_reason", lambda: clean_text(get("closed_reason"), label="Reason for closing", single_line=True))
        attempt("service", self._service)
        attempt("service_type", self._service_type)
        attempt("themes", self._themes)
        attempt("severity", self._severity)
        attempt("safeguarding", lambda: _yes_no(get("safeguarding"), "Safeguarding"))
        attempt("source_group", self._source_group)
        attempt(
            "external_ref", lambda: clean_text(get("external_ref"), label="External reference", single_line=True)[:60]
        )

    def _service(self):
        name = self.get("service")
        if not name:
            return None
        body = self.lookups.services.get(name.lower())
        if body is None:
            raise ValueError(f"No service called ‘{name}’ in this area. Use its exact name, ODS code or CQC ID")
        return body

    def _service_type(self):
        raw = self.get("service_type")
        service = self.values.get("service")
        if not raw and service is not None and service.service_type:
            return service.service_type
        return _choice(raw, ServiceType.choices, "Service type")

    def _themes(self):
        found = []
        for name in filter(None, (n.strip() for n in self.get("themes").split(";"))):
            theme = self.lookups.themes.get(name.lower())
            if theme is None:
                raise ValueError(f"No theme called ‘{name}’ in use in this area")
            found.append(theme)
        return found

    def _severity(self):
        raw = self.get("severity") or "0"
        if not raw.isdigit() or not 0 <= int(raw) <= 5:
            raise ValueError(f"Severity must be a whole number from 0 to 5, not ‘{raw}’")
        return int(raw)

    def _source_group(self):
        name = self.get("source_group")
        if not name:
            return None
        if name.lower() not in self.lookups.groups:
            raise ValueError(f"No voluntary or community group called ‘{name}’ in this area")
        return self.lookups.groups[name.lower()]

    def parse_contact(self) -> dict:
        contact = {}
        for column, limit in (("name", 150), ("email", 254), ("phone", 30)):
            self.attempt(column, lambda c=column, n=limit: _short_text(self.get(c), c.title(), n))
            contact[column] = self.values.get(column, "")
        if contact["email"]:
            try:
                validate_email(contact["email"])
            except DjangoValidationError:
                self.problems.append(
                    ("email", f"Email ‘{contact['email']}’ must be in the correct format, like name@example.org")
                )
        for column in ("consent_to_contact", "consent_to_share"):
            self.attempt(column, lambda c=column: _yes_no(self.get(c), c.replace("_", " ").capitalize()))
            contact[column] = self.values.get(column, False)
        if contact["consent_to_contact"] and not (contact["email"] or contact["phone"]):
            self.problems.append(
                ("consent_to_contact", "Agreed to be contacted, but there is no email address or phone number")
            )
        return contact

    def details(self) -> ConcernDetails:
        values = self.values
        return ConcernDetails(
            received_on=values["date_received"],
            channel=values["channel"],
            service_type=values["service_type"],
            sentiment=values["sentiment"],
            narrative=values["narrative"],
            themes=values["themes"],
            service=values["service"],
            source_body=values["source_group"],
            severity=values["severity"],
            safeguarding=values["safeguarding"],
            status=values["status"],
            closed_reason=values["closed_reason"],
            external_ref=values["external_ref"],
        )

    def check(self, details: ConcernDetails) -> None:
        """The rules a concern logged by hand must meet, named by the CSV column."""
        try:
            _validate(self.lookups.locality, details)
        except Exception as error:  # ValidationError with a dict of field messages
            for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
                self.problems.extend((COLUMN_FOR_FIELD.get(field, field), message) for message in messages)
        if len(details.narrative) > 10_000:
            self.problems.append(
                ("narrative", f"Narrative must be 10,000 characters or fewer (it has {len(details.narrative):,})")
            )


def _parse_row(cells: dict[str, str], lookups: Lookups) -> tuple[ConcernDetails | None, dict, list[tuple[str, str]]]:
    row = _RowParser(cells, lookups)
    row.parse_concern()
    contact = row.parse_contact()
    if row.problems:
        return None, contact, row.problems
    details = row.details()
    row.check(details)
    return details, contact, row.problems


def read_rows(raw: io.BufferedIOBase) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, cells by column) or raise FileProblem for the file as a whole."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise FileProblem("The file is empty. Use the template, with a header row and one row per experience.")
        columns = [h.strip().lower().replace(" ", "_") for h in header]
        if len(columns) == 1 and ";" in columns[0]:
            raise FileProblem(
                "The file uses semicolons between columns. Save it as CSV with commas "
                "(in Excel, ‘CSV UTF-8 (comma delimited)’)."
            )
        repeated = sorted({c for c in columns if c and columns.count(c) > 1})
        if repeated:
            raise FileProblem(f"The header row has the column {', '.join(repeated)} more than once. Keep one of each.")
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise FileProblem(
                f"The header row is missing the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. Use the template's column names."
            )
        unknown = [c for c in columns if c and c not in REQUIRED + OPTIONAL]
        if unknown:
            raise FileProblem(f"The header row has columns this import does not know: {', '.join(unknown)}.")
        for cells in reader:
            row = reader.line_num  # the physical line where this record ends
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                yield (
                    row,
                    {"__ragged__": f"This row has {len(cells)} cells but the header has {len(columns)}"},
                )
                continue
            yield row, dict(zip(columns, cells, strict=True))
    except UnicodeDecodeError:
        raise FileProblem(
            "The file is not UTF-8 text. In Excel, use Save As and choose ‘CSV UTF-8 (comma delimited)’."
        ) from None
    except csv.Error as error:
        raise FileProblem(
            f"The file could not be read as CSV near line {reader.line_num} ({error}). "
            "Check for a quote mark that is opened but not closed."
        ) from None


def check_file(raw, locality: Locality, progress: Callable[[int], None] = lambda n: None):
    """Check every row. Returns (rows, problems, total) where problems are (row, column, message)."""
    lookups = Lookups(locality)
    parsed: list[ParsedRow] = []
    problems: list[tuple[int, str, str]] = []
    seen_refs: dict[str, int] = {}
    seen_rows: dict[tuple, int] = {}
    total = 0
    for row, cells in read_rows(raw):
        total += 1
        if "__ragged__" in cells:
            problems.append((row, "", cells["__ragged__"]))
            continue
        details, contact, row_problems = _parse_row(cells, lookups)
        problems.extend((row, column, message) for column, message in row_problems)
        if details is None or row_problems:
            continue
        ref = details.external_ref
        if ref and ref in lookups.existing_refs:
            problems.append((row, "external_ref", f"Reference ‘{ref}’ has already been imported"))
        elif ref and ref in seen_refs:
            problems.append((row, "external_ref", f"Reference ‘{ref}’ is also on row {seen_refs[ref]}"))
        key = (details.received_on, details.service and details.service.pk, details.narrative)
        if key in seen_rows:
            problems.append((row, "", f"This row repeats row {seen_rows[key]}"))
        seen_refs.setdefault(ref, row) if ref else None
        seen_rows.setdefault(key, row)
        parsed.append(ParsedRow(row, details, contact))
        if total % 1000 == 0:
            progress(total)
    return parsed, problems, total


def progress_key(job_id: int) -> str:
    return f"concern-import:{job_id}:imported"


def import_rows(*, job: ImportJob, rows: list[ParsedRow]) -> int:
    """Write every row in one transaction: all are imported or none are."""
    locality, body = job.locality, job.collecting_body
    done = 0
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            concerns = [
                Concern(
                    locality=locality,
                    collecting_body=body,
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
                    tags.append(
                        ConcernTheme(concern=concern, theme=theme, locality=locality, received_on=concern.received_on)
                    )
                if any(parsed.contact.get(k) for k in ("name", "email", "phone")):
                    contacts.append(ConcernContact(concern=concern, **parsed.contact))
            ConcernTheme.objects.bulk_create(tags, batch_size=BATCH)
            ConcernContact.all_objects.bulk_create(contacts, batch_size=BATCH)
            summaries.mark_changed(locality.pk)
            done += len(batch)
            cache.set(progress_key(job.pk), done, timeout=3600)
    return done


def job_check(job_id: int) -> None:
    """Background step 1: check the file and record the report."""
    job = ImportJob.objects.select_related("locality").get(pk=job_id)
    try:
        with job.file.open("rb") as raw:
            _, problems, total = check_file(
                raw,
                job.locality,
                progress=lambda n: ImportJob.objects.filter(pk=job.pk).update(checked_rows=n),
            )
    except FileProblem as problem:
        job.state, job.failure, job.total_rows = ImportJob.State.INVALID, str(problem), 0
        job.finished_at = timezone.now()
        job.save()
        return
    job.total_rows = job.checked_rows = total
    job.error_count = len(problems)
    job.errors = [list(p) for p in problems[:MAX_ERRORS_KEPT]]
    if total == 0:
        job.state, job.failure = ImportJob.State.INVALID, "The file has a header row but no experiences."
    else:
        job.state = ImportJob.State.INVALID if problems else ImportJob.State.READY
    job.finished_at = timezone.now()
    job.save()


def job_import(job_id: int) -> None:
    """Background step 2: import a checked file. Claims the job first so it runs once."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.READY).update(state=ImportJob.State.IMPORTING)
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("locality", "collecting_body", "uploaded_by").get(pk=job_id)
    try:
        with job.file.open("rb") as raw:
            rows, problems, _ = check_file(raw, job.locality)
        if problems:  # the area changed since the check (a theme retired, a reference imported)
            job.state, job.error_count = ImportJob.State.INVALID, len(problems)
            job.errors = [list(p) for p in problems[:MAX_ERRORS_KEPT]]
        else:
            job.imported_rows = import_rows(job=job, rows=rows)
            job.state = ImportJob.State.DONE
    except Exception:
        logger.exception("Import %s failed", job_id)
        job.state = ImportJob.State.FAILED
        job.failure = "Something went wrong and nothing was imported. Try again, or contact support."
    job.finished_at = timezone.now()
    job.save()


STUCK_CHECK = datetime.timedelta(minutes=10)
STUCK_IMPORT = datetime.timedelta(minutes=70)  # longer than the import task's hard time limit


def stuck_jobs(now: datetime.datetime) -> tuple[list[int], list[int]]:
    """Jobs whose worker never started (the queue was down) or died part-way.

    A check that has not moved for 10 minutes is sent again (checking changes nothing). An
    import still marked as running 70 minutes on was killed: its transaction rolled back, so
    nothing was written, and it goes back to ready to be imported again.
    """
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
