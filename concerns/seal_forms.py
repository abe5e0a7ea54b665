"""Forms for people's details after a handover: they validate and render; concerns.seal_services
writes."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from agencies.models import Body
from quality_system.forms import GovForm, LongTextField


class DetailsTransferForm(GovForm):
    submit_label = "Record the transfer"

    to_body = forms.ModelChoiceField(
        label="Which successor receives the personal details",
        queryset=Body.objects.none(),
        empty_label=None,
    )
    scheme_reference = forms.CharField(
        label="Transfer scheme reference",
        max_length=200,
        help_text="The statutory transfer scheme the details pass under. For example, Transfer scheme 2027/14",
    )
    privacy_notice = LongTextField(
        label="Privacy notice given to people",
        max_length=4000,
        help_text="What people were told about their details moving, or where the notice was published.",
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = Body.objects.filter(pk__in=[b.pk for b in successors]).order_by("name")
        self.fields["to_body"].error_messages["required"] = "Select the successor that receives the personal details"
        self.fields["scheme_reference"].error_messages["required"] = (
            "Enter the reference of the transfer scheme the details pass under"
        )
        self.fields["privacy_notice"].error_messages["required"] = (
            "Enter the privacy notice given to people (or where it was published)"
        )

    def layout_fields(self) -> list:
        return [Field.select("to_body"), Field.text("scheme_reference"), Field.textarea("privacy_notice", rows=6)]


class SealRetentionForm(GovForm):
    submit_label = "Save"

    days = forms.IntegerField(
        label="Days to keep sealed personal details",
        min_value=1,
        max_value=36500,
        help_text="Counted from the day the old Healthwatch stopped holding the function. From 1 to 36500.",
        error_messages={
            "required": "Enter the number of days to keep sealed personal details",
            "invalid": "The number of days must be a whole number, like 2190",
            "min_value": "The number of days must be 1 or more",
            "max_value": "The number of days must be 36500 or fewer",
        },
    )

    def layout_fields(self) -> list:
        return [Field.text("days", field_width=5, inputmode="numeric")]
