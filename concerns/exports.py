"""Export the filtered list to CSV: de-identified unless the person is entitled and asks.

The narrative column is only in the collecting body's staff's exports (and filled only for the
experiences their body collected); everyone else's export has the approved shareable summary.

Every cell is made safe against spreadsheet formula injection. The file streams, so a large
export never sits in memory.
"""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies.http import area_view
from quality_system import approx_dates
from quality_system.text import spreadsheet_safe

from . import access, selectors, services
from .forms import ConcernFilterForm
from .models import ConcernContact

# The import template's column names and values, so an export can be imported elsewhere.
COLUMNS = [
    ("date_received", lambda c: c.received_on.strftime("%d/%m/%Y")),
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
    ("external_ref", lambda c: c.external_ref or c.reference),
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
    at = [name for name, _ in columns].index("sentiment") + 1  # the narrative follows the sentiment
    return columns[:at] + [narrative] + columns[at:] + [("severity", lambda c: c.severity)]


def _rows(concerns, contacts_for, columns: list):
    writer = csv.writer(_Echo())
    header = [name for name, _ in columns] + (PERSONAL if contacts_for is not None else [])
    yield "\ufeff" + writer.writerow(header)  # a BOM so Excel reads UTF-8
    for concern in concerns:
        cells = [get(concern) for _, get in columns]
        if contacts_for is not None:
            contact = contacts_for(concern)
            cells += [getattr(contact, f, "") if contact else "" for f in PERSONAL]
        yield writer.writerow([spreadsheet_safe(c) for c in cells])


@area_view
@require_safe
def export(request, locality):
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
    response = StreamingHttpResponse(
        _rows(qs.iterator(chunk_size=2000), contacts_for, _columns(request.user, bool(staff_bodies))),
        content_type="text/csv; charset=utf-8",
    )
    kind = "with-personal-details" if contacts_for else "de-identified"
    response["Content-Disposition"] = f'attachment; filename="experiences-{locality.slug}-{kind}-{stamp}.csv"'
    return response
