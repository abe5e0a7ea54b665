"""Forms validate and render; the services in agencies.services do the writing."""

from __future__ import annotations

import datetime

from crispy_forms_gds.layout import Field, Fluid
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MaxValueValidator, MinValueValidator

from quality_system.forms import GovDateField, GovForm, GovFormMixin, GovModelForm, LongTextField

from .models import SERVICE_KINDS, AssessmentStatus, Body, Function, Role, User
from .part_models import FunctionPart
from .selectors import area_people


class SignInForm(GovFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": ("Your email address or password is not right. Check them and try again."),
        "inactive": "This account has been switched off. Ask your administrator to restore it.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        # No autofocus: keyboard and screen reader users start at the skip link, as on every page.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def layout_fields(self) -> list:
        return [
            Field.text("username", autocomplete="username", spellcheck="false"),
            Field("password", autocomplete="current-password"),
        ]

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class BodyForm(GovModelForm):
    class Meta:
        model = Body
        fields = ["name", "kind", "contact_email", "service_type", "cqc_id", "ods_code", "is_active"]
        labels = {"kind": "Kind of body", "is_active": "This body is active"}
        help_texts = {
            "contact_email": "Alerts and requests for this body go to this address.",
            "service_type": ("Only for bodies that provide services, such as trusts, GP practices and care homes."),
            "cqc_id": "Optional. The Care Quality Commission ID, like 1-123456789.",
            "ods_code": "Optional. The NHS Organisation Data Service code, like RXX or A81001.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = [("", "Not a service")] + list(self.fields["service_type"].choices)[1:]
        self.fields["kind"].choices = [("", "Choose the kind of body")] + list(self.fields["kind"].choices)[1:]
        if self.instance.pk is None:
            del self.fields["is_active"]

    def layout_fields(self) -> list:
        fields = [
            Field.text("name"),
            Field.select("kind"),
            Field.text("contact_email", field_width=Fluid.TWO_THIRDS, spellcheck="false"),
            Field.select("service_type"),
            Field.text("cqc_id", field_width=10),
            Field.text("ods_code", field_width=10),
        ]
        if "is_active" in self.fields:
            fields.append(Field.checkbox("is_active"))
        return fields

    def _get_validation_exclusions(self):
        # A code already on another body is refused by agencies.services, with a message naming
        # that body and offering to ask for it instead (the model's constraint would only say
        # that a constraint is violated).
        return super()._get_validation_exclusions() | {"ods_code"}

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_ods_code(self) -> str:
        return self.cleaned_data["ods_code"].strip().upper()

    def clean_cqc_id(self) -> str:
        return self.cleaned_data["cqc_id"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in SERVICE_KINDS and not cleaned.get("service_type"):
            self.add_error("service_type", "Select the type of service this body provides")
        return cleaned


class FunctionAssignForm(GovForm):
    submit_label = "Give this function to the body"

    function = forms.ModelChoiceField(queryset=Function.objects.all(), label="Function")
    part = forms.ModelChoiceField(
        queryset=FunctionPart.objects.select_related("function"),
        label="Part of the function",
        required=False,
        empty_label="The whole function",
        help_text="Only for a function divided into parts, such as local Healthwatch's health and social care parts.",
    )
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label="Body", empty_label="Choose a body")
    starts_on = GovDateField(label="Start date", help_text="For example, 1 4 2027")
    legal_basis = forms.CharField(
        label="Legal basis",
        max_length=300,
        required=False,
        help_text="Optional. The citation or transfer scheme reference, for example ‘Transfer scheme 2027/14’.",
    )
    notes = LongTextField(
        label="Notes",
        max_length=500,
        required=False,
        help_text="Optional. For example, the decision that moved this function.",
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.serving(locality).active()

    def clean(self):
        cleaned = super().clean()
        function, part = cleaned.get("function"), cleaned.get("part")
        if function is not None and part is not None and part.function_id != function.pk:
            self.add_error(
                "part",
                f"{part.name} is a part of {part.function.name}, not {function.name}. "
                "Choose one of its parts, or the whole function.",
            )
        return cleaned

    def layout_fields(self) -> list:
        return [
            Field.select("function"),
            Field.select("part"),
            Field.select("body"),
            Field("starts_on"),
            Field.text("legal_basis"),
            Field.textarea("notes", rows=3),
        ]


class HoldingEndForm(GovForm):
    submit_label = "End this holding"
    ends_on = GovDateField(label="End date", help_text="The last day the body holds the function")


class BodyFindForm(GovForm):
    """Find a body that serves other areas (a GET form: it only searches)."""

    submit_label = "Search"
    q = forms.CharField(
        label="ODS code, CQC ID or name",
        max_length=200,
        help_text="For example RXX, 1-123456789 or part of its name (at least 3 letters).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def layout_fields(self) -> list:
        return [Field.text("q", field_width=Fluid.TWO_THIRDS, spellcheck="false")]


class AttachRequestForm(GovForm):
    submit_label = "Send the request"
    note = forms.CharField(
        label="Message to its administrators (optional)",
        max_length=500,
        required=False,
        help_text="For example, why your area needs this body, or who to contact.",
    )


class AttachAnswerForm(GovForm):
    submit_label = "Send your answer"
    decision = forms.ChoiceField(
        label="Will this body serve the area?",
        choices=[("accept", "Yes, accept the request"), ("decline", "No, decline the request")],
        widget=forms.RadioSelect,
    )
    starts_on = GovDateField(
        label="Serves the area from (optional)",
        noun="start date",
        required=False,
        help_text="Only if you accept. Leave blank to start today. For example, 1 4 2027",
    )
    reason = forms.CharField(
        label="Reason for declining",
        max_length=500,
        required=False,
        help_text="Only if you decline. The area that asked will see it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select whether you accept or decline the request"

    def layout_fields(self) -> list:
        return [Field.radios("decision"), Field("starts_on"), Field.text("reason")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason"):
            self.add_error("reason", "Enter the reason for declining")
        return cleaned


class FootprintEndForm(GovForm):
    submit_label = "Stop serving this area"
    ends_on = GovDateField(label="Last day it serves the area", noun="end date", help_text="For example, 31 3 2027")


class PersonAddForm(GovForm):
    submit_label = "Add person"

    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address", max_length=254)
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label="Body", empty_label="Choose a body")
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Read-only people can see but not change anything. Officers can update their "
            "body's work. Administrators set up the area's bodies and people."
        ),
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.serving(locality).active()

    def layout_fields(self) -> list:
        return [
            Field.text("full_name", autocomplete="off", spellcheck="false"),
            Field.text("email", autocomplete="off", spellcheck="false"),
            Field.select("body"),
            Field.radios("role"),
        ]


class MembershipRoleForm(GovForm):
    submit_label = "Change role"
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)

    def layout_fields(self) -> list:
        return [Field.radios("role")]


class AssessmentForm(GovForm):
    submit_label = "Save assessment"

    status = forms.ChoiceField(
        label="How well is this duty carried out?",
        choices=AssessmentStatus.choices,
        widget=forms.RadioSelect,
    )
    evidence = LongTextField(
        label="Evidence notes",
        max_length=5000,
        required=False,
        help_text="What shows this, with links to papers or minutes where you can.",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Owner",
        required=False,
        empty_label="No owner yet",
        help_text="The person who keeps this assessment up to date.",
    )
    last_reviewed_on = GovDateField(
        label="Date last reviewed",
        required=False,
        allow_future=False,
        earliest=datetime.date(2012, 1, 1),
        help_text="For example, 14 11 2026",
    )

    def __init__(self, *args, locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].error_messages["required"] = "Select how well this duty is carried out"
        self.fields["status"].error_messages["invalid_choice"] = (
            "Select one of: not started, developing, established or embedded"
        )
        self.fields["owner"].queryset = area_people(locality)

    def layout_fields(self) -> list:
        return [
            Field.radios("status"),
            Field.textarea("evidence", rows=6, max_characters=5000),
            Field.select("owner"),
            Field("last_reviewed_on"),
        ]


class GovPasswordChangeForm(GovFormMixin, PasswordChangeForm):
    submit_label = "Change password"


class GovPasswordResetForm(GovFormMixin, PasswordResetForm):
    submit_label = "Send me a link"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"


class GovSetPasswordForm(GovFormMixin, SetPasswordForm):
    submit_label = "Set password"


class NotificationSettingsForm(GovForm):
    submit_label = "Save"
    notification_mode = forms.ChoiceField(
        label="How should we send you messages that are not urgent?",
        choices=[("immediate", "Straight away"), ("daily", "In one email each morning")],
        widget=forms.RadioSelect,
        help_text="Urgent messages, such as safeguarding alerts and escalations, always come straight away.",
    )
    weekly_digest = forms.BooleanField(
        label="Send me a weekly email of what changed on the board's dashboard",
        required=False,
        help_text="On Monday mornings: new priorities and progress, alerts and recommendations overdue, "
        "responses received and the Quality Surveillance Group's views.",
    )

    def __init__(self, *args, board_member: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not board_member:  # the weekly digest is for members of a health and wellbeing board
            del self.fields["weekly_digest"]
            self.helper.layout.fields = [f for f in self.helper.layout.fields if f != "weekly_digest"]


class AuditFilterForm(forms.Form):
    """The audit trail's filters (a GET form rendered by hand): the kind of record, who made the
    change, and where the page starts (the previous page's oldest change)."""

    record = forms.ChoiceField(label="Kind of record", required=False)
    person = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Changed by", required=False, empty_label="Anyone"
    )
    before = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, locality, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "Every kind of record")] + [(s.key, s.label) for s in sources]
        self.fields["record"].error_messages["invalid_choice"] = "Choose a kind of record from the list"
        self.fields["person"].queryset = area_people(locality)
        self.fields["person"].error_messages["invalid_choice"] = "Choose a person from the list"
        self.fields["before"].error_messages["invalid"] = "Go back to the first page of the audit trail"


class AreaSettingsForm(GovForm):
    """An area's settings, changed by its administrators."""

    submit_label = "Save settings"

    public_form_hourly_limit = forms.IntegerField(
        label="How many experiences the public form accepts from one connection in an hour (optional)",
        required=False,
        validators=[
            MinValueValidator(5, "The hourly limit must be 5 or more"),
            MaxValueValidator(500, "The hourly limit must be 500 or fewer. For an event, issue an event code instead"),
        ],
        help_text="Leave empty for the default of 30. This stops automated misuse. For a stall or event, "
        "where many people share one Wi-Fi connection, Healthwatch staff can issue an event code instead.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_form_hourly_limit"].error_messages["invalid"] = (
            "Enter the hourly limit as a whole number, like 30"
        )

    def layout_fields(self) -> list:
        return [Field.text("public_form_hourly_limit", field_width=4, inputmode="numeric")]
