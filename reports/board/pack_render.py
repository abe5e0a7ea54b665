"""The board pack as a paper: an HTML fragment (shown in the app, printable) and a PDF made
from it with WeasyPrint (server-side, no browser needed)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def paper_html(pack, board) -> str:
    """The paper's public Part A: the dashboard, the priorities with their updates, what is
    overdue and how the guide's duties are covered (never the QSG's views: see part_b_html)."""
    from ..models import PriorityUpdate

    ids = [row.priority.pk for row in board.priorities]
    updates: dict[int, list[PriorityUpdate]] = {}
    for update in (
        PriorityUpdate.objects.filter(priority_id__in=ids).select_related("recorded_by").order_by("-created_at")
    ):
        if len(updates.setdefault(update.priority_id, [])) < 3:
            updates[update.priority_id].append(update)
    return render_to_string(
        "reports/board_pack_paper.html",
        {
            "pack": pack,
            "board": board,
            "locality": pack.locality,
            "updates": updates,
        },
    )


PART_B_HEADING = (
    "Part B: not for publication – exempt information under Schedule 12A to the Local Government Act 1972, "
    "paragraph 3 (information relating to the financial or business affairs of any particular person)"
)


def part_b_html(pack, board) -> str:
    """The confidential Part B: the Quality Surveillance Group's views. Empty when there are
    none, so a pack has a Part B only where there is something exempt to put in it."""
    if not board.surveillance:
        return ""
    return render_to_string(
        "reports/board_pack_part_b.html",
        {"pack": pack, "board": board, "locality": pack.locality, "exempt_heading": PART_B_HEADING},
    )


def _stylesheet() -> str:
    path = finders.find("app/pack.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def pdf_from(fragment: str) -> bytes:
    from weasyprint import HTML

    document = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Board pack</title>'
        f"<style>{_stylesheet()}</style></head><body>{fragment}</body></html>"
    )
    return HTML(string=document).write_pdf()


def explain(error: Exception) -> str:
    """What went wrong, for the progress page, with how to fix it where we know."""
    text = str(error)
    if isinstance(error, (OSError, ImportError)) and ("pango" in text.lower() or "gobject" in text.lower()):
        return (
            "The PDF could not be made: this server lacks the Pango text library. An administrator can "
            "install it with ‘apt-get install libpango-1.0-0 libpangoft2-1.0-0’, then build the pack again."
        )
    return "Something went wrong while building the pack. Try again; if it fails again, tell your administrator."


def word_document(pack, *, part_b: bool = False):
    """The pack for editing in Word (.docx), made from the same stored paper as the PDF: its
    headings, lists and tables, and each chart as the table of its figures. Part A, or Part B."""
    from .. import word

    title = f"Board pack for the meeting on {pack.meeting_on:%-d %B %Y}"
    doc = word.document(f"{title}: Part B" if part_b else title)
    word.add_paper(doc, pack.part_b_html if part_b else pack.html)
    return doc
