"""Documents meant for editing (committee papers, board packs) as real Word files, built with
python-docx: headings in Word's own heading styles (so the navigation pane and a contents
table work), figures in tables with a repeated header row, and nothing that makes Word warn.
Each room builds its own document from these few pieces."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

import lxml.html
from django.http import HttpResponse
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document(title: str) -> WordDocument:
    """An empty A4 document in Arial with its title set (Word shows it in File > Info)."""
    doc = Document()
    doc.core_properties.title = title
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        doc.styles[name].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    section.page_width, section.page_height = Pt(595), Pt(842)
    return doc


def table(doc: WordDocument, headers: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str = "") -> Table:
    """A table with a bold header row that repeats on each page; `caption` goes above it."""
    if caption:
        doc.add_paragraph(caption, style="Caption")
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(grid)
    for row in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return grid


def _repeat_header(grid: Table) -> None:
    properties = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def response(doc: WordDocument, filename: str) -> HttpResponse:
    """The document as a download named `filename` (ending .docx)."""
    answer = HttpResponse(to_bytes(doc), content_type=DOCX)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def to_bytes(doc: WordDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- a paper's HTML as Word

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
CHART_POINT = re.compile(r"^(?P<month>.+?): (?P<value>[^ ]+)(?: \(special cause, (?P<side>high|low)\))?$")


def add_paper(doc: WordDocument, html: str) -> None:
    """Our own paper markup (the board pack's stored HTML) as Word: headings as headings,
    paragraphs and bullets, tables as tables, and each chart as the table of its figures
    (its picture stays in the PDF). Decorative icons are left out: their words are beside them."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str) or _inside(element, ("table", "svg", "p", "li")):
            continue
        text = _text(element)
        if element.tag in HEADINGS:
            doc.add_heading(text, level=HEADINGS[element.tag])
        elif element.tag == "p" and text:
            doc.add_paragraph(text)
        elif element.tag == "li":
            doc.add_paragraph(text, style="List Bullet")
        elif element.tag == "table":
            _html_table(doc, element)
        elif element.tag == "svg" and "app-chart" in element.get("class", ""):
            _chart_table(doc, element)
        elif element.tag == "span" and "app-signal" in element.get("class", ""):
            doc.add_paragraph(text)


def _inside(element, tags: tuple[str, ...]) -> bool:
    return any(parent.tag in tags for parent in element.iterancestors())


def _text(element) -> str:
    """An element's words, without those of drawings inside it (an icon's letter)."""
    if any(parent.tag == "svg" for parent in element.iterancestors()) or element.tag == "svg":
        return " ".join(element.text_content().split())
    return " ".join("".join(element.xpath(".//text()[not(ancestor::svg)]")).split())


def _html_table(doc: WordDocument, element) -> None:
    caption = element.find("caption")
    headers = [_text(cell) for cell in element.xpath("./thead/tr/th")]
    rows = [[_text(cell) for cell in row.xpath("./th|./td")] for row in element.xpath("./tbody/tr")]
    table(
        doc,
        headers,
        [row for row in rows if len(row) == len(headers)],
        caption=_text(caption) if caption is not None else "",
    )


def _chart_table(doc: WordDocument, svg) -> None:
    """A chart's figures, month by month from left to right, read from its points' titles."""
    points = []
    for shape in svg.xpath("./circle|./rect"):
        title = shape.find("title")
        match = CHART_POINT.match(_text(title)) if title is not None else None
        if match:
            x = float(shape.get("cx") or float(shape.get("x", 0)) + float(shape.get("width", 0)) / 2)
            side = {"high": "Unusually high", "low": "Unusually low"}.get(match["side"] or "", "")
            points.append((x, match["month"], match["value"], side))
    desc = svg.find("desc")
    if desc is not None:
        doc.add_paragraph(_text(desc))
    rows = [(month, value, side) for _, month, value, side in sorted(points)]
    table(doc, ["Month", "Figure", "Special cause"], rows, caption=_text(svg.find("title")))
