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


@register.filter
def error_anchor(bound_field, field_id: str) -> str:
    """Where an error summary link should go: a radio or checkbox group has no element with the
    field's own id, so link to its first option (GOV.UK Frontend's convention)."""
    from django import forms

    if field_id != bound_field.auto_id:
        return field_id
    if isinstance(bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"{field_id}_1"
    if isinstance(bound_field.field, forms.MultiValueField):  # a date: its day box
        return f"{field_id}_0"
    return field_id


@register.inclusion_tag("includes/handover_notice.html")
def handover_notice(locality):
    """The area's handover sentences ("From 1 April 2027 … are carried out by …"), if any."""
    from agencies.handover_notices import handover_notices

    return {"notices": handover_notices(locality)}
