"""Excel workbooks (.xlsx) in and out, with openpyxl, in bounded memory. No Django models.

Reading (`sheet_rows`): a workbook is a zip of XML files, so a small upload can unpack into
gigabytes. Before openpyxl opens it, the archive's table of contents is checked: it must be a
real workbook, and what it unpacks to must stay under `max_unpacked` (zipfile never reads past
an entry's declared size, so the declared sizes bind). The first sheet is then read twice as a
stream: once with expat, counting each row's cells and characters, so a row too wide or too long
is refused before anything holds it whole; then with openpyxl's read-only sheet parser, one row
at a time. Dates come back as dates, numbers as numbers; `cell_text` turns each into the text
the import reads (dates as 27/03/2026).

Writing (`workbook_file`): a write-only workbook streams its rows to a temporary file (each
string written inline, so nothing grows with the rows). A text cell that starts with "=" is
written as text, never as a formula.
"""

from __future__ import annotations

import datetime
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._reader import WorkSheetParser  # the read-only sheet's own row parser

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls files, and workbooks saved with a password
MAX_ROW_NUMBER = 1_048_576  # Excel's own last row
MAX_ENTRIES = 10_000
DATE_FORMAT = "DD/MM/YYYY"
NOT_A_WORKBOOK = "The file is not an Excel workbook (.xlsx). Save it from Excel as ‘Excel Workbook (.xlsx)’, or as CSV UTF-8."


class WorkbookProblem(Exception):
    """The workbook as a whole cannot be read; the message says how to fix it."""


def looks_like_workbook(head: bytes) -> bool:
    """Whether a file's first bytes are a zip archive's, as every .xlsx file's are."""
    return head.startswith(ZIP_MAGIC)


def _check_archive(raw, max_unpacked: int) -> None:
    raw.seek(0)
    head = raw.read(8)
    raw.seek(0)
    if head.startswith(OLE_MAGIC):
        raise WorkbookProblem(
            "The file is an old Excel file (.xls) or has a password. Remove any password and save it as "
            "‘Excel Workbook (.xlsx)’ or as CSV UTF-8."
        )
    try:
        with zipfile.ZipFile(raw) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkbookProblem(NOT_A_WORKBOOK) from None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookProblem(NOT_A_WORKBOOK)
    unpacked = sum(e.file_size for e in entries)
    # openpyxl holds the shared strings (each distinct text) in memory: a quarter of the bound.
    strings = sum(e.file_size for e in entries if e.filename.lower() == "xl/sharedstrings.xml")
    if len(entries) > MAX_ENTRIES or unpacked > max_unpacked or strings > max_unpacked // 4:
        raise WorkbookProblem(
            f"The workbook unpacks to more than {max_unpacked // (1024 * 1024):,} MB. "
            "Split it into smaller files, or save it as CSV UTF-8."
        )
    raw.seek(0)


class _RowScan:
    """An expat pass over a sheet's XML counting each row's cells and characters, so that a
    row too wide or too long is refused while only its counts are held."""

    def __init__(self, max_columns: int, max_row_chars: int):
        self.max_columns, self.max_row_chars = max_columns, max_row_chars
        self.row, self.cells, self.chars, self.in_sheet_data = 0, 0, 0, False

    def start(self, name: str, attrs: dict) -> None:
        name = name.rpartition(":")[2]
        if name == "sheetData":
            self.in_sheet_data = True
        elif name == "row" and self.in_sheet_data:
            number = attrs.get("r", "")
            self.row = int(number) if number.isascii() and number.isdigit() else self.row + 1
            if self.row > MAX_ROW_NUMBER:
                raise WorkbookProblem(f"The sheet has a row numbered over {MAX_ROW_NUMBER:,}, Excel’s last row.")
            self.cells = self.chars = 0
        elif name == "c" and self.in_sheet_data:
            self.cells += 1
            if self.cells > self.max_columns:
                raise WorkbookProblem(
                    f"Row {self.row:,} has more than {self.max_columns:,} cells; this import reads at most "
                    f"{self.max_columns:,} columns. Check the workbook holds experiences, with the template’s columns."
                )

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] == "sheetData":
            self.in_sheet_data = False

    def text(self, data: str) -> None:
        if self.in_sheet_data:
            self.chars += len(data)
            if self.chars > self.max_row_chars:
                raise WorkbookProblem(
                    f"Row {self.row:,} is too long (over {self.max_row_chars:,} characters): split it."
                )

    def run(self, source) -> None:
        parser = expat.ParserCreate(namespace_separator=":")
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.text
        try:
            while chunk := source.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise WorkbookProblem("The workbook’s sheet is damaged. Open it in Excel and save it again.") from None


def cell_text(value: object) -> str:
    """A cell's value as the import reads text: dates as 27/03/2026, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_rows(raw, *, max_columns: int, max_row_chars: int, max_unpacked: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cell texts) for each row of the workbook's first sheet that has any
    cells, up to `max_columns` wide; or raise WorkbookProblem for the workbook as a whole."""
    _check_archive(raw, max_unpacked)
    try:
        workbook = load_workbook(raw, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except WorkbookProblem:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign archive
        raise WorkbookProblem(NOT_A_WORKBOOK) from None
    try:
        with workbook._archive.open(sheet._worksheet_path) as source:
            _RowScan(max_columns, max_row_chars).run(source)
        with workbook._archive.open(sheet._worksheet_path) as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                parser.row_dimensions.clear()  # row heights: not needed, and would grow with the rows
                row = [""] * min(max((c["column"] for c in cells), default=0), max_columns)
                for cell in cells:
                    if cell["column"] <= max_columns:
                        row[cell["column"] - 1] = cell_text(cell["value"])
                yield number, row
    except WorkbookProblem:
        raise
    except (zipfile.BadZipFile, ValueError, KeyError, EOFError):
        raise WorkbookProblem("The workbook’s sheet is damaged. Open it in Excel and save it again.") from None
    finally:
        workbook.close()


def _cell(sheet, value: object) -> WriteOnlyCell:
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", "" if value is None else str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # "=SUM(...)" stays the text it is: never a formula
    return cell


def workbook_file(title: str, header: list[str], rows: Iterable[list]) -> tempfile.SpooledTemporaryFile:
    """A one-sheet workbook of the header and rows, written a row at a time to a temporary file
    (rewound, ready to send). Dates become date cells; text is always text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([_cell(sheet, name) for name in header])
    for cells in rows:
        sheet.append([_cell(sheet, value) for value in cells])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out
