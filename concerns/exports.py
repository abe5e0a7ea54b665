"""Export the filtered list to CSV or Excel: de-identified unless the person is entitled and asks.

The narrative column is only in the collecting body's staff's exports (and filled only for the
experiences their body collected); everyone else's export has the approved shareable summary.

Every cell is made safe against spreadsheet formula injection (in CSV an apostrophe before
=, +, - or @, which the import takes off again; in Excel a text cell, never a formula). The CSV
streams, and the workbook is written a row at a time to a temporary file, so a large export
never sits in memory.

The columns are the import's, so an export imports back unchanged: its `reference` column
names each experience, and a row with a reference updates that experience instead of adding a
copy. The columns are one list of (name, value) pairs: add a column by adding a pair.
"""

from __future__ import annotations

import csv
import datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies.http import area_view
from quality_system import approx_dates, workbooks
from quality_system.text import spreadsheet_safe

from . import access, selectors, services
from .forms import ConcernFilterForm
from .models import ConcernContact

# The import's column names and values (dates as dates: text in CSV, date cells in Excel).
COLUMNS = [
    ("reference", lambda c: c.reference),
    ("date_received", lambda c: c.received_on),
    ("date_happened", lambda c: approx_dates.written(c.happened_on, c.happened_on_precision)),
    ("channel", lambda c: c.get_channel_display()),
    ("service_type", lambda c: c.get_service_type_display()),
    ("sentiment", lambda c: c.get_sentiment_display()),
    ("shareable_summary", lambda c: c.shareable_summary if c.has_shareable_summary else ""),
    ("service", lambda c: c.service.name if c.service else ""),
    ("themes", lambda c: "; ".join(tag.theme.name for tag in c.theme_tags.all())),
    ("safeguarding", lambda c: "yes" if c.safeguarding else "no"),
    ("status", lambda c: c.get_status_display()),
    ("closed_reason", lambda c: ""),
    ("source_group", lambda c: c.source_body.name if c.source_body else ""),
    ("external_ref", lambda c: c.external_ref),
    ("shared_online_by_public", lambda c: "yes" if c.from_public else "no"),
]
PERSONAL = ["name", "email", "phone", "consent_to_contact", "consent_to_share"]


class _Echo:
    def write(self, value):
        return value


def _typed(user, column: str, value) -> tuple:
    """A column of words typed by staff or the public (they can name people, wards, rooms):
    filled only for experiences the user may read in full."""
    return (column, lambda c: value(c) if access.can_read_narrative(user, c) else "")


def _columns(user, staff: bool) -> list:
    """Healthwatch staff also get severity, and the narrative, the service as described and the
    reason for closing of each experience they may read; everyone else, none of those."""
    typed = {
        "service": _typed(user, "service", lambda c: c.service.name if c.service else c.service_described),
        "closed_reason": _typed(user, "closed_reason", lambda c: c.closed_reason),
    }
    columns = [(name, get) if name not in typed or not staff else typed[name] for name, get in COLUMNS]
    if not staff:
        return columns
    narrative = _typed(user, "narrative", lambda c: c.narrative)
    at = next(i for i, (name, _) in enumerate(columns) if name == "shareable_summary")
    return columns[:at] + [narrative] + columns[at:] + [("severity", lambda c: c.severity)]


def _cells(concerns, contacts_for, columns: list):
    """Each concern's values, in the columns' order."""
    for concern in concerns:
        cells = [get(concern) for _, get in columns]
        if contacts_for is not None:
            contact = contacts_for(concern)
            cells += [getattr(contact, f, "") if contact else "" for f in PERSONAL]
        yield cells


def _csv_cell(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else spreadsheet_safe(value)


def _csv(header: list[str], rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # a BOM so Excel reads UTF-8
    for cells in rows:
        yield writer.writerow([_csv_cell(c) for c in cells])


@area_view
@require_safe
def export(request, locality, fmt: str = "csv"):
    staff_bodies = {b.pk for b in access.collecting_bodies(request.user, locality)}
    officer_bodies = {b.pk for b in access.collecting_officer_bodies(request.user, locality)}
    filters = ConcernFilterForm(request.GET or None, locality=locality, staff=bool(staff_bodies))
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    qs = (
        selectors.filtered_concerns(request.user, locality, cleaned)
        .select_related("service", "source_body")
        .prefetch_related("theme_tags__theme")
        .order_by("-received_on", "-id")
    )
    contacts_for = None
    if request.GET.get("personal") == "yes" and officer_bodies:
        services.personal_details_exported(user=request.user, locality=locality, filters=request.GET.urlencode())

        qs = qs.select_related("contact")

        def contacts_for(concern):
            if concern.collecting_body_id not in officer_bodies:
                return None
            try:
                return concern.contact
            except ConcernContact.DoesNotExist:
                return None

    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    kind = "with-personal-details" if contacts_for else "de-identified"
    filename = f"experiences-{locality.slug}-{kind}-{stamp}.{fmt}"
    columns = _columns(request.user, bool(staff_bodies))
    header = [name for name, _ in columns] + (PERSONAL if contacts_for is not None else [])
    rows = _cells(qs.iterator(chunk_size=2000), contacts_for, columns)
    if fmt == "xlsx":
        out = workbooks.workbook_file("Experiences", header, rows)
        return FileResponse(out, as_attachment=True, filename=filename, content_type=workbooks.CONTENT_TYPE)
    response = StreamingHttpResponse(_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
