from html import escape

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from quality_system import approx_dates

register = template.Library()

_STATUS_COLOURS = {
    "new": "govuk-tag--blue",
    "reviewed": "govuk-tag--grey",
    "escalated": "govuk-tag--orange",
    "closed": "govuk-tag--green",
    "signposted": "govuk-tag--turquoise",
    "duplicate": "govuk-tag--yellow",
    "rejected": "govuk-tag--red",
}


@register.simple_tag
def status_tag(concern):
    """A concern's status in words (colour only supports the words)."""
    label = concern.get_status_display()
    if concern.from_public and concern.status == "new":
        label = "New from the public"
    return format_html('<strong class="govuk-tag {}">{}</strong>', _STATUS_COLOURS.get(concern.status, ""), label)


def _fast_select(field, attrs):
    """A <select> built directly: Django renders each option through a template, which costs
    tens of milliseconds for an area's 1,500 services. Every value and label is escaped."""
    selected = str(field.value() or "")
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in field.field.choices
    )
    extra = "".join(f' {escape(k)}="{escape(v)}"' for k, v in attrs.items())
    name, id_ = escape(field.html_name), escape(field.id_for_label)
    return mark_safe(f'<select name="{name}" id="{id_}"{extra}>{options}</select>')  # noqa: S308 - all escaped


@register.simple_tag
def filter_widget(field):
    """A filter field rendered with the GOV.UK classes for its kind of input."""
    widget = field.field.widget
    css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
    attrs = {"class": css + (" govuk-select--error" if field.errors and css == "govuk-select" else "")}
    if field.errors:
        attrs["aria-describedby"] = f"{field.id_for_label}-error"
    if isinstance(widget, forms.Select):
        return _fast_select(field, attrs)
    return field.as_widget(attrs=attrs)


@register.filter
def is_date_input(field) -> bool:
    return isinstance(field.field, forms.MultiValueField)


@register.simple_tag
def date_parts(field):
    """A filter date's day, month and year boxes: (id, name, label, width, value) each."""
    values = field.value() if field.form.is_bound else None
    if not isinstance(values, (list, tuple)):
        values = field.field.widget.decompress(values)
    return [
        (f"{field.auto_id}_{i}", f"{field.html_name}_{i}", label, width, values[i] if values[i] is not None else "")
        for i, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4)))
    ]


@register.simple_tag
def xmr_chart(values, months, title):
    from concerns.charts import xmr_svg

    return xmr_svg(list(values), [m.strftime("%b %Y") for m in months], title)


@register.simple_tag(takes_context=True)
def shared_text(context, concern, limit: int = 0):
    """What the reader may see of an experience: the narrative for the collecting body's staff;
    for anyone else (other bodies, a person answering by link, a board pack) only the approved
    shareable summary, or "No shareable summary yet". Never the narrative."""
    from django.utils.text import Truncator

    if reads_narrative(context, concern):
        text = concern.narrative
    elif concern.has_shareable_summary:
        text = concern.shareable_summary
    else:
        return "No shareable summary yet"
    return Truncator(text).chars(limit) if limit else text


@register.simple_tag(takes_context=True)
def service_named(context, concern, empty: str = "Not named"):
    """The service an experience is about: its record's name for everyone; the words typed to
    describe it (which can name people, wards or rooms) only for the collecting body's staff."""
    if concern.service:
        return concern.service.name
    if concern.service_described and reads_narrative(context, concern):
        return concern.service_described
    return empty


@register.simple_tag(takes_context=True)
def reads_narrative(context, concern) -> bool:
    """Whether the reader may see what was typed about this experience (the narrative, the
    service as described, the reason for closing)."""
    from concerns.access import can_read_narrative

    request = getattr(context, "request", None)
    return can_read_narrative(getattr(request, "user", None), concern)


@register.filter
def approx_date(value, precision):
    """A date as precisely as it is known: '4 March 2026', 'March 2026' or 'about 4 March 2026'."""
    return approx_dates.described(value, precision)
