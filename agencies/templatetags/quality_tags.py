from django import template
from django.utils.html import format_html

register = template.Library()

# Tag colours support the words; the words always carry the meaning.
_STATUS_COLOURS = {
    "not_started": "govuk-tag--grey",
    "developing": "govuk-tag--yellow",
    "established": "govuk-tag--blue",
    "embedded": "govuk-tag--green",
}


@register.simple_tag
def assessment_tag(status: str, label: str):
    return format_html('<strong class="govuk-tag {}">{}</strong>', _STATUS_COLOURS.get(status, ""), label)
