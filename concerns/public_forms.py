"""The public "Share your experience" form: validates and renders only."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Size
from django import forms

from agencies.models import ServiceType
from quality_system.forms import (
    ApproxDateField,
    ApproxPrecisionField,
    GovForm,
    LongTextField,
    clean_approx_date,
)

from .models import Sentiment
from .outreach import event_code_problem


class PublicShareForm(GovForm):
    """The public's 'Share your experience' form: no account, anonymous unless they choose."""

    submit_label = "Send your experience"

    service_described = forms.CharField(
        label="Which service is it about?",
        max_length=200,
        help_text="For example, the name of the GP practice, hospital, care home or pharmacy.",
    )
    service_type = forms.ChoiceField(
        label="What type of service is it?", choices=[("", "Choose")] + ServiceType.choices
    )
    experienced_on = ApproxDateField(
        label="When did this happen?",
        noun="date it happened",
        allow_future=False,
        help_text="For example, 3 11 2026. If you only remember the month, leave the day empty.",
    )
    experienced_precision = ApproxPrecisionField()
    sentiment = forms.ChoiceField(
        label="Overall, was your experience", choices=Sentiment.choices, widget=forms.RadioSelect
    )
    narrative = LongTextField(
        label="Tell us what happened",
        max_length=5_000,
        help_text="Please do not include other people's names or medical details you would not want shared.",
    )
    wants_contact = forms.BooleanField(label="I would like Healthwatch to contact me about this", required=False)
    name = forms.CharField(label="Your name", max_length=150, required=False)
    email = forms.EmailField(label="Your email address", max_length=254, required=False)
    phone = forms.CharField(label="Your phone number", max_length=30, required=False)
    consent_to_share = forms.BooleanField(
        label="Healthwatch may share my name and details with the service so they can look into this",
        required=False,
    )
    wants_updates = forms.ChoiceField(
        label="Do you want us to email you when something happens because of your experience?",
        choices=[("yes", "Yes, email me"), ("no", "No")],
        required=False,
        initial="no",
        widget=forms.RadioSelect,
        help_text="For example, when an organisation acknowledges a concern that included your experience. "
        "We need your email address for this. Every email has a link to stop them.",
    )
    event_code = forms.CharField(
        label="Event code (optional)",
        max_length=20,
        required=False,
        help_text="Only if you are at a Healthwatch stall or event and staff gave you a code, like ABCD-EFGH.",
    )
    # Honeypot: hidden from people (and screen readers); bots fill it in.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, locality, codes_blocked: bool = False, **kwargs):
        """`codes_blocked`: too many wrong codes came from this connection, so none is checked."""
        self.locality, self.codes_blocked = locality, codes_blocked
        super().__init__(*args, **kwargs)
        self.fields["sentiment"].error_messages["required"] = (
            "Select whether your experience was good, bad, mixed or neither"
        )
        self.fields["narrative"].error_messages["required"] = "Tell us what happened"
        self.fields["service_described"].error_messages["required"] = "Enter the name of the service"
        self.fields["service_type"].error_messages["required"] = "Select the type of service"

    def layout_fields(self) -> list:
        return [
            Field.text("service_described"),
            Field.select("service_type"),
            Field("experienced_on"),
            Field.radios("experienced_precision", small=True),
            Field.radios("sentiment", small=True),
            Field.textarea("narrative", rows=8, max_characters=5_000),
            Fieldset(
                HTML(
                    '<p class="govuk-body">You can stay anonymous. If you want us to contact you, '
                    "give us a way to reach you. We keep your details apart from your story and only "
                    "Healthwatch staff can see them.</p>"
                ),
                Field.checkbox("wants_contact", small=True),
                Field.text("name", autocomplete="name"),
                Field.text("email", autocomplete="email", spellcheck="false"),
                Field.text("phone", autocomplete="tel", field_width=Fluid.ONE_THIRD),
                Field.checkbox("consent_to_share", small=True),
                legend="Your details (optional)",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("wants_updates", legend_size=Size.MEDIUM, small=True),
            Field.text("event_code", field_width=10, autocomplete="off", spellcheck="false"),
            HTML(
                '<div class="app-honeypot" aria-hidden="true">'
                '<label for="id_website">Leave this empty</label>'
                '<input type="text" name="website" id="id_website" tabindex="-1" autocomplete="off">'
                "</div>"
            ),
        ]

    def clean_event_code(self):
        """The EventCode, or None when the field is empty."""
        text = self.cleaned_data["event_code"]
        if not text:
            return None
        if self.codes_blocked:
            raise forms.ValidationError(
                "Too many wrong event codes were entered from this connection. Leave the code empty, "
                "or try again in an hour"
            )
        code, problem = event_code_problem(self.locality, text)
        if problem:
            raise forms.ValidationError(problem)
        return code

    def clean(self):
        cleaned = super().clean()
        clean_approx_date(self, "experienced_on", "experienced_precision")
        if cleaned.get("wants_contact") and not (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("email", "Enter an email address or phone number so we can contact you")
        cleaned["wants_updates"] = cleaned.get("wants_updates") == "yes"
        if cleaned["wants_updates"] and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address so we can email you updates, or choose ‘No’")
        if not cleaned.get("wants_contact"):
            # Anonymous unless they ask to be contacted: details typed without asking are not kept
            # (the email address only when they asked for updates, and only for those).
            for field in ("name", "phone") + (() if cleaned["wants_updates"] else ("email",)):
                cleaned[field] = ""
            cleaned["consent_to_share"] = False
        return cleaned

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))
