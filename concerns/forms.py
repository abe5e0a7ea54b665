"""Forms for logging, finding and sharing experiences. They validate and render only."""

from __future__ import annotations

import calendar
import datetime
import re

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone

from agencies.models import Body, BodyKind, ServiceType
from quality_system import workbooks
from quality_system.approx_dates import Precision
from quality_system.forms import (
    ApproxDateField,
    ApproxPrecisionField,
    GovDateField,
    GovForm,
    LongTextField,
    clean_approx_date,
    plain_english_messages,
)

from . import selectors
from .models import SEVERITY_LABELS, SUMMARY_MAX, AgeBand, Channel, Sentiment, Status, Theme
from .services import ConcernDetails


class ConcernForm(GovForm):
    submit_label = "Save"

    received_on = GovDateField(label="Date received", allow_future=False, help_text="For example, 14 11 2026")
    happened_on = ApproxDateField(
        label="Date it happened (optional)",
        noun="date it happened",
        allow_future=False,
        required=False,
        help_text="For example, 3 11 2026. If they only remember the month, leave the day empty.",
    )
    happened_on_precision = ApproxPrecisionField(label="How sure are they of the date it happened?")
    channel = forms.ChoiceField(label="How did it reach you?", choices=[("", "Choose")] + Channel.choices)
    source_body = forms.ModelChoiceField(
        queryset=Body.objects.none(),
        label="Came through a voluntary or community group",
        required=False,
        empty_label="No, it came to us directly",
    )
    service = forms.ModelChoiceField(
        queryset=Body.objects.none(),
        label="Service it is about",
        required=False,
        empty_label="Not about one service",
        help_text="Start typing the name to jump to it.",
    )
    service_type = forms.ChoiceField(
        label="Type of service",
        choices=[("", "Same as the service")] + ServiceType.choices,
        required=False,
        help_text="Leave as it is to use the service's own type.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.all_objects.none(),
        label="Themes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    sentiment = forms.ChoiceField(
        label="Overall, was the experience", choices=Sentiment.choices, widget=forms.RadioSelect
    )
    severity = forms.TypedChoiceField(
        label="Severity",
        choices=list(SEVERITY_LABELS.items()),
        coerce=int,
        initial=0,
        help_text="Staff only. How serious the concern is, from 0 (none) to 5 (very serious).",
    )
    safeguarding = forms.BooleanField(label="This is a safeguarding concern", required=False)
    narrative = LongTextField(
        label="What happened",
        max_length=10_000,
        help_text="In the person's words where you can.",
    )
    # The outcomes of the review of what the public shared (signposted, duplicate, rejected)
    # are set from the review queue only (concerns/triage.py), where each is recorded.
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in (Status.NEW, Status.REVIEWED, Status.ESCALATED, Status.CLOSED)],
        initial=Status.REVIEWED,
        widget=forms.RadioSelect,
    )
    closed_reason = forms.CharField(
        label="Reason for closing", max_length=500, required=False, help_text="Only if the status is closed."
    )

    def __init__(self, *args, locality, **kwargs):
        self.locality = locality
        super().__init__(*args, **kwargs)
        bodies = selectors.service_bodies(locality)
        self.fields["service"].queryset = bodies
        self.fields["source_body"].queryset = Body.objects.serving(locality).filter(kind=BodyKind.VCS).active()
        self.fields["themes"].queryset = Theme.all_objects.filter(locality=locality).active()
        self.fields["sentiment"].error_messages["required"] = (
            "Select whether the experience was positive, negative, mixed or neutral"
        )
        self.fields["channel"].error_messages["required"] = "Select how the experience reached you"
        self.fields["narrative"].error_messages["required"] = "Enter what happened"
        if self.initial.get("status") == Status.SIGNPOSTED:  # keep a signposting as it is
            self.fields["status"].choices = [*self.fields["status"].choices, (Status.SIGNPOSTED, "Signposted")]
        if not self.is_bound and "received_on" not in self.initial:
            self.initial["received_on"] = timezone.localdate()

    def layout_fields(self) -> list:
        return [
            Field("received_on"),
            Field("happened_on"),
            Field.radios("happened_on_precision", small=True),
            Field.select("channel"),
            Field.select("source_body"),
            Field.select("service"),
            Field.select("service_type"),
            Field.checkboxes("themes", small=True),
            Field.radios("sentiment", inline=True, small=True),
            Field.select("severity"),
            Field.checkbox("safeguarding", small=True),
            Field.textarea("narrative", rows=6, max_characters=10_000),
            Field.radios("status", inline=True, small=True),
            Field.text("closed_reason"),
        ]

    def clean(self):
        cleaned = super().clean()
        clean_approx_date(self, "happened_on", "happened_on_precision")
        service = cleaned.get("service")
        if not cleaned.get("service_type"):
            if service is not None and service.service_type:
                cleaned["service_type"] = service.service_type
            elif "service_type" not in self.errors:
                self.add_error("service_type", "Select the type of service")
        if cleaned.get("status") == Status.CLOSED and not cleaned.get("closed_reason"):
            self.add_error("closed_reason", "Enter why the concern is closed")
        return cleaned

    def details(self) -> ConcernDetails:
        data = self.cleaned_data
        happened_on, precision = data["happened_on"] or (None, Precision.DAY)
        return ConcernDetails(
            received_on=data["received_on"],
            happened_on=happened_on,
            happened_on_precision=precision,
            channel=data["channel"],
            service_type=data["service_type"],
            sentiment=data["sentiment"],
            narrative=data["narrative"],
            themes=list(data["themes"]),
            service=data["service"],
            source_body=data["source_body"],
            severity=data["severity"],
            safeguarding=data["safeguarding"],
            status=data["status"],
            closed_reason=data["closed_reason"] if data["status"] == Status.CLOSED else "",
        )


