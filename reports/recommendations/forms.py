"""The forms of the recommendations room: reviews, reports, recommendations, evidence requests,
responses and closure days. Services check the rules that span records; forms check input."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from agencies.access import bodies_holding
from agencies.models import Body, BodyKind, Function, Locality, ResponseDuty
from concerns.forms import FilterDateField
from concerns.selection_forms import SelectionForm
from quality_system.forms import GovDateField, GovForm, LongTextField, ReceiptEmailField

from ..models import ImplementationUpdate, Response, Review
from ..on_time import RECOMMENDATION_FIGURES
from ..references import ReferencesMixin


def response_duties(locality: Locality) -> QuerySet[ResponseDuty]:
    """The rules for responses to reports and requests (not the alert acknowledgement rules)."""
    rules = ResponseDuty.objects.filter(locality__isnull=True) | ResponseDuty.objects.filter(locality=locality)
    return rules.exclude(code__startswith="alert-")


class BodySelect(forms.Select):
    """A body list whose options carry each body's kind (`data-kind`), so the duty list can
    offer only the rules that bind the chosen body (static/app/duty-filter.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
        return option


class DutySelect(forms.Select):
    """A list of response rules whose options carry the kinds of body each binds."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-binds"] = " ".join(instance.binds)
        return option


def _duty_label(duty: ResponseDuty) -> str:
    return f"{duty} – binds {duty.binds_in_words()}"


def _duty_field(form: forms.Form, locality: Locality, *, body_field: str, required: str, invalid_choice: str) -> None:
    """The rule that fixes the deadline, offered with whom each binds (the service refuses a rule
    that does not bind the chosen body); filtered in the browser as the body is chosen."""
    field = form.fields["duty"]
    field.label_from_instance = _duty_label
    field.queryset = response_duties(locality)
    field.widget.attrs["data-binds-from"] = f"id_{body_field}"
    field.error_messages.update(required=required, invalid_choice=invalid_choice)


def _agreed_on_field() -> GovDateField:
    return GovDateField(
        label="Date agreed with the body",
        required=False,
        help_text="Only when no statutory duty binds the body: the date you agreed with them. For example, 15 1 2027",
    )


def areas_field(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Locality.objects.none(), label=label, required=False, widget=forms.CheckboxSelectMultiple
    )


class ConcernedAreasMixin:
    """The other areas a joint committee's review or report concerns. Offered only when its
    body may cover more than the lead area (it holds a scrutiny or Healthwatch function in
    each); by default it concerns the lead area only."""

    fields: dict

    def offer_areas(self, locality: Locality, coverable: QuerySet[Locality] | None, noun: str) -> None:
        others = list(coverable.exclude(pk=locality.pk)) if coverable is not None else []
        if not others:
            del self.fields["areas"]
            return
        field = self.fields["areas"]
        field.queryset = Locality.objects.filter(pk__in=[area.pk for area in others]).order_by("name")
        field.help_text = (
            f"The {noun} is always in {locality.name}, where it is led. Tick each other area it concerns: "
            f"it will show in that area's tracker and public pages too."
        )
        wrong = "Choose the other areas from the list"
        field.error_messages.update(invalid_choice=wrong, invalid_pk_value=wrong, invalid_list=wrong)


class ReviewForm(ConcernedAreasMixin, ReferencesMixin, GovForm):
    submit_label = "Create the review"
    kind = forms.ChoiceField(label="Kind of work", choices=Review.Kind.choices, widget=forms.RadioSelect)
    topic = forms.CharField(label="Topic", max_length=200)
    scope = LongTextField(
        label="Scope", max_length=5000, required=False, help_text="What the work will and will not look at."
    )
    priority_consultation = LongTextField(
        label="How the priority was consulted on",
        max_length=3000,
        required=False,
        help_text="For Healthwatch research projects.",
    )
    starts_on = GovDateField(label="Start date", required=False)
    ends_on = GovDateField(label="Planned end date", required=False)
    concern_refs = forms.CharField(
        label="Experiences behind it",
        max_length=2000,
        required=False,
        help_text="Optional. References separated by commas, like C-001234, C-001240.",
    )
    alert_refs = forms.CharField(
        label="Alerts behind it", max_length=500, required=False, help_text="Optional. Like A-00012, A-00015."
    )
    areas = areas_field("Other areas this review concerns")

    def __init__(self, *args, locality: Locality, user, coverable: QuerySet[Locality] | None = None, **kwargs):
        self.locality, self.user = locality, user
        super().__init__(*args, **kwargs)
        self.offer_areas(locality, coverable, "review")

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The planned end date must be after the start date")
        return data


class ReportForm(ConcernedAreasMixin, GovForm):
    submit_label = "Create the report"
    title = forms.CharField(label="Title", max_length=200)
    summary = LongTextField(
        label="Summary", max_length=10_000, help_text="What you found. This becomes public when you publish."
    )
    reference_prefix = forms.RegexField(
        label="Reference prefix",
        max_length=30,
        regex=r"^[A-Za-z0-9-]+$",
        help_text="Recommendations are numbered after it, like HOSC-2026-07-R1.",
        error_messages={"invalid": "Use letters, numbers and hyphens only, like HOSC-2026-07"},
    )
    areas = areas_field("Other areas this report concerns")

    def __init__(self, *args, locality: Locality | None = None, coverable: QuerySet[Locality] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if locality is None:
            del self.fields["areas"]
        else:
            self.offer_areas(locality, coverable, "report")


def evidence_bodies(locality: Locality) -> QuerySet[Body]:
    """Who a review may ask for evidence: bodies holding the local Healthwatch function today,
    and community groups (VCS is a kind of body, not a function)."""
    healthwatch = bodies_holding(Function.LOCAL_HEALTHWATCH, locality)
    return Body.objects.serving(locality).filter(Q(pk__in=healthwatch.values("pk")) | Q(kind=BodyKind.VCS)).active()


class EvidenceForm(GovForm):
    submit_label = "Send the request"
    to_body = forms.ModelChoiceField(
        queryset=Body.objects.none(), label="Ask", empty_label="Choose a body", widget=BodySelect
    )
    request = LongTextField(
        label="What are you asking for?",
        max_length=5000,
        help_text="For example, gather views of people using the service.",
    )
    duty = forms.ModelChoiceField(
        queryset=ResponseDuty.objects.none(), label="Answer due under", empty_label="Choose the rule", widget=DutySelect
    )
    agreed_on = _agreed_on_field()

    def __init__(self, *args, locality: Locality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = evidence_bodies(locality)
        self.fields["to_body"].error_messages.update(
            required="Choose who to ask", invalid_choice="Choose who to ask from the list"
        )
        _duty_field(
            self,
            locality,
            body_field="to_body",
            required="Choose when the answer is due",
            invalid_choice="Choose a rule from the list",
        )
        self.fields["request"].error_messages["required"] = "Enter what you are asking for"


class EvidenceAnswerForm(GovForm):
    submit_label = "Send your answer"
    name = forms.CharField(label="Your name", max_length=150)
    answer = LongTextField(
        label="What did you find?", max_length=10_000, help_text="A summary, with links to anything longer."
    )
    receipt_email = ReceiptEmailField()

    def __init__(self, *args, ask_name: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = "Enter what you found"
        if not ask_name:  # in the app: the signed-in person answers under their own name
            del self.fields["name"]


class RecommendationForm(GovForm):
    """A draft recommendation (nothing is sent: the committee agrees it first). With
    `record_sent`, one already sent on paper, recorded with its real date sent; with
    `editing`, a draft changed (its reference stays)."""

    submit_label = "Save as a draft"
    text = LongTextField(label="Recommendation", max_length=5000)
    addressed_to = forms.ModelChoiceField(
        queryset=Body.objects.none(), label="Addressed to", empty_label="Choose a body", widget=BodySelect
    )
    duty = forms.ModelChoiceField(
        queryset=ResponseDuty.objects.none(), label="Duty to respond", empty_label="Choose the rule", widget=DutySelect
    )
    agreed_on = _agreed_on_field()
    sent_on = GovDateField(label="Date sent", allow_future=False)
    reference = forms.CharField(
        label="Reference", max_length=40, required=False, help_text="Leave empty to number it automatically."
    )

    def __init__(
        self,
        *args,
        locality: Locality,
        areas: list[Locality] | None = None,
        record_sent: bool = False,
        editing: bool = False,
        **kwargs,
    ):
        """`areas`: every area the report concerns (a joint report's recommendation may go to a
        body serving any of them); the lead `locality` alone by default."""
        super().__init__(*args, **kwargs)
        if record_sent:
            self.submit_label = "Record it as sent"
        else:
            del self.fields["sent_on"]
        if editing:
            self.submit_label = "Save the draft"
            del self.fields["reference"]
        served = Locality.objects.filter(pk__in=[area.pk for area in areas or [locality]])
        self.fields["addressed_to"].queryset = Body.objects.serving(served).active()
        self.fields["addressed_to"].error_messages.update(
            required="Choose the body this recommendation is for",
            invalid_choice="Choose a body in this area from the list"
            if len(areas or [locality]) == 1
            else "Choose a body serving an area this report concerns from the list",
        )
        _duty_field(
            self,
            locality,
            body_field="addressed_to",
            required="Choose the duty to respond",
            invalid_choice="Choose a duty from the list",
        )
        self.fields["text"].error_messages["required"] = "Enter the recommendation"


class AgreeForm(GovForm):
    submit_label = "Record the agreement"
    meeting_on = GovDateField(
        label="Date of the meeting that agreed them", allow_future=False, help_text="For example, 12 11 2026"
    )
    agreed_by = forms.CharField(
        label="Agreed by", max_length=150, help_text="For example, the Health Overview and Scrutiny Committee."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].error_messages["required"] = "Enter who agreed the recommendations"


class WithdrawForm(GovForm):
    submit_label = "Withdraw the recommendation"
    reason = LongTextField(
        label="Why is it withdrawn?", max_length=1000, help_text="The body is told, and the public page shows it."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the recommendation is withdrawn"


class CorrectForm(GovForm):
    submit_label = "Correct the recommendation"
    text = LongTextField(label="Corrected recommendation", max_length=5000)
    reason = LongTextField(
        label="Why is it corrected?", max_length=1000, help_text="The body is told; the old text is kept."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Enter the corrected recommendation"
        self.fields["reason"].error_messages["required"] = "Enter why the recommendation is corrected"


class ResponseForm(GovForm):
    submit_label = "Send the response"
    name = forms.CharField(label="Your name", max_length=150)
    decision = forms.ChoiceField(
        label="Do you accept the recommendation?", choices=Response.Decision.choices, widget=forms.RadioSelect
    )
    reasons = LongTextField(
        label="Reasons", max_length=5000, required=False, help_text="Needed if you do not accept it."
    )
    action_plan = LongTextField(
        label="Action plan", max_length=10_000, required=False, help_text="What you will do, by when."
    )
    target_date = GovDateField(label="Target date", required=False)
    receipt_email = ReceiptEmailField()

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select whether you accept the recommendation"
        self.fields["name"].error_messages["required"] = "Enter your name"
        if signed_in:  # the receipt goes to the account's address
            del self.fields["receipt_email"]


class ExtensionForm(GovForm):
    submit_label = "Record the extension"
    new_due_on = GovDateField(label="New deadline")
    reason = forms.CharField(label="Reason", max_length=500)
    agreed_by = forms.CharField(label="Agreed by", max_length=150, help_text="For example, the committee chair.")


class UpdateForm(GovForm):
    submit_label = "Add the update"
    status = forms.ChoiceField(label="Status", choices=ImplementationUpdate.Status.choices, widget=forms.RadioSelect)
    progress = LongTextField(label="Progress and evidence", max_length=5000)
    new_date = GovDateField(label="New target date", required=False, help_text="If it has slipped.")
    reason = forms.CharField(label="Why it slipped", max_length=500, required=False)


class LetterForm(ResponseForm):
    submit_label = "Record the response"
    received_on = GovDateField(label="Date the letter was received", allow_future=False)
    letter = forms.FileField(label="The letter (PDF or Word)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, signed_in=True, **kwargs)  # a letter recorded for the body: no receipt
        self.fields["name"].label = "Who signed the response"

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter and not letter.name.lower().endswith((".pdf", ".doc", ".docx")):
            raise forms.ValidationError("The letter must be a PDF or Word file")
        if letter and letter.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The letter must be smaller than 20 MB")
        return letter


class ClosureDayForm(GovForm):
    submit_label = "Add closure day"
    date = GovDateField(label="Date", help_text="For example, 24 12 2026")
    reason = forms.CharField(label="Reason", max_length=200, help_text="For example, council offices closed.")


class AccuracyCheckForm(GovForm):
    submit_label = "Send for the accuracy check"
    provider = forms.ModelChoiceField(queryset=Body.objects.none(), label="Provider", empty_label="Choose a body")
    due_on = GovDateField(label="Date agreed for their comments", help_text="For example, 14 12 2026")

    def __init__(self, *args, areas: list[Locality], **kwargs):
        super().__init__(*args, **kwargs)
        served = Locality.objects.filter(pk__in=[area.pk for area in areas])
        self.fields["provider"].queryset = Body.objects.serving(served).active()
        self.fields["provider"].error_messages.update(
            required="Choose the provider checking the facts", invalid_choice="Choose a provider from the list"
        )


class ReviewChoiceForm(SelectionForm):
    """Add experiences selected in the list to one of the user's bodies' open reviews."""

    submit_label = "Add them to the review"
    choice_label = "Review"
    choice_noun = "review"
    choice_missing = "Choose the review to add them to"


class TrackerFigureForm(forms.Form):
    """The tracker's "board figure" filter: the recommendations one of the board's figures
    counts from a date (the dashboard's counts link here). Rendered by hand in the tracker."""

    figure = forms.ChoiceField(
        choices=[("", "Any"), *RECOMMENDATION_FIGURES.items()], required=False, label="In the board's figure"
    )
    since = FilterDateField(label="Counted from", noun="counted from date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].error_messages["invalid_choice"] = "Select a figure from the list"

    def clean(self):
        cleaned = super().clean()
        figure, since = cleaned.get("figure"), cleaned.get("since")
        if figure and not since and "since" not in self.errors:
            self.add_error("since", "Enter the date the figure is counted from, or choose Any figure")
        if since and not figure and "figure" not in self.errors:
            self.add_error("figure", "Select the figure to count from that date, or leave the date empty")
        return cleaned
