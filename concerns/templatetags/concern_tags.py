from django import forms, template
from django.utils.html import format_html

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
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', _STATUS_COLOURS.get(concern.status, ""), label
    )


@register.simple_tag
def filter_widget(field):
    """A filter field rendered with the GOV.UK classes for its kind of input."""
    widget = field.field.widget
    css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
    attrs = {"class": css + (" govuk-select--error" if field.errors and css == "govuk-select" else "")}
    if field.errors:
        attrs["aria-describedby"] = f"{field.id_for_label}-error"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def xmr_chart(values, months, title):
    from concerns.charts import xmr_svg

    return xmr_svg(list(values), [m.strftime("%b %Y") for m in months], title)
