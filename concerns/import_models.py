"""An upload of experiences to import (CSV or Excel), and the report of its check and import."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from agencies.models import Body, Locality


class ImportJob(models.Model):
    """A CSV or Excel upload: validated in full first, then imported all or nothing, in the background."""

    class State(models.TextChoices):
        VALIDATING = "validating", "Checking the file"
        INVALID = "invalid", "Problems found"
        READY = "ready", "Ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Deleted before import"

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    collecting_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Emptied when the upload is deleted (concerns/import_files.py); the report below is kept.
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_bytes = models.PositiveBigIntegerField(default=0, help_text="The upload's size, for the area's storage cap.")
    original_name = models.CharField(max_length=255)
    state = models.CharField(max_length=12, choices=State.choices, default=State.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField("rows added", default=0)
    # Rows whose reference names an experience already here: changed, or already the same.
    updated_rows = models.PositiveIntegerField("rows updated", default=0)
    unchanged_rows = models.PositiveIntegerField("rows unchanged", default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField("rows with problems", default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first problems: [row, column, message].")
    failure = models.CharField(max_length=500, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="What the import ignored, and why.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker started the current step.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_name}"

    def save(self, *args, **kwargs):
        # A message longer than its column would fail to save on PostgreSQL and leave the job
        # unfinished for ever: shorten it instead.
        limit = self._meta.get_field("failure").max_length
        if len(self.failure) > limit:
            self.failure = self.failure[: limit - 1] + "…"
        super().save(*args, **kwargs)

    def is_finished(self) -> bool:
        """Nothing more will happen without someone acting."""
        return self.state != self.State.VALIDATING and self.state != self.State.IMPORTING

    def problems_not_shown(self) -> int:
        return max(self.error_count - len(self.errors), 0)
