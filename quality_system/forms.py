"""Form pieces every app shares."""

from __future__ import annotations

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone

from .approx_dates import Precision
from .text import TextProblem, clean_text


class GovDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages that say how to fix the date."""

    def __init__(
        self,
        *,
        label: str,
        allow_future: bool = True,
        earliest: datetime.date | None = None,
        noun: str | None = None,
        **kwargs,
    ):
        self.allow_future = allow_future
        self.earliest = earliest or datetime.date(1990, 1, 1)
        self.label_text = noun or label
        kwargs.setdefault("require_all_fields", False)
        super().__init__(label=label, **kwargs)
        label = self.label_text
        self.error_messages["required"] = f"Enter the {label.lower()}"
        self.error_messages["incomplete"] = f"The {label.lower()} must include a day, month and year"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.required = True
            field.error_messages["incomplete"] = f"The {label.lower()} must include a {part}"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError(f"The year of the {self.label_text.lower()} must have 4 numbers, like 2026")
        try:
            value = datetime.date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"The {self.label_text.lower()} must be a real date, like 27 3 2026") from None
        if value < self.earliest:
            raise ValidationError(f"The {self.label_text.lower()} must be on or after {self.earliest:%-d %B %Y}")
        if not self.allow_future and value > timezone.localdate():
            raise ValidationError(f"The {self.label_text.lower()} must be today or in the past")
        return value


class ApproxDateField(GovDateField):
    """A GOV.UK date input whose day may be left empty for "month and year". Cleans to
    (date, precision) or None; the form's `ApproxPrecisionField` can mark the day "about"."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields[0].required = False

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = data_list
        if not (month and year):
            return None
        if day:
            return super().compress(data_list), Precision.DAY
        value = super().compress(["1", month, year])
        return value, Precision.MONTH


def approx_date_initial(value: datetime.date | None, precision: str) -> list | None:
    """What an ApproxDateField shows for a stored date: no day for a month."""
    if value is None:
        return None
    return ["" if precision == Precision.MONTH else value.day, value.month, value.year]


class ApproxPrecisionField(forms.ChoiceField):
    """'How sure are you of the date?' beside an ApproxDateField: optional, since an empty day
    already says "month and year"."""

    def __init__(self, *, label: str = "How sure are you of the date?", **kwargs):
        choices = [
            (Precision.DAY, "The exact day"),
            (Precision.MONTH, "Only the month and year (leave the day empty)"),
            (Precision.ABOUT, "About that day, give or take a few days"),
        ]
        super().__init__(label=label, choices=choices, required=False, widget=forms.RadioSelect, **kwargs)


def clean_approx_date(form: forms.Form, date_field: str, precision_field: str) -> None:
    """Put the date and its precision together in `form.cleaned_data[date_field]` as
    (date, precision), or add an error that says how to fix them."""
    found = form.cleaned_data.get(date_field)
    chosen = form.cleaned_data.get(precision_field) or ""
    if not found:
        return
    value, given = found
    noun = form.fields[date_field].label_text.lower()
    if chosen in (Precision.DAY, Precision.ABOUT) and given == Precision.MONTH:
        form.add_error(date_field, f"Enter the day of the {noun}, or choose ‘only the month and year’")
        return
    precision = chosen or given
    form.cleaned_data[date_field] = (value.replace(day=1) if precision == Precision.MONTH else value, precision)


