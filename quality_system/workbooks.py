"""Excel workbooks (.xlsx) in and out, with openpyxl, in bounded memory. No Django models.

Reading (`sheet_rows`): a workbook is a zip of XML files, so a small upload can unpack into
gigabytes. Before openpyxl opens it, the archive's table of contents is checked: it must be a
real workbook, and what it unpacks to must stay under `max_unpacked` (zipfile never reads past
an entry's declared size, so the declared sizes bind). openpyxl's reader (read-only, data only)
reads its shared strings and styles; the first sheet is then read as a stream with expat,
one row at a time, a row too wide or too long refused while it is read. Dates come back as
dates, numbers as numbers; `cell_text` turns each into the text the import reads (27/03/2026).

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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls files, and workbooks saved with a password
MAX_ROW_NUMBER = 1_048_576  # Excel's own last row
MAX_ENTRIES = 10_000
DATE_FORMAT = "DD/MM/YYYY"
NOT_A_WORKBOOK = (
    "The file is not an Excel workbook (.xlsx). Save it from Excel as ‘Excel Workbook (.xlsx)’, or as CSV UTF-8."
)


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


class _RowReader:
    """The first sheet's rows, read with expat as a stream: only the current row's cells (at
    most `max_columns`, with at most `max_row_chars` characters) are held. openpyxl's own sheet
    parser keeps every row it has read (cleared but attached to the tree), some 90 bytes a row;
    this keeps none. Values are typed as openpyxl types them: shared and inline strings, numbers,
    dates (a number in a date style), booleans."""

    def __init__(self, reader: ExcelReader, max_columns: int, max_row_chars: int):
        self.strings, self.dates, self.epoch = reader.shared_strings, reader.wb._date_formats, reader.wb.epoch
        self.max_columns, self.max_row_chars = max_columns, max_row_chars
        self.row, self.in_data, self.text, self.collecting, self.phonetic = 0, False, [], False, False
        self.cells: dict[int, str] = {}
        self.cell: tuple[int, str, int] = (0, "n", 0)
        self.chars, self.done = 0, []

    def start(self, name: str, attrs: dict) -> None:
        name = name.rpartition(":")[2]
        if name == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif name == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isascii() and number.isdigit() else self.row + 1
            if self.row > MAX_ROW_NUMBER:
                raise WorkbookProblem(f"The sheet has a row numbered over {MAX_ROW_NUMBER:,}, Excel’s last row.")
            self.cells, self.chars, self.cell = {}, 0, (0, "n", 0)
        elif name == "c":
            self._start_cell(attrs)
        elif name == "rPh":
            self.phonetic = True
        elif name in ("v", "t") and not self.phonetic:
            self.collecting, self.text = True, [] if name == "v" else self.text

    def _start_cell(self, attrs: dict) -> None:
        letters = "".join(ch for ch in attrs.get("r", "") if ch.isalpha())
        column = column_index_from_string(letters) if letters else self.cell[0] + 1
        style = attrs.get("s", "0")
        self.cell = (column, attrs.get("t", "n"), int(style) if style.isdigit() else 0)
        self.text = []
        if len(self.cells) >= self.max_columns:
            raise WorkbookProblem(
                f"Row {self.row:,} has more than {self.max_columns:,} cells; this import reads at most "
                f"{self.max_columns:,} columns. Check the workbook holds experiences, with the template’s columns."
            )

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name == "sheetData":
            self.in_data = False
        elif not self.in_data:
            return
        elif name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "c":
            column, kind, style = self.cell
            if column <= self.max_columns:
                self.cells[column] = cell_text(self._value(kind, style, "".join(self.text)))
            self.text = []
        elif name == "row":
            width = max(self.cells, default=0)
            self.done.append((self.row, [self.cells.get(i, "") for i in range(1, width + 1)]))

    def _value(self, kind: str, style: int, text: str) -> object:
        if kind == "s":
            return str(self.strings[int(text)]) if text.strip().isdigit() else ""
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "b":
            return text.strip() == "1"
        if kind == "d":
            return from_ISO8601(text) if text else None
        if not text:
            return None
        number = float(text)
        if style in self.dates:
            return from_excel(number, self.epoch)
        return number

    def data(self, data: str) -> None:
        if self.in_data:
            self.chars += len(data)
            if self.chars > self.max_row_chars:
                raise WorkbookProblem(
                    f"Row {self.row:,} is too long (over {self.max_row_chars:,} characters): split it."
                )
            if self.collecting:
                self.text.append(data)

    def rows(self, source) -> Iterator[tuple[int, list[str]]]:
        parser = expat.ParserCreate(namespace_separator=":")
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.data
        try:
            while chunk := source.read(64 * 1024):
                parser.Parse(chunk, False)
                yield from self.done
                self.done.clear()
            parser.Parse(b"", True)
            yield from self.done
        except (expat.ExpatError, ValueError, IndexError, OverflowError):
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
        reader, target = _open(raw)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign archive
        raise WorkbookProblem(NOT_A_WORKBOOK) from None
    try:
        with reader.archive.open(target) as source:
            yield from _RowReader(reader, max_columns, max_row_chars).rows(source)
    except (zipfile.BadZipFile, EOFError, KeyError):
        raise WorkbookProblem("The workbook’s sheet is damaged. Open it in Excel and save it again.") from None
    finally:
        reader.archive.close()


def _open(raw) -> tuple[ExcelReader, str]:
    """openpyxl's reader, as far as the shared strings and the styles (which say which numbers
    are dates), and the path of the first sheet. `load_workbook` would go on to read each
    sheet's size, and for a sheet that does not state it (openpyxl's own write-only files) that
    means parsing the whole sheet into a tree: some 90 bytes a row."""
    reader = ExcelReader(raw, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "worksheet" in rel.Type:
            return reader, rel.target
    raise WorkbookProblem("The workbook has no sheet of rows. Put the experiences on its first sheet.")


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
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned open, to be sent
    workbook.save(out)
    out.seek(0)
    return out
