"""The recommendations tracker as a committee paper in Word (.docx): the same rows and
figures as the printable page, ready for the council's template."""

from __future__ import annotations

import datetime

from docx.document import Document as WordDocument

from agencies.models import Locality

from .. import word
from ..models import Recommendation


def status(rec: Recommendation) -> str:
    """The status column, in the printable page's words."""
    if rec.state == Recommendation.State.WITHDRAWN:
        return f"Withdrawn: {rec.withdrawn_reason}"
    if rec.state in (Recommendation.State.CLOSED, Recommendation.State.RESPONDED):
        return rec.get_state_display()
    if rec.clock_stopped_on:
        return "Clock stopped"
    if rec.days_left < 0:
        return f"Overdue by {rec.days_late} day{'s' if rec.days_late != 1 else ''}"
    if rec.days_left == 0:
        return "Due today"
    return f"Due in {rec.days_left} day{'s' if rec.days_left != 1 else ''}"


def response_text(rec: Recommendation) -> str:
    answer = getattr(rec, "response", None)
    if answer is None:
        return "No response yet"
    text = f"{answer.get_decision_display()} ({answer.responded_on:%-d %b %Y})"
    if answer.action_plan:
        text += f": {answer.action_plan}"
    if answer.reasons:
        text += f" Reasons: {answer.reasons}"
    return text


def figures(rows: list[Recommendation]) -> list[tuple[str, int]]:
    """The paper's headline figures for the recommendations shown."""
    awaiting = [r for r in rows if r.state == Recommendation.State.AWAITING]
    return [
        ("Recommendations shown", len(rows)),
        ("Awaiting a response", len(awaiting)),
        ("Overdue for a response", sum(1 for r in awaiting if r.days_left < 0 and not r.clock_stopped_on)),
        ("Responded or closed", sum(1 for r in rows if getattr(r, "response", None) is not None)),
    ]


def tracker_document(*, locality: Locality, today: datetime.date, context: dict) -> WordDocument:
    """Headings, the figures, a table of the recommendations and response times by body."""
    rows = context["rows"]
    doc = word.document(f"Recommendations tracker: {locality.name}")
    doc.add_heading(f"Recommendations tracker: {locality.name}", level=1)
    shown = f"Showing {context['filter_words']}." if context["filter_words"] else "Showing every recommendation."
    doc.add_paragraph(f"Prepared {today:%-d %B %Y} for committee. {shown}")
    doc.add_heading("Summary", level=2)
    word.table(doc, ["Figure", "Number"], figures(rows), caption="The recommendations in figures")
    doc.add_heading("Recommendations", level=2)
    word.table(
        doc,
        ["Reference", "Recommendation", "To", "Made", "Due", "Status", "Response and action plan"],
        (
            (
                r.reference,
                r.text,
                r.addressed_to.name,
                f"{r.sent_on:%-d %b %Y}",
                f"{r.due_on:%-d %b %Y}",
                status(r),
                response_text(r),
            )
            for r in rows
        ),
        caption=f"{len(rows)} recommendation{'s' if len(rows) != 1 else ''}",
    )
    doc.add_heading("Response times by body", level=2)
    word.table(
        doc,
        ["Body", "Made", "Answered on time", "Not yet due", "Median days to respond", "Outstanding", "Overdue"],
        (
            (
                s["body"],
                s["made"],
                f"{s['on_time_rate']}% ({s['on_time'].of})"
                if s["on_time_rate"] is not None
                else f"– ({s['on_time'].of})",
                s["not_yet_due"],
                "–" if s["median_days"] is None else s["median_days"],
                s["outstanding"],
                s["overdue"],
            )
            for s in context["stats"]
        ),
    )
    return doc
