"""Forms that act on a selection of experiences (concerns.selection): the attached experiences
as ticked checkboxes the user may untick, and the choice each action needs."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms
from django.db.models import QuerySet

from quality_system.forms import GovForm

from .models import Concern, Theme
from .selection import cap, plain_ids

NOT_SELECTABLE = "Choose experiences from the list you selected"


def describe(concern: Concern) -> str:
    """One attached experience in a line: reference, date, service, and what recipients get."""
    service = concern.service.name if concern.service else "no service named"
    shared = (
        "approved shareable summary"
        if concern.has_shareable_summary
        else "no shareable summary: others see it listed without words"
    )
    return f"{concern.reference}, received {concern.received_on.day} {concern.received_on:%B %Y}, {service} ({shared})"


class AttachedConcernsMixin:
    """Adds `concerns` (checkboxes, ticked at first) and `attached` (hidden: every experience
    attached at first, so one unticked by mistake stays on the page to tick again). Both are
    limited to `scope`: an id outside it is an error naming the field, never dropped."""

    def attach(self, scope: QuerySet[Concern], attached: list[int] | None = None) -> None:
        if self.is_bound:
            ids = plain_ids(self.data.getlist("attached")) + plain_ids(self.data.getlist("concerns"))
        else:
            ids = list(attached or [])
            self.initial["attached"] = ids
            self.initial["concerns"] = ids
        field = self.fields["concerns"]
        field.queryset = scope.filter(pk__in=ids[: cap() * 2]).select_related("service").order_by("-received_on", "-id")
        field.label_from_instance = describe
        for code in ("invalid_choice", "invalid_pk_value", "invalid_list"):
            field.error_messages[code] = NOT_SELECTABLE
        self.attached_count = len(set(ids))

    def clean_concerns(self):
        chosen = self.cleaned_data.get("concerns")
        if chosen is not None and len(chosen) > cap():
            raise forms.ValidationError(
                f"You can attach up to {cap():,} experiences at once. Untick some, or act on the rest separately."
            )
        return chosen


def concerns_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Concern.all_objects.none(), widget=forms.CheckboxSelectMultiple, **kwargs
    )


def attached_field() -> forms.Field:
    return forms.Field(required=False, widget=forms.MultipleHiddenInput)


class SelectionForm(AttachedConcernsMixin, GovForm):
    """The second step of an action on a selection: what to add the experiences to (`choice`,
    from `choices`), and with which experiences. Subclasses name the choice."""

    choice_label = ""
    choice_noun = ""  # "theme", "review": for the message when the choice is not on the list
    choice_missing = ""  # the message when nothing is chosen

    step = forms.CharField(widget=forms.HiddenInput, initial="act", required=False)
    choice = forms.ModelChoiceField(queryset=Theme.all_objects.none())
    attached = attached_field()
    concerns = concerns_field(label="Selected experiences", help_text="Untick any you do not want to include.")

    def __init__(self, *args, scope: QuerySet[Concern], choices: QuerySet, attached: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.attach(scope, attached)
        self.fields["concerns"].error_messages["required"] = "Select at least one experience"
        choice = self.fields["choice"]
        choice.queryset, choice.label = choices, self.choice_label
        choice.error_messages.update(
            required=self.choice_missing, invalid_choice=f"Choose a {self.choice_noun} from the list"
        )
        self.helper.render_hidden_fields = True

    def layout_fields(self) -> list:
        return [Field.select("choice"), Field.checkboxes("concerns", small=True)]


class ThemeChoiceForm(SelectionForm):
    submit_label = "Add the theme"
    choice_label = "Theme to add"
    choice_noun = "theme"
    choice_missing = "Choose a theme to add"
