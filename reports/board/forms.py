"""The board's forms: priorities and their thread, referrals, the Quality Surveillance Group's
views and board packs. Forms check what people type; the rules about records live in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from agencies.models import Body, Locality, User
from concerns.forms import FilterDateField
from concerns.models import Theme, TrendSignal
from concerns.selection_forms import SelectionForm
from quality_system.forms import GovDateField, GovForm, LongTextField

from ..models import Priority, Recommendation, Review, SurveillanceView
from ..references import ReferencesMixin
from . import selectors


def _area_bodies(locality: Locality):
    return Body.objects.serving(locality).filter(is_active=True).order_by("name")


class PriorityForm(GovForm):
    submit_label = "Save the priority"
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Waiting times for children's mental health services."
    )
    why = LongTextField(label="Why it matters", max_length=5000)
    owner_body = forms.ModelChoiceField(
        label="Owner", queryset=Body.objects.none(), help_text="The body that leads on it."
    )
    agreed_on = GovDateField(label="Date the board agreed it", help_text="For example, 14 10 2026")
    status = forms.ChoiceField(label="Status", choices=Priority.Status.choices, widget=forms.RadioSelect)
    measure = forms.ChoiceField(
        label="Figure to track",
        choices=Priority.Measure.choices,
        widget=forms.RadioSelect,
        help_text="The dashboard charts this figure month by month.",
    )
    measure_theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.all_objects.none(),
        required=False,
        help_text="If you track concerns with a theme, or the share of them that were negative.",
    )
    measure_service = forms.ModelChoiceField(
        label="Service",
        queryset=Body.objects.none(),
        required=False,
        help_text="If you track concerns about a service, or the share of them that were negative.",
    )
    measure_name = forms.CharField(
        label="Name of the figure",
        max_length=200,
        required=False,
        help_text="If you enter the figure yourself, like ‘Children waiting over 18 weeks’.",
    )
    better = forms.ChoiceField(label="Which way is better", choices=Priority.Better.choices, widget=forms.RadioSelect)
    target = forms.DecimalField(
        label="Target (optional)",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="A monthly figure to aim for. The dashboard says whether the target will be met.",
    )

    def __init__(self, *args, locality: Locality, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = _area_bodies(locality)
        self.fields["owner_body"].queryset = bodies
        self.fields["measure_service"].queryset = bodies
        self.fields["measure_theme"].queryset = Theme.all_objects.filter(locality=locality, is_active=True).order_by(
            "name"
        )
        self.fields["target"].error_messages["invalid"] = "Enter the target as a number, like 40"

    @staticmethod
    def initial_for(priority: Priority | None) -> dict:
        """What the form starts with: the priority's values, or the defaults for a new one."""
        if priority is None:
            return {
                "status": Priority.Status.ON_TRACK,
                "measure": Priority.Measure.NONE,
                "better": Priority.Better.LOWER,
            }
        return {field: getattr(priority, field) for field in PriorityForm.base_fields}


class ProgressForm(GovForm):
    submit_label = "Save progress"
    status = forms.ChoiceField(label="Status now", choices=Priority.Status.choices, widget=forms.RadioSelect)
    progress = LongTextField(label="What has happened", max_length=5000, help_text="What was done, and what changed.")


