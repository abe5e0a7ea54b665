"""The form Healthwatch officers use to issue an event code."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid
from django import forms
from django.utils import timezone

from quality_system.forms import GovDateField, GovForm


class EventCodeForm(GovForm):
    submit_label = "Issue a code"

    valid_on = GovDateField(
        label="Day of the event",
        noun="day of the event",
        help_text="The code works on this day only. For example, 14 3 2027",
    )
    event = forms.CharField(
        label="Event or place (optional)",
        max_length=100,
        required=False,
        help_text="So colleagues know what the code is for, like ‘Market square stall’.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("valid_on", timezone.localdate())

    def layout_fields(self) -> list:
        return [Field("valid_on"), Field.text("event", field_width=Fluid.TWO_THIRDS)]
