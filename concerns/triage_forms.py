"""Forms for deciding on an experience shared online, and for the area's retention period."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from agencies.models import ServiceType
from quality_system.forms import GovForm, LongTextField

from . import selectors
from .models import SEVERITY_LABELS, Theme


class DecisionForm(GovForm):
    submit_label = "Save decision"

    ACCEPT, SIGNPOST, DUPLICATE, REJECT = "accept", "signpost", "duplicate", "reject"
    outcome = forms.ChoiceField(
        label="What do you want to do with it?",
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, "Accept it into the record"),
            (SIGNPOST, "Signposted: we gave advice and information"),
            (DUPLICATE, "It duplicates an experience we already hold"),
            (REJECT, "Reject it as spam"),
        ],
    )
    service = forms.ModelChoiceField(
        queryset=None,
        label="Service it is about",
        required=False,
        empty_label="Not about one listed service",
        help_text="Check the suggested match above before choosing it.",
    )
    service_type = forms.ChoiceField(label="Type of service", choices=ServiceType.choices, required=False)
    themes = forms.ModelMultipleChoiceField(
        queryset=None, label="Themes", required=False, widget=forms.CheckboxSelectMultiple
    )
    severity = forms.TypedChoiceField(
        label="Severity", choices=list(SEVERITY_LABELS.items()), coerce=int, initial=0, required=False, empty_value=0
    )
    safeguarding = forms.BooleanField(label="This is a safeguarding concern", required=False)
    duplicate_of = forms.CharField(
        label="Reference of the experience it duplicates",
        max_length=20,
        required=False,
        help_text="For example, C-000123",
    )
    note = LongTextField(
        label="Notes",
        max_length=500,
        required=False,
        help_text="If you signposted the person, say what advice or information you gave, or where to.",
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = selectors.service_bodies(locality)
        self.fields["themes"].queryset = Theme.all_objects.filter(locality=locality).active()
        self.fields["outcome"].error_messages["required"] = "Select what you want to do with this experience"

    def layout_fields(self) -> list:
        return [
            Field.radios("outcome", small=True),
            Fieldset(
                Field.select("service"),
                Field.select("service_type"),
                Field.checkboxes("themes", small=True),
                Field.select("severity"),
                Field.checkbox("safeguarding", small=True),
                legend="If you accept it",
                legend_size=Size.SMALL,
            ),
            Field.text("duplicate_of", field_width=10),
            Field.textarea("note", rows=3, max_characters=500),
        ]

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == self.ACCEPT and not cleaned.get("service_type"):
            service = cleaned.get("service")
            if service is not None and service.service_type:
                cleaned["service_type"] = service.service_type
            elif "service_type" not in self.errors:
                self.add_error("service_type", "Select the type of service")
        if outcome == self.DUPLICATE and not cleaned.get("duplicate_of") and "duplicate_of" not in self.errors:
            self.add_error("duplicate_of", "Enter the reference of the experience it duplicates, like C-000123")
        if outcome == self.SIGNPOST and not cleaned.get("note") and "note" not in self.errors:
            self.add_error("note", "Enter the advice or information you gave, or where you signposted them")
        return cleaned


class RetentionForm(GovForm):
    submit_label = "Save"

    rejected_retention_days = forms.IntegerField(
        label="Days to keep experiences rejected as spam",
        min_value=1,
        max_value=365,
        help_text="After this many days the person's details and words are removed, and the experience "
        "can no longer be restored. From 1 to 365.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["rejected_retention_days"]
        field.error_messages.update(
            required="Enter the number of days to keep rejected experiences",
            invalid="The number of days must be a whole number, like 30",
            min_value="The number of days must be 1 or more",
            max_value="The number of days must be 365 or fewer",
        )

    def layout_fields(self) -> list:
        return [Field.text("rejected_retention_days", field_width=3, inputmode="numeric")]
