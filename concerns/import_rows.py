"""Reading an import file one row at a time, and checking each row against every rule the
import and the database enforce (lengths, choices, dates), with messages that name the column.

Row numbers are the spreadsheet's: the header is row 1, the first experience row 2.
"""

from __future__ import annotations

import collections
import csv
import datetime
import functools
import io
import unicodedata
from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower

from agencies.models import Body, BodyKind, Locality, ServiceType
from quality_system import approx_dates, workbooks
from quality_system.text import TextProblem, clean_text, spreadsheet_unescape

from .models import Channel, Concern, ConcernContact, Sentiment, Status, Theme
from .services import ConcernDetails, _validate

REQUIRED = ["date_received", "channel", "service_type", "sentiment", "narrative"]
OPTIONAL = [
    "date_happened",  # 2026-03-04, 2026-03 (a month) or ~2026-03-04 (about): quality_system.approx_dates
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
]
# Names an experience already here (C-000123, as exports write it): that row updates it.
MATCHING = ["reference"]
# Written by the export, and read and ignored so that an export imports (a summary is approved by
# staff on the experience's page). Not in the template: a new file has no use for them.
EXPORT_ONLY = ["shared_online_by_public", "shareable_summary"]
# A service's field names, as the file's columns call them.
COLUMN_FOR_FIELD = {"received_on": "date_received", "source_body": "source_group", "happened_on": "date_happened"}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
EARLIEST_YEAR = 1900
UNKNOWN_COLUMNS_NAMED = 10
# A row's text across all its lines: far more than any row the import accepts (a narrative is at
# most 10,000 characters), far less than what makes csv.reader's list of cells costly.
MAX_ROW_CHARS = 1024 * 1024
MAX_COLUMNS = 1000
# What an Excel workbook may unpack to (a zip bomb is refused before it is opened); a quarter
# of it for the shared strings, which openpyxl holds in memory.
MAX_UNPACKED = 400 * 1024 * 1024


def _limit(model, field: str) -> int:
    """The database's limit for a column: the check and the table cannot disagree."""
    return model._meta.get_field(field).max_length


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says how to fix it."""


def shown(value: str, limit: int = 40) -> str:
    """A value quoted in a message: shortened, with hidden characters made visible, so that a
    report of a thousand problems stays readable and storable."""
    value = "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in value[: limit + 1])
    return value if len(value) <= limit else value[:limit] + "…"


@functools.cache
def _options(choices: type[models.Choices]) -> tuple[dict[str, str], str]:
    """A choice's stored value by its value or its label (lower case), and the labels listed."""
    found = {}
    for key, text in choices.choices:
        found[key] = found[str(text).lower()] = key
    return found, ", ".join(str(text).lower() for _, text in choices.choices)


def _choice(value: str, choices: type[models.Choices], label: str) -> str:
    found, listed = _options(choices)
    key = found.get(value.strip().lower())
    if key is None:
        raise ValueError(f"{label} ‘{shown(value)}’ is not one of: {listed}")
    return key


def _date(value: str) -> datetime.date:
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            found = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if found.year < EARLIEST_YEAR:
            raise ValueError(f"Date received ‘{shown(value)}’ must be in {EARLIEST_YEAR} or later")
        return found
    raise ValueError(f"Date received ‘{shown(value)}’ must be a real date like 27/03/2026")


def _happened(value: str) -> tuple[datetime.date | None, str]:
    try:
        return approx_dates.read(value)
    except ValueError as problem:
        raise ValueError(f"Date it happened ‘{shown(value.strip())}’ {problem}") from None


def _text(value: str, label: str, limit: int, single_line: bool = True) -> str:
    value = clean_text(value, label=label, single_line=single_line)
    if len(value) > limit:
        raise ValueError(f"{label} must be {limit:,} characters or fewer (it has {len(value):,})")
    return value


def _yes_no(value: str, label: str) -> bool:
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"{label} must be yes or no, not ‘{shown(value)}’")


