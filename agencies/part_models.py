"""Parts of a function: a function that can be divided so that different bodies hold its parts
from a date (local Healthwatch's health part and social care part, when its functions move to
the integrated care board and the council).

A holding of a part is a `FunctionHolding` with `part` set (a holding without a part holds the
whole function). Which part a record belongs to is decided by a rule the area can see and
change (`PartRule`: records about a service of this type belong to this part; a rule with no
service type names the part for records about no service, or both), falling back to the
defaults in `agencies.parts`. The duties of a split function stay with every holder of a part.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .models import Function, Locality, ServiceType


class FunctionPart(models.Model):
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="parts")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    summary = models.CharField(max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["function__order", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["function", "code"], name="one_part_code_per_function")]

    def __str__(self) -> str:
        return f"{self.function}: {self.name}"


class PartRule(models.Model):
    """In an area, records about a service of this type (or, with no type, about no service
    or several) belong to this part of the function."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+", verbose_name="area")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(max_length=32, choices=ServiceType.choices, blank=True)
    part = models.ForeignKey(FunctionPart, on_delete=models.PROTECT, related_name="rules")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["function", "service_type"]
        constraints = [
            models.UniqueConstraint(fields=["locality", "function", "service_type"], name="one_part_rule_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.locality}: {self.get_service_type_display() or 'no service'} → {self.part}"
