"""The record of a safeguarding referral: a concern flagged as safeguarding is referred the same
day to the council's adult or children's safeguarding team (tables of the concerns app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Body

from .models import Concern


class SafeguardingReferral(models.Model):
    """To whom, when, how and by whom a safeguarding concern was referred, the team's reference,
    and the outcome when the team says. Informing commissioners by alert is not the referral."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Secure email"
        ONLINE = "online", "The team's online form"
        IN_PERSON = "in_person", "In person"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="safeguarding_referrals")
    to_body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="safeguarding_referrals", verbose_name="referred to"
    )
    referred_on = models.DateField("date referred")
    method = models.CharField("how it was referred", max_length=10, choices=Method.choices)
    their_reference = models.CharField("the team's reference", max_length=60, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField("what the team told us", max_length=3000, blank=True)
    outcome_on = models.DateField("date we were told the outcome", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.concern.reference} referred to {self.to_body} on {self.referred_on:%-d %B %Y}"
