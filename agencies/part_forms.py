"""The form for an area's part rules: which part of a divided function each type of service's
records belong to."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from quality_system.forms import GovForm

from .models import Function, ServiceType
from .part_models import FunctionPart
from .parts import DEFAULT_PARTS, NO_SERVICE

NO_SERVICE_LABEL = "Records about no service, or several"


def type_label(service_type: str) -> str:
    return NO_SERVICE_LABEL if service_type == NO_SERVICE else ServiceType(service_type).label


def field_name(function: Function, service_type: str) -> str:
    return f"{function.code}-{service_type or 'none'}"


class PartRulesForm(GovForm):
    """One choice per service type (and one for records about no service, or several) for each
    divided function, starting from the area's current rules."""

    submit_label = "Save the rules"

    def __init__(self, *args, rules: dict[Function, dict[str, FunctionPart]], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[Function, str]] = {}
        for function, mapping in rules.items():
            parts = {p.code: p for p in function.parts.all()}
            defaults = DEFAULT_PARTS.get(function.code, {})
            for service_type, part in mapping.items():
                name = field_name(function, service_type)
                default = parts.get(defaults.get(service_type, ""))
                self.fields[name] = forms.ModelChoiceField(
                    queryset=function.parts.all(),
                    label=f"{function.name}: {type_label(service_type)}",
                    empty_label=None,
                    initial=part.pk,
                    help_text=f"Unless changed: {default.name}" if default else "",
                    error_messages={
                        "required": f"Choose the part for {type_label(service_type).lower()}.",
                        "invalid_choice": f"Choose one of the parts of {function.name}.",
                    },
                )
                self.fields[name].label_from_instance = lambda p: p.name
                self.keys[name] = (function, service_type)

    def chosen(self) -> dict[Function, dict[str, FunctionPart]]:
        result: dict[Function, dict[str, FunctionPart]] = {}
        for name, (function, service_type) in self.keys.items():
            result.setdefault(function, {})[service_type] = self.cleaned_data[name]
        return result

    def layout_fields(self) -> list:
        return [Field.select(name) for name in self.keys]