class GovFormMixin:
    """Render with the GOV.UK design system via crispy-forms-gds; errors go in the summary.

    Every free-text field follows one rule (quality_system.text.clean_text): hidden control
    characters and direction overrides are refused with a message naming the field; text is
    normalised (NFC, trimmed; one-line fields get single spaces, so no line breaks). Passwords
    are left exactly as typed: they are never shown and are stored only as a hash.
    """

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper: FormHelper | None = None
        for field in self.fields.values():
            plain_english_messages(field)

    @property
    def helper(self) -> FormHelper:
        """Built when first used, so fields a subclass removes in its __init__ leave the layout."""
        if self._helper is None:
            helper = FormHelper()
            # The server checks everything and shows GOV.UK error messages; the browser's own
            # pop-up checks would skip the error summary.
            helper.attrs = {"novalidate": ""}
            helper.label_size = Size.SMALL
            helper.legend_size = Size.SMALL
            helper.layout = Layout(
                *self.layout_fields(), Submit(f"submit-{type(self).__name__.lower()}", self.submit_label)
            )
            self._helper = helper
        return self._helper

    def layout_fields(self) -> list:
        return list(self.fields)

    def embedded_with_button(self):
        """Render inside the page's own <form> (for example one with a hidden action), keeping
        this form's submit button."""
        self.helper.form_tag = False
        return self

    def embedded(self):
        """Render inside the page's own <form>, which brings its own buttons."""
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields())
        return self

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not (isinstance(field, forms.CharField) and isinstance(value, str) and value):
                continue
            if isinstance(field.widget, forms.PasswordInput):
                continue
            try:
                self.cleaned_data[name] = clean_text(
                    value, label=field_label(field, name), single_line=not isinstance(field.widget, forms.Textarea)
                )
            except TextProblem as problem:
                self.add_error(name, str(problem))


def field_label(field: forms.Field, name: str) -> str:
    """The field's label as people see it, for messages that start with it."""
    label = getattr(field, "noun", None) or field.label or name.replace("_", " ").capitalize()
    return str(label).removesuffix(" (optional)")


def plain_english_messages(field: forms.Field) -> None:
    """Replace Django's generic messages with ones that name the field and the fix."""
    label = str(getattr(field, "noun", None) or field.label or "this field").removesuffix(" (optional)")
    lower = label[0].lower() + label[1:]
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        field.error_messages["required"] = f"Select {lower}"
        field.error_messages["invalid_choice"] = f"Select {lower} from the list"
    elif isinstance(field, forms.EmailField):
        field.error_messages["required"] = f"Enter {lower}"
        field.error_messages["invalid"] = f"Enter {lower} in the correct format, like name@example.org"
    elif isinstance(field, forms.CharField):
        field.error_messages["required"] = f"Enter {lower}"
    if isinstance(field, forms.CharField):
        no_nul = validators.ProhibitNullCharactersValidator
        field.validators = [v for v in field.validators if not isinstance(v, no_nul)]
        field.validators.append(no_nul(f"{label} contains a hidden null character. Remove it and try again."))
    if isinstance(field, forms.ModelChoiceField):
        refuse_numbers_too_big_to_look_up(field)
    max_length = getattr(field, "max_length", None)
    if max_length:
        field.validators = [v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)] + [
            validators.MaxLengthValidator(max_length, f"{label} must be {max_length:,} characters or fewer")
        ]


def refuse_numbers_too_big_to_look_up(field: forms.ModelChoiceField) -> None:
    """A posted record number too big for the database (SQLite raises OverflowError rather than
    finding nothing) is an invalid choice, not a server error."""
    method = "_check_values" if isinstance(field, forms.ModelMultipleChoiceField) else "to_python"
    look_up = getattr(field, method)

    def guarded(value):
        try:
            return look_up(value)
        except OverflowError:
            raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice") from None

    setattr(field, method, guarded)


class GovForm(GovFormMixin, forms.Form):
    pass


class GovModelForm(GovFormMixin, forms.ModelForm):
    pass


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ReceiptEmailField(forms.EmailField):
    """Where the person answering for a body would like a receipt of what they send (optional)."""

    noun = "Your email address"  # the messages say "Enter your email address in the correct format"

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Your email address, for a receipt (optional)")
        kwargs.setdefault("help_text", "We will email you a copy of what you send, with its reference.")
        super().__init__(required=False, max_length=254, **kwargs)


class LongTextField(forms.CharField):
    """Multi-line text. Browsers send each line break as two characters (CR LF); count them as
    one, as the character count on the page does."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
