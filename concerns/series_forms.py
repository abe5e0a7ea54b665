"""The forms Healthwatch officers use on a theme's, a service's or the area's chart: record a
change or a note on a month, or withdraw one recorded in error."""

from __future__ import annotations

import datetime

from crispy_forms_gds.layout import Field, Fluid
from django import forms

from quality_system.forms import GovForm

from .series_models import SeriesNote

REASON_MAX = SeriesNote._meta.get_field("reason").max_length


class SeriesNoteForm(GovForm):
    """A month from the chart (or this month, not yet drawn), what happened, and why."""

    submit_label = "Record it"

    kind = forms.ChoiceField(
        label="What do you want to record?",
        choices=[
            (SeriesNote.Kind.CHANGE, "A change to how things work: the limits are worked out again from that month"),
            (SeriesNote.Kind.NOTE, "A note on a month, such as winter pressures: the limits stay as they are"),
        ],
        widget=forms.RadioSelect,
    )
    month = forms.ChoiceField(label="Month")
    reason = forms.CharField(
        label="What happened",
        max_length=REASON_MAX,
        help_text=f"For example, ‘new online booking live in two practices’. Up to {REASON_MAX} characters.",
    )

    def __init__(self, *args, months: list[datetime.date], this_month: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"{this_month:%Y-%m}", f"{this_month:%B %Y} (this month, not on the chart yet)")]
        choices += [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in reversed(months) if m != this_month]
        self.fields["month"].choices = [("", "Choose a month")] + choices
        self.fields["month"].error_messages["required"] = "Select the month it happened"
        self.fields["month"].error_messages["invalid_choice"] = (
            "Select a month from the list: this month or one on the chart"
        )
        self.fields["kind"].error_messages["required"] = "Select whether it is a change or a note"
        self.fields["kind"].error_messages["invalid_choice"] = "Select whether it is a change or a note"
        self.fields["reason"].error_messages["required"] = (
            "Enter what happened, for example ‘new online booking live in two practices’"
        )

    def clean_month(self) -> datetime.date:
        year, month = self.cleaned_data["month"].split("-")
        return datetime.date(int(year), int(month), 1)

    def layout_fields(self) -> list:
        return [Field.radios("kind"), Field.select("month"), Field.text("reason", field_width=Fluid.FULL)]


class WithdrawForm(GovForm):
    submit_label = "Withdraw it"

    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=REASON_MAX,
        help_text="For example, ‘recorded on the wrong month’. Everyone who sees the chart can read this.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = (
            "Enter why you are withdrawing it, for example ‘recorded on the wrong month’"
        )

    def layout_fields(self) -> list:
        return [Field.text("reason", field_width=Fluid.FULL)]
