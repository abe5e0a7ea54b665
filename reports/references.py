"""What both rooms share for linking records: typed references (C-001234, A-00012) and safe
whole numbers from a query string."""

from __future__ import annotations

from django import forms

from quality_system.text import is_plain_number


def small_int(value: str) -> bool:
    """A whole number an id or a year could be (ASCII digits, not too long)."""
    return is_plain_number(value, max_digits=12)


class ReferencesMixin:
    """Fields where people type references (C-001234, A-00012, ...) to link records."""

    def _refs(self, field, prefix, queryset, noun):
        raw = self.cleaned_data.get(field, "")
        typed, bad = {}, []
        for part in filter(None, (p.strip().upper() for p in raw.replace(";", ",").split(","))):
            digits = part.removeprefix(prefix)
            if small_int(digits):
                typed[int(digits)] = part
            else:
                bad.append(part)
        found = list(queryset.filter(pk__in=list(typed)))
        missing = [typed[n] for n in sorted(set(typed) - {o.pk for o in found})]
        if bad or missing:
            raise forms.ValidationError(f"No {noun} you can see has the reference {', '.join(bad + missing)}")
        return found

    def clean_concern_refs(self):
        from concerns.models import Concern

        visible = Concern.all_objects.for_user(self.user).filter(locality=self.locality).counted()
        return self._refs("concern_refs", "C-", visible, "reviewed experience")

    def clean_alert_refs(self):
        from concerns.models import Alert

        return self._refs(
            "alert_refs", "A-", Alert.all_objects.for_user(self.user).filter(locality=self.locality), "alert"
        )
