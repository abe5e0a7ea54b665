"""Forms for handover plans: they validate and render; agencies.handover_services writes."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset
from django import forms

from quality_system.forms import GovDateField, GovForm, plain_english_messages

from .handover_models import HandoverPlan
from .handover_services import Successor
from .models import Body, Function, Locality


class HandoverPlanForm(GovForm):
    submit_label = "Save the handover plan"

    takes_effect_on = GovDateField(
        label="Date of the handover", help_text="The first day the successors hold their parts. For example, 1 4 2027"
    )

    def __init__(self, *args, locality: Locality, function: Function, plan: HandoverPlan | None = None, **kwargs):
        if plan is not None:
            kwargs.setdefault("initial", {})["takes_effect_on"] = plan.takes_effect_on
            for chosen in plan.parts.all():
                kwargs["initial"][f"successor_{chosen.part.code}"] = chosen.successor_id
                kwargs["initial"][f"legal_basis_{chosen.part.code}"] = chosen.legal_basis
        super().__init__(*args, **kwargs)
        self.function_parts = list(function.parts.order_by("order"))
        bodies = Body.objects.serving(locality).active().order_by("name")
        for part in self.function_parts:
            noun = f"the body that will hold the {part.name.lower()} part"
            successor = forms.ModelChoiceField(queryset=bodies, label="Body", empty_label="Choose a body")
            successor.noun = noun
            basis = forms.CharField(
                label="Legal basis",
                max_length=300,
                help_text="The citation or transfer scheme reference, for example the section of the act",
            )
            basis.noun = f"the legal basis for the {part.name.lower()} part"
            self.fields[f"successor_{part.code}"] = successor
            self.fields[f"legal_basis_{part.code}"] = basis
            plain_english_messages(successor)
            plain_english_messages(basis)
            successor.error_messages["invalid_choice"] = f"Select {noun} from the list: it must serve {locality.name}"

    def layout_fields(self) -> list:
        return [
            Field("takes_effect_on"),
            *(
                Fieldset(
                    Field.select(f"successor_{part.code}"),
                    Field.text(f"legal_basis_{part.code}"),
                    legend=f"{part.name} part",
                )
                for part in self.function_parts
            ),
        ]

    def successors(self) -> list[Successor]:
        return [
            Successor(part, self.cleaned_data[f"successor_{part.code}"], self.cleaned_data[f"legal_basis_{part.code}"])
            for part in self.function_parts
            if self.cleaned_data.get(f"successor_{part.code}")
        ]


class HandoverOverrideForm(GovForm):
    submit_label = "Save the part"

    part = forms.ChoiceField(label="Which part does this record belong to?", widget=forms.RadioSelect)

    def __init__(self, *args, function: Function, rule_part_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = {str(p.pk): p for p in function.parts.order_by("order")}
        self.fields["part"].choices = [("rule", f"Follow the area’s rule ({rule_part_name})")] + [
            (pk, p.name) for pk, p in self.parts.items()
        ]
        plain_english_messages(self.fields["part"])

    def layout_fields(self) -> list:
        return [Field.radios("part")]

    def chosen(self):
        value = self.cleaned_data["part"]
        return None if value == "rule" else self.parts[value]