class PersonalDetailsForm(GovForm):
    submit_label = "Save personal details"

    name = forms.CharField(label="Name", max_length=150, required=False)
    email = forms.EmailField(label="Email address", max_length=254, required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    consent_to_contact = forms.BooleanField(label="They agreed to be contacted about this", required=False)
    consent_to_share = forms.BooleanField(
        label="They agreed that we can share their identifiable details with the service or commissioner",
        required=False,
    )
    wants_updates = forms.BooleanField(
        label="They want an email when something happens because of their experience", required=False
    )
    safeguarding_updates = forms.BooleanField(
        label="Allow these emails for this safeguarding concern: I have checked that contact is safe",
        required=False,
        help_text="Emails are never sent about a safeguarding concern unless you allow them here.",
    )
    age_band = forms.ChoiceField(label="Age", choices=[("", "Not asked")] + AgeBand.choices, required=False)
    disability = forms.CharField(label="Disability (in their words)", max_length=100, required=False)
    ethnicity = forms.CharField(label="Ethnic group (in their words)", max_length=80, required=False)
    sex = forms.CharField(label="Sex (in their words)", max_length=30, required=False)
    postcode_district = forms.CharField(
        label="Postcode district",
        max_length=10,
        required=False,
        help_text="The first half, like NM1. If you enter a whole postcode we keep only the first half.",
    )

    def __init__(self, *args, safeguarding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not safeguarding:
            del self.fields["safeguarding_updates"]

    def layout_fields(self) -> list:
        updates = [Field.checkbox("wants_updates", small=True)]
        if "safeguarding_updates" in self.fields:
            updates.append(Field.checkbox("safeguarding_updates", small=True))
        return [
            Field.text("name", spellcheck="false", autocomplete="off"),
            Field.text("email", spellcheck="false", autocomplete="off"),
            Field.text("phone", field_width=Fluid.ONE_THIRD, autocomplete="off"),
            Field.checkbox("consent_to_contact", small=True),
            Field.checkbox("consent_to_share", small=True),
            *updates,
            Fieldset(
                Field.select("age_band"),
                Field.text("disability", field_width=Fluid.ONE_HALF),
                Field.text("ethnicity", field_width=Fluid.ONE_HALF),
                Field.text("sex", field_width=Fluid.ONE_HALF),
                Field.text("postcode_district", field_width=5),
                legend="Equality monitoring (optional)",
                legend_size=Size.SMALL,
            ),
        ]

    def clean_postcode_district(self) -> str:
        value = self.cleaned_data["postcode_district"].strip().upper()
        district = value.split()[0] if " " in value else (value[:-3] if len(value) > 4 else value)
        if value and not re.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]?", district):
            raise forms.ValidationError("Enter a postcode district like NM1, or a whole postcode like NM1 4AB")
        return district

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_to_contact") and not (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("email", "Enter an email address or phone number, or untick ‘agreed to be contacted’")
        if cleaned.get("wants_updates") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter their email address, or untick ‘they want an email when something happens’")
        return cleaned


class FilterDateField(GovDateField):
    """A GOV.UK date box for a filter: optional, and the day may be left empty for a whole
    month (the first day of it for "from", the last for "to")."""

    def __init__(self, *, month_end: bool = False, **kwargs):
        self.month_end = month_end
        kwargs.setdefault("help_text", "For example, 27 3 2026. Leave the day empty for a whole month.")
        super().__init__(required=False, **kwargs)
        self.fields[0].required = False
        real = f"The {self.label_text} must be a real date, like 27 3 2026"
        for field in self.fields:
            field.validators = [RegexValidator(r"^[0-9]+$", real)]

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = data_list
        if day:
            return super().compress(data_list)
        first = super().compress(["1", month, year])
        if first and self.month_end:
            return datetime.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        return first


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def with_legacy_dates(data):
    """Older links and bookmarks give the dates as `received_from=2026-10-01`: read each into
    its day, month and year boxes when those are absent, so the links keep working."""
    if data is None:
        return None
    legacy = [
        n for n in ("received_from", "received_to") if data.get(n) and not any(data.get(f"{n}_{i}") for i in range(3))
    ]
    if not legacy:
        return data
    data = data.copy()
    for name in legacy:
        raw = str(data.get(name))
        found = _ISO_DATE.match(raw)
        year, month, day = found.groups() if found else ("", "", raw[:20])
        for i, part in enumerate((day, month, year)):
            data[f"{name}_{i}"] = part
    return data


class ConcernFilterForm(forms.Form):
    """The list's filters; all optional, rendered by hand in the list template."""

    q = forms.CharField(label="Search the narrative or a person's reference", required=False, max_length=200)
    received_from = FilterDateField(label="Received from", noun="received from date")
    received_to = FilterDateField(label="Received to", noun="received to date", month_end=True)
    # Plain choices, not a ModelChoiceField: an area has up to 1,500 services and building a
    # model object for each costs more than the rest of the page.
    service = forms.TypedChoiceField(choices=[], coerce=int, empty_value=None, required=False, label="Service")
    service_type = forms.ChoiceField(
        choices=[("", "Any")] + ServiceType.choices, required=False, label="Type of service"
    )
    theme = forms.ModelChoiceField(queryset=Theme.all_objects.none(), required=False, label="Theme", empty_label="Any")
    sentiment = forms.ChoiceField(choices=[("", "Any")] + Sentiment.choices, required=False, label="Sentiment")
    severity = forms.TypedChoiceField(
        choices=[("", "Any")] + [(k, f"{k} or more") for k in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Severity",
    )
    status = forms.ChoiceField(choices=[("", "Any")] + Status.choices, required=False, label="Status")
    channel = forms.ChoiceField(choices=[("", "Any")] + Channel.choices, required=False, label="Channel")
    safeguarding = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Safeguarding only"), ("no", "Not safeguarding")],
        required=False,
        label="Safeguarding",
    )
    from_public = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Shared online by the public")], required=False, label="Source"
    )

    def __init__(self, data=None, *args, locality, staff: bool = False, **kwargs):
        super().__init__(with_legacy_dates(data), *args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, FilterDateField):
                plain_english_messages(field)
        if not staff:
            del self.fields["severity"]  # severity is for Healthwatch staff only
            self.fields["q"].label = "Search the shareable summaries"  # the narrative stays with them
        # Given as a callable: read (from the cache) only when rendered or checked, and not
        # normalised choice by choice on every page.
        self.fields["service"].choices = lambda: [("", "Any"), *selectors.service_choices(locality)]
        self.fields["theme"].queryset = Theme.all_objects.filter(locality=locality)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "The received to date must be the same as or after the received from date")
        return cleaned


