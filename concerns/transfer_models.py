"""People's details after a handover (issue 17, item 1): local Healthwatch is the data controller
for what people told it, so a successor sees their experiences de-identified until the transfer
of the personal details is recorded (`DetailsTransfer`) by the outgoing Healthwatch's own
administrator, or, once it has closed, by the area's administrator under a statutory transfer
scheme. Until then the details are sealed (`concerns.seals`); sealed details are destroyed at the
end of the area's retention period (`SealRetention`), each destruction recorded
(`SealDestruction`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.handover_models import HandoverPlan
from agencies.models import Body, Locality

DEFAULT_RETENTION_DAYS = 6 * 365


class DetailsTransfer(models.Model):
    """The personal details collected by `from_body` pass to `to_body` (for the experiences of
    the part it now holds), under a transfer scheme, with a privacy notice given to people."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+", verbose_name="area")
    plan = models.ForeignKey(HandoverPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name="from")
    to_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name="to")
    scheme_reference = models.CharField("transfer scheme reference", max_length=200)
    privacy_notice = models.TextField("privacy notice given to people", max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["locality", "from_body", "to_body"], name="one_details_transfer_per_pair"),
        ]

    def __str__(self) -> str:
        return f"Personal details from {self.from_body} to {self.to_body} ({self.scheme_reference})"


class SealRetention(models.Model):
    """How long the area keeps sealed personal details before they are destroyed."""

    locality = models.OneToOneField(Locality, on_delete=models.CASCADE, related_name="+", verbose_name="area")
    days = models.PositiveIntegerField("keep sealed details for (days)", default=DEFAULT_RETENTION_DAYS)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Sealed details in {self.locality} kept {self.days} days"


class SealDestruction(models.Model):
    """Sealed personal details and narratives blanked at the end of the retention period."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+", verbose_name="area")
    from_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    sealed_since = models.DateField()
    experiences = models.PositiveIntegerField(default=0)
    contacts = models.PositiveIntegerField("personal details blanked", default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.contacts} sealed personal details of {self.from_body} destroyed on {self.at:%-d %B %Y}"