class ActionForm(GovForm):
    submit_label = "Add the action"
    action = forms.CharField(label="What will be done", max_length=500)
    owner_body = forms.ModelChoiceField(label="Who will do it", queryset=Body.objects.none())
    due_on = GovDateField(label="Date it is due", help_text="For example, 31 1 2027")

    def __init__(self, *args, locality: Locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_body"].queryset = _area_bodies(locality)


class FigureForm(GovForm):
    submit_label = "Save the figure"
    month = GovDateField(label="Month", help_text="Any day in the month, for example 1 10 2026")
    value = forms.DecimalField(label="Figure", max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages["invalid"] = "Enter the figure as a number, like 42"
        self.fields["value"].error_messages["required"] = "Enter the figure"
        self.fields["value"].error_messages["min_value"] = "Enter a figure of 0 or more"


class ThreadForm(ReferencesMixin, GovForm):
    submit_label = "Link them"
    concern_refs = forms.CharField(
        label="Experiences",
        max_length=2000,
        required=False,
        help_text="References separated by commas, like C-001234, C-001240.",
    )
    alert_refs = forms.CharField(label="Alerts", max_length=500, required=False, help_text="Like A-00012, A-00015.")
    recommendation_refs = forms.CharField(
        label="Recommendations", max_length=500, required=False, help_text="Their references, like HOSC-2026-07-R1."
    )
    review_ids = forms.MultipleChoiceField(
        label="Reviews", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    signal_ids = forms.MultipleChoiceField(
        label="Rises found by the trend check", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, locality: Locality, user: User, **kwargs):
        self.locality, self.user = locality, user
        super().__init__(*args, **kwargs)
        self.reviews = Review.objects.for_user(user).filter(locality=locality).order_by("-created_at")[:50]
        self.signals = (
            TrendSignal.all_objects.filter(locality=locality).select_related("theme", "service").order_by("-month")[:30]
        )
        self.fields["review_ids"].choices = [(str(r.pk), r.topic) for r in self.reviews]
        self.fields["signal_ids"].choices = [
            (str(s.pk), f"{s.subject}: {s.count} in {s.month:%B %Y}") for s in self.signals
        ]

    def clean_recommendation_refs(self):
        raw = self.cleaned_data.get("recommendation_refs", "")
        typed = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        found = list(Recommendation.objects.for_user(self.user).filter(locality=self.locality, reference__in=typed))
        missing = sorted(set(typed) - {r.reference for r in found})
        if missing:
            raise forms.ValidationError(f"No recommendation you can see has the reference {', '.join(missing)}")
        return found

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            data.get(f) for f in ("concern_refs", "alert_refs", "recommendation_refs", "review_ids", "signal_ids")
        ):
            raise forms.ValidationError("Enter at least one reference, or select a review or a rise")
        return data

    def links(self) -> dict:
        """The records chosen, as `services.thread_link` takes them."""
        data = self.cleaned_data
        return {
            "concerns": data["concern_refs"],
            "alerts": data["alert_refs"],
            "recommendations": data["recommendation_refs"],
            "reviews": [r for r in self.reviews if str(r.pk) in data["review_ids"]],
            "signals": [s for s in self.signals if str(s.pk) in data["signal_ids"]],
        }


class ReferralForm(GovForm):
    submit_label = "Refer for fuller scrutiny"
    to_body = forms.ModelChoiceField(label="Who to refer it to", queryset=Body.objects.none(), widget=forms.RadioSelect)
    question = LongTextField(
        label="What the board wants to know",
        max_length=3000,
        help_text="The questions you want answered, and anything they should look at.",
    )
    report_by = GovDateField(label="Report back by (optional)", required=False, help_text="For example, 31 3 2027")

    def __init__(self, *args, locality: Locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = selectors.referral_targets(locality=locality)


class ReferralDeclineForm(GovForm):
    submit_label = "Decline the suggestion"
    reasons = LongTextField(
        label="Your reasons for declining",
        max_length=3000,
        help_text="The board's members will read these on the priority's page.",
    )


class SurveillanceForm(GovForm):
    submit_label = "Record the group's view"
    provider = forms.ModelChoiceField(label="Provider", queryset=Body.objects.none())
    level = forms.ChoiceField(
        label="The group's view", choices=SurveillanceView.Level.choices, widget=forms.RadioSelect
    )
    decided_on = GovDateField(label="Date of the group's meeting", help_text="For example, 12 11 2026")
    summary = LongTextField(label="Summary", max_length=5000, help_text="What the group found and what happens next.")

    def __init__(self, *args, locality: Locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = selectors.providers(locality=locality)


class BoardPackForm(GovForm):
    submit_label = "Build the board pack"
    meeting_on = GovDateField(label="Meeting date", help_text="For example, 10 12 2026")

    def clean_meeting_on(self):
        meeting_on = self.cleaned_data["meeting_on"]
        if meeting_on < timezone.localdate():
            raise forms.ValidationError("The meeting date must be today or in the future")
        return meeting_on


class PriorityChoiceForm(SelectionForm):
    """Add experiences selected in the list to a priority's golden thread."""

    submit_label = "Add them to the priority"
    choice_label = "Priority"
    choice_noun = "priority"
    choice_missing = "Choose the priority to add them to"


class SeriesNoteForm(GovForm):
    """A change to the process or a note, on a priority's figure (concerns.series_notes)."""

    submit_label = "Record it"
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[
            ("change", "A change to the process: the mean and limits are worked out again from this month"),
            ("note", "A note on a month: the limits stay as they are"),
        ],
        widget=forms.RadioSelect,
    )
    month = GovDateField(label="Month", help_text="Any day in the month, for example 1 4 2025")
    reason = forms.CharField(
        label="What happened",
        max_length=200,
        help_text="Say it in a few words, for example ‘new online booking live in two practices’.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Select whether it is a change to the process or a note"
        self.fields["reason"].error_messages["required"] = (
            "Enter what happened, for example ‘new online booking live in two practices’"
        )


class SeriesNoteWithdrawForm(GovForm):
    submit_label = "Withdraw it"
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        max_length=200,
        help_text="For example, ‘recorded against the wrong month’.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why it is being withdrawn"


class PriorityFilterForm(forms.Form):
    """The priority list's date: only priorities referred for fuller scrutiny from it (the
    dashboard's count of referrals links here). Rendered by hand in the list."""

    referred_from = FilterDateField(label="Referred for fuller scrutiny from", noun="referred from date")