class SummaryForm(GovForm):
    """The shareable summary: what other bodies, link pages, exports and board packs show."""

    submit_label = "Approve for sharing"

    shareable_summary = LongTextField(
        label="Shareable summary",
        max_length=SUMMARY_MAX,
        help_text="What other bodies will see instead of what the person told you. Leave out names, "
        "wards, rooms, dates and anything else that could identify someone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shareable_summary"].error_messages["required"] = "Enter a shareable summary"

    def layout_fields(self) -> list:
        return [Field.textarea("shareable_summary", rows=8, max_characters=SUMMARY_MAX)]


class ThemeForm(GovForm):
    submit_label = "Save theme"

    name = forms.CharField(label="Theme name", max_length=80)
    description = forms.CharField(
        label="Description",
        max_length=300,
        required=False,
        help_text="Optional. What belongs under this theme.",
    )
    is_active = forms.BooleanField(
        label="In use",
        required=False,
        initial=True,
        help_text="Untick to retire the theme: past tags and counts are kept.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        self.editing = editing
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]

    def layout_fields(self) -> list:
        fields = [Field.text("name", field_width=Fluid.TWO_THIRDS), Field.text("description")]
        if self.editing:
            fields.append(Field.checkbox("is_active", small=True))
        return fields

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("is_active", True)
        return cleaned


