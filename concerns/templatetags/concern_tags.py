from html import escape

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_STATUS_COLOURS = {
    "new": "govuk-tag--blue",
    "reviewed": "govuk-tag--grey",
    "escalated": "govuk-tag--orange",
    "closed": "govuk-tag--green",
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


@register.simple_tag
def xmr_chart(values, months, title):
    from concerns.charts import xmr_svg

    return xmr_svg(list(values), [m.strftime("%b %Y") for m in months], title)