class Lookups:
    """The area's services, groups and themes, loaded once per file."""

    def __init__(self, locality: Locality):
        self.locality = locality
        bodies = list(Body.objects.serving(locality))
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
        attempt("date_happened", lambda: _happened(get("date_happened")))
        attempt("channel", lambda: _choice(get("channel"), Channel, "Channel"))
        attempt("sentiment", lambda: _choice(get("sentiment"), Sentiment, "Sentiment"))
        attempt("status", lambda: _choice(get("status") or "reviewed", Status, "Status"))
        attempt(
            "narrative",
            lambda: _text(self.cells.get("narrative") or "", "Narrative", _limit(Concern, "narrative"), False),
        )
        attempt(
            "closed_reason", lambda: _text(get("closed_reason"), "Reason for closing", _limit(Concern, "closed_reason"))
        )
        attempt("service", self._service)
        attempt("service_type", self._service_type)
        attempt("themes", self._themes)
        attempt("severity", self._severity)
        attempt("safeguarding", lambda: _yes_no(get("safeguarding"), "Safeguarding"))
        attempt("source_group", self._source_group)
        attempt(
            "external_ref", lambda: _text(get("external_ref"), "External reference", _limit(Concern, "external_ref"))
        )

    def _service(self):
        name = self.get("service")
        if not name:
            return None
        body = self.lookups.services.get(name.lower())
        if body is None:
            raise ValueError(f"No service called ‘{shown(name)}’ in this area. Use its exact name, ODS code or CQC ID")
        return body

    def _service_type(self):
        raw = self.get("service_type")
        service = self.values.get("service")
        if not raw and service is not None and service.service_type:
            return service.service_type
        return _choice(raw, ServiceType, "Service type")

    def _themes(self):
        found = []
        for name in filter(None, (n.strip() for n in self.get("themes").split(";"))):
            theme = self.lookups.themes.get(name.lower())
            if theme is None:
                raise ValueError(f"No theme called ‘{shown(name)}’ in use in this area")
            found.append(theme)
        return found

    def _severity(self):
        raw = self.get("severity") or "0"
        if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 5:
            raise ValueError(f"Severity must be a whole number from 0 to 5, not ‘{shown(raw)}’")
        return int(raw)

    def _source_group(self):
        name = self.get("source_group")
        if not name:
            return None
        if name.lower() not in self.lookups.groups:
            raise ValueError(f"No voluntary or community group called ‘{shown(name)}’ in this area")
        return self.lookups.groups[name.lower()]

    def parse_contact(self) -> dict:
        contact = {}
        for column in ("name", "email", "phone"):
            self.attempt(column, lambda c=column: _text(self.get(c), c.title(), _limit(ConcernContact, c)))
            contact[column] = self.values.get(column, "")
        if contact["email"]:
            try:
                validate_email(contact["email"])
            except DjangoValidationError:
                self.problems.append(
                    ("email", f"Email ‘{shown(contact['email'])}’ must be in the correct format, like name@example.org")
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
        happened_on, precision = values["date_happened"]
        return ConcernDetails(
            received_on=values["date_received"],
            happened_on=happened_on,
            happened_on_precision=precision,
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
        except DjangoValidationError as error:
            for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
                self.problems.extend((COLUMN_FOR_FIELD.get(field, field), message) for message in messages)


def parse_row(cells: dict[str, str], lookups: Lookups) -> tuple[ConcernDetails | None, dict, list[tuple[str, str]]]:
    row = _RowParser(cells, lookups)
    row.parse_concern()
    contact = row.parse_contact()
    if row.problems:
        return None, contact, row.problems
    details = row.details()
    row.check(details)
    return details, contact, row.problems


def _columns(header: list[str], notes: list[str]) -> list[str]:
    """The header's column names, or FileProblem saying what is wrong with them. A note says
    which export columns are ignored."""
    if len(header) > MAX_COLUMNS:
        raise FileProblem(
            f"The header row has {len(header):,} columns; this import reads at most {MAX_COLUMNS:,}. "
            "Check the file is a CSV of experiences, with the template's columns."
        )
    columns = [h.strip().lower().replace(" ", "_") for h in header]
    if len(columns) == 1 and ";" in columns[0]:
        raise FileProblem(
            "The file uses semicolons between columns. Save it as CSV with commas "
            "(in Excel, ‘CSV UTF-8 (comma delimited)’)."
        )
    repeated = sorted(c for c, n in collections.Counter(columns).items() if c and n > 1)
    if repeated:
        raise FileProblem(f"The header row has the column {_some(repeated)} more than once. Keep one of each.")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileProblem(
            f"The header row is missing the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. Use the template's column names."
        )
    known = set(REQUIRED + OPTIONAL + MATCHING + EXPORT_ONLY)
    unknown = [c for c in columns if c and c not in known]
    if unknown:
        raise FileProblem(f"The header row has columns this import does not know: {_some(unknown)}.")
    ignored = [c for c in EXPORT_ONLY if c in columns]
    if len(ignored) == 1:
        notes.append(
            f"The column {ignored[0]} was ignored: exports include it to read, and an import does not change it."
        )
    elif ignored:
        notes.append(
            f"The columns {' and '.join(ignored)} were ignored: exports include them to read, "
            "and an import does not change them."
        )
    return columns


def _some(names: list[str]) -> str:
    """The first few names, and how many more, so a message about a header stays short."""
    listed = ", ".join(shown(n) for n in names[:UNKNOWN_COLUMNS_NAMED])
    more = len(names) - UNKNOWN_COLUMNS_NAMED
    return f"{listed} and {more:,} more" if more > 0 else listed


class _Lines:
    """The file's physical lines, for csv.reader, each read with a length limit.

    csv.reader builds a row's whole list of cells before anything can count them, and its field
    size limit caps one cell, not how many: one long line of commas would become millions of
    cells. So a row (a record, over however many lines its quoted cells span) is refused as soon
    as its text passes MAX_ROW_CHARS, before csv.reader sees the line that passed it. The reader
    calls `next_row` after each row it gives back."""

    def __init__(self, text: io.TextIOBase):
        self.text, self.lines, self.row_start, self.row_chars = text, 0, 1, 0

    def next_row(self) -> None:
        self.row_start, self.row_chars = self.lines + 1, 0

    def __iter__(self) -> Iterator[str]:
        while line := self.text.readline(MAX_ROW_CHARS + 1):
            self.row_chars += len(line)
            if self.row_chars > MAX_ROW_CHARS:
                raise FileProblem(
                    f"Row {self.row_start:,} is too long (over {MAX_ROW_CHARS:,} characters): "
                    "split it or check the file is a CSV."
                )
            self.lines += 1
            yield line


def _shaped(
    rows: Iterator[tuple[int, list[str]]], notes: list[str], *, pad: bool
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of cells as (row number, cells by column), skipping empty rows. A spreadsheet leaves
    out empty cells at the end of a row (`pad`); a CSV row must have the header's cell count."""
    first = next(rows, None)
    if first is None:
        raise FileProblem("The file is empty. Use the template, with a header row and one row per experience.")
    columns = _columns(first[1], notes)
    width = len(columns)
    for row, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if pad and len(cells) != width:
            extra = cells[width:]
            cells = cells[:width] + [""] * (width - len(cells)) if not any(c.strip() for c in extra) else cells
        if len(cells) != width:
            yield row, {"__ragged__": f"This row has {len(cells):,} cells but the header has {width:,}"}
            continue
        yield row, {column: spreadsheet_unescape(cell) for column, cell in zip(columns, cells, strict=True)}


def _csv_rows(raw: io.BufferedIOBase) -> Iterator[tuple[int, list[str]]]:
    lines = _Lines(io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline=""))
    reader = csv.reader(lines, strict=True)
    try:
        for cells in reader:
            lines.next_row()
            yield reader.line_num, cells  # the physical line where this record ends
    except UnicodeDecodeError:
        raise FileProblem(
            "The file is not UTF-8 text. In Excel, use Save As and choose ‘CSV UTF-8 (comma delimited)’."
        ) from None
    except csv.Error as error:
        raise FileProblem(
            f"The file could not be read as CSV near line {reader.line_num:,} ({shown(str(error), 100)}). "
            "Check for a quote mark that is opened but not closed."
        ) from None


def _workbook_rows(raw: io.BufferedIOBase) -> Iterator[tuple[int, list[str]]]:
    try:
        for row, cells in workbooks.sheet_rows(
            raw, max_columns=MAX_COLUMNS, max_row_chars=MAX_ROW_CHARS, max_unpacked=MAX_UNPACKED
        ):
            if sum(map(len, cells)) > MAX_ROW_CHARS:
                raise FileProblem(f"Row {row:,} is too long (over {MAX_ROW_CHARS:,} characters): split it.")
            yield row, cells
    except workbooks.WorkbookProblem as problem:
        raise FileProblem(str(problem)) from None


def read_rows(raw: io.BufferedIOBase, notes: list[str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, cells by column), one row at a time, from a CSV file or an Excel
    workbook (told apart by their first bytes, not their names); or raise FileProblem for the
    file as a whole. What the header's columns make the import ignore is added to `notes`."""
    head = raw.read(4)
    raw.seek(0)
    notes = [] if notes is None else notes
    if workbooks.looks_like_workbook(head):
        return _shaped(_workbook_rows(raw), notes, pad=True)
    return _shaped(_csv_rows(raw), notes, pad=False)
