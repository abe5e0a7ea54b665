"""Forms for alerts: raising one, and a recipient's acknowledgement or response."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from agencies.models import Body, BodyKind
from quality_system.forms import GovForm, LongTextField, ReceiptEmailField

from .forms import FilterDateField
from .models import Alert, TrendSignal
from .selection_forms import AttachedConcernsMixin, attached_field, concerns_field

OVERSIGHT_KINDS = [
    BodyKind.ICB,
    BodyKind.HWB,
    BodyKind.SCRUTINY,
    BodyKind.QSG,
    BodyKind.CQC,
    BodyKind.COUNCIL_EXECUTIVE,
    BodyKind.COUNCIL,
    BodyKind.HEALTHWATCH,
]


class AlertForm(AttachedConcernsMixin, GovForm):
    submit_label = "Send the alert"

    summary = forms.CharField(label="Summary", max_length=200, help_text="One line that says what the concern is.")
    details = LongTextField(
        label="Details",
        max_length=5000,
        required=False,
        help_text="Optional. What you know, without personal details.",
    )
    action_requested = LongTextField(
        label="What are you asking them to do?",
        max_length=2000,
        help_text="For example, look into it and tell us what you will change.",
    )
    severity = forms.ChoiceField(label="How serious is it?", choices=Alert.Severity.choices, widget=forms.RadioSelect)
    safeguarding = forms.BooleanField(
        label="This is a safeguarding concern (acknowledgement due in 1 working day)", required=False
    )
    recipients = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(),
        label="Who should this alert go to?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provider = forms.ModelChoiceField(
        queryset=Body.objects.none(), label="Also alert a provider", required=False, empty_label="No provider"
    )
    concerns = concerns_field(
        label="Experiences attached",
        required=False,
        help_text="Untick any you do not want to send. Recipients see only approved shareable summaries.",
    )
    attached = attached_field()
    trend_signal = forms.ModelChoiceField(
        queryset=TrendSignal.all_objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, locality, raised_by_body, visible_concerns, attached=None, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.serving(locality).active().exclude(pk=raised_by_body.pk)
        self.fields["recipients"].queryset = bodies.filter(kind__in=OVERSIGHT_KINDS)
        self.fields["provider"].queryset = bodies.exclude(kind__in=OVERSIGHT_KINDS + [BodyKind.VCS])
        self.attach(visible_concerns, attached)
        self.fields["trend_signal"].queryset = TrendSignal.all_objects.filter(locality=locality)
        self.fields["trend_signal"].error_messages["invalid_choice"] = "The trend signal was not found: start again"
        self.fields["severity"].initial = Alert.Severity.SIGNIFICANT
        self.helper.render_hidden_fields = True  # every experience attached at first travels as a hidden input
        self.fields["summary"].error_messages["required"] = "Enter a summary of the concern"
        self.fields["action_requested"].error_messages["required"] = "Enter what you are asking the bodies to do"
        self.fields["recipients"].error_messages["invalid_choice"] = "Choose bodies in this area from the list"
        self.fields["provider"].error_messages["invalid_choice"] = "Choose a provider in this area from the list"
        # An experience not attached at first, or not one of the reviewed ones the user sees.
        self.fields["concerns"].error_messages.update(
            invalid_choice="Choose experiences from the list of reviewed experiences you can see",
            invalid_pk_value="Choose experiences from the list of reviewed experiences you can see",
            invalid_list="Choose experiences from the list of reviewed experiences you can see",
        )
        self.fields["action_requested"].validators[
            -1
        ].message = "What you are asking them to do must be 2,000 characters or fewer"

    def layout_fields(self) -> list:
        attached = [Field.checkboxes("concerns", small=True)] if self.attached_count else []
        return [
            *attached,
            Field.text("summary"),
            Field.textarea("details", rows=5, max_characters=5000),
            Field.textarea("action_requested", rows=3, max_characters=2000),
            Field.radios("severity", inline=True, small=True),
            Field.checkbox("safeguarding", small=True),
            Field.checkboxes("recipients", small=True),
            Field.select("provider"),
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("recipients") or [])
        if cleaned.get("provider"):
            chosen.append(cleaned["provider"])
        if not chosen and "recipients" not in self.errors:
            self.add_error("recipients", "Choose at least one body to alert")
        cleaned["all_recipients"] = chosen
        return cleaned


class RespondForm(GovForm):
    submit_label = "Send your response"

    name = forms.CharField(label="Your name", max_length=150)
    response = LongTextField(
        label="What will your organisation do?",
        max_length=5000,
        required=False,
        help_text="Leave empty to acknowledge the alert now and respond later.",
    )
    receipt_email = ReceiptEmailField()

    def __init__(self, *args, ask_name: bool = True, acknowledged: bool = False, **kwargs):
        self.ask_name = ask_name
        super().__init__(*args, **kwargs)
        if acknowledged:  # acknowledged already: now the answer itself is needed
            self.fields["response"].required = True
            self.fields["response"].help_text = "You have acknowledged this alert. Tell us what you will do."
            self.fields["response"].error_messages["required"] = "Enter what your organisation will do"
        if not ask_name:  # signed in: the receipt goes to the account's address
            del self.fields["name"], self.fields["receipt_email"]
        else:
            self.fields["name"].error_messages["required"] = "Enter your name"

    def layout_fields(self) -> list:
        if not self.ask_name:
            return [Field.textarea("response", rows=6, max_characters=5000)]
        return [
            Field.text("name", autocomplete="name"),
            Field.textarea("response", rows=6, max_characters=5000),
            Field.text("receipt_email", autocomplete="email", spellcheck="false"),
        ]


class AlertFilterForm(forms.Form):
    """The alert list's dates (when the alert was sent); both optional, rendered by hand in the
    list template like the concern list's received dates."""

    sent_from = FilterDateField(label="Sent from", noun="sent from date")
    sent_to = FilterDateField(label="Sent to", noun="sent to date", month_end=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("sent_from"), cleaned.get("sent_to")
        if start and end and start > end:
            self.add_error("sent_to", "The sent to date must be the same as or after the sent from date")
        return cleaned
