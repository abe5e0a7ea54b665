"""The forms a person uses from the emails about their experience: stop the emails, and answer
"Did things get better?"."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from quality_system.forms import GovForm

from .updates_models import FollowUp


class StopUpdatesForm(GovForm):
    """Only a button: opening the page changes nothing; pressing it stops the emails."""

    submit_label = "Stop emails"

    def layout_fields(self) -> list:
        return []


class FollowUpForm(GovForm):
    submit_label = "Send your answer"

    answer = forms.ChoiceField(
        label="Did things get better?", choices=FollowUp.Answer.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = (
            "Select whether things got better, stayed the same or got worse, or that you prefer not to say"
        )

    def layout_fields(self) -> list:
        return [Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1")]