class UploadForm(GovForm):
    submit_label = "Upload and check"
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="A .csv file saved as UTF-8, or an Excel workbook (.xlsx), up to 100 MB.",
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{workbooks.CONTENT_TYPE}"}),
    )

    def __init__(self, *args, stored: tuple[int, int] = (0, 0), **kwargs):
        """`stored`: how many upload files the area holds now, and their size in bytes."""
        super().__init__(*args, **kwargs)
        self.stored = stored
        self.fields["file"].error_messages["required"] = "Select a CSV or Excel file"
        self.fields["file"].error_messages["empty"] = "The selected file is empty"

    @staticmethod
    def _check_content(upload) -> None:
        """The file's first bytes must match its name: a workbook is a zip archive, a CSV is not."""
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        is_zip, is_old_excel = workbooks.looks_like_workbook(head), head.startswith(workbooks.OLE_MAGIC)
        if upload.name.lower().endswith(".xlsx") and not is_zip:
            raise forms.ValidationError(
                "The selected file is not an Excel workbook. Save it from Excel as ‘Excel Workbook (.xlsx)’, "
                "or as ‘CSV UTF-8 (comma delimited)’"
            )
        if upload.name.lower().endswith(".csv") and (is_zip or is_old_excel):
            raise forms.ValidationError(
                "The selected file is a spreadsheet, not a CSV. Save it from Excel as ‘CSV UTF-8 (comma delimited)’, "
                "or as ‘Excel Workbook (.xlsx)’ and upload that"
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV (.csv) or an Excel workbook (.xlsx)")
        self._check_content(upload)
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 100 MB. Split it into smaller files.")
        files, size = self.stored
        if size + upload.size > settings.IMPORT_AREA_STORAGE_BYTES:
            them = "it" if files == 1 else "them"
            raise forms.ValidationError(
                f"There is no room to store this file. Your area has {files} uploaded "
                f"file{'' if files == 1 else 's'} waiting to be checked or imported. Import {them}, or wait for "
                f"{them} to be deleted after {settings.IMPORT_KEEP_CHECKED_DAYS} days, then upload this file again."
            )
        return upload
