"""Forms for recording a safeguarding referral and its outcome."""

from __future__ import annotations

from django import forms

from agencies.models import Body
from quality_system.forms import GovDateField, GovForm, LongTextField

from .safeguarding_models import SafeguardingReferral


class ReferralForm(GovForm):
    submit_label = "Record the referral"

    to_body = forms.ModelChoiceField(
        queryset=Body.objects.none(), label="Referred to", widget=forms.RadioSelect, empty_label=None
    )
    referred_on = GovDateField(label="Date referred", allow_future=False, help_text="For example, 30 11 2026")
    method = forms.ChoiceField(
        label="How was it referred?", choices=SafeguardingReferral.Method.choices, widget=forms.RadioSelect
    )
    their_reference = forms.CharField(
        label="The team's reference", max_length=60, required=False, help_text="If they gave you one."
    )
    notes = LongTextField(label="Notes", max_length=2000, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = teams
        self.fields["to_body"].error_messages.update(
            required="Choose the safeguarding team you referred it to",
            invalid_choice="Choose one of this area's safeguarding teams",
        )
        self.fields["method"].error_messages["required"] = "Select how it was referred"


class OutcomeForm(GovForm):
    submit_label = "Record the outcome"

    outcome = LongTextField(label="What did the safeguarding team tell you?", max_length=3000)
    outcome_on = GovDateField(label="Date they told you", allow_future=False, help_text="For example, 30 11 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Enter what the safeguarding team told you"
