"""The rules that fix response deadlines, and an area's extra closure days (tables of the
agencies app; agencies.deadlines does the arithmetic)."""

from __future__ import annotations

import datetime

from django.db import models
from simple_history.models import HistoricalRecords

from .models import Body, BodyKind, Locality


class ResponseDuty(models.Model):
    """A rule that fixes a response deadline: period, unit, where counting starts, the law, and
    the kinds of body it binds.

    Counting starts the day after the request is sent (agencies.deadlines). Locality empty means
    the rule applies in every area; an area can add its own locally agreed rules. A rule with the
    unit "agreed" is no statutory duty: a date agreed with the body is entered instead.
    The kinds a rule binds follow the law's own categories of body (an NHS body or health
    service provider, the council executive), so here a body's kind is the right test.
    """

    code = models.SlugField(max_length=60)
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    period = models.PositiveSmallIntegerField()
    unit = models.CharField(
        max_length=20,
        choices=[
            ("calendar_days", "calendar days"),
            ("working_days", "working days"),
            ("months", "months"),
            ("agreed", "a date agreed with the body"),
        ],
    )
    binds = models.JSONField(
        "binds these kinds of body",
        default=list,
        blank=True,
        help_text="Empty: the rule can be used with any body (a locally agreed rule).",
    )
    roll_forward = models.BooleanField(
        "move to the next working day",
        default=False,
        help_text="When a deadline falls on a weekend or bank holiday.",
    )
    citation = models.CharField(max_length=300, help_text="The law or local agreement that sets this rule.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "response duties"
        constraints = [
            models.UniqueConstraint(fields=["code", "locality"], name="response_duty_code_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(locality__isnull=True),
                name="response_duty_national_code_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.is_agreed:
            return self.name
        unit = self.get_unit_display()
        return f"{self.name} ({self.period} {unit[:-1] if self.period == 1 else unit})"

    @property
    def is_agreed(self) -> bool:
        """No statutory period: the due date is agreed with the body."""
        return self.unit == "agreed"

    def binds_body(self, body: Body) -> bool:
        return not self.binds or body.kind in self.binds

    def binds_in_words(self) -> str:
        if not self.binds:
            return "any body"
        return ", ".join(str(BodyKind(kind).label).lower() for kind in self.binds if kind in BodyKind.values)

    def due(self, sent_on: datetime.date, closures=(), agreed_on: datetime.date | None = None):
        """The deadline for a request sent on `sent_on`, with how it was worked out (for an
        agreed rule, the agreed date)."""
        from .deadlines import agreed, deadline

        if self.is_agreed:
            if agreed_on is None:
                raise ValueError("an agreed rule needs the agreed date")
            return agreed(sent_on, agreed_on)
        return deadline(sent_on, self.period, self.unit, closures, roll_forward=self.roll_forward)

    @classmethod
    def for_area(cls, code: str, locality: Locality) -> ResponseDuty:
        """The area's own rule with this code if it has one, else the national rule."""
        rules = {
            d.locality_id: d
            for d in cls.objects.filter(code=code).filter(models.Q(locality=locality) | models.Q(locality__isnull=True))
        }
        return rules.get(locality.pk) or rules[None]


class ClosureDay(models.Model):
    """An extra non-working day (for example a council closure), skipped in working-day counts."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["locality", "date"], name="one_closure_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y}: {self.reason}"

    @classmethod
    def dates_for(cls, locality: Locality) -> list[datetime.date]:
        """The area's closure days, for deadline arithmetic."""
        return list(cls.objects.filter(locality=locality).values_list("date", flat=True))
