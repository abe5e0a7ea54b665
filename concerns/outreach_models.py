"""Event codes: a Healthwatch officer issues one for a stall or event, for one area and one day.
With it, the public form stops counting per network address (a stall's visitors share one
Wi-Fi connection); a ceiling per code and day still stops a leaked code flooding the form."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from agencies.models import Body, Locality

# Easy to read aloud and type: no 0/O, 1/I/L. 31 symbols, 8 of them: about 850 billion codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def normalised_code(text: str) -> str:
    """What someone typed, as stored: capitals, without spaces or dashes."""
    return "".join(c for c in text.upper() if c.isalnum())


class EventCode(models.Model):
    """A code for one area and one day, who issued it, and who withdrew it (if anyone did)."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name="issued for")
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    valid_on = models.DateField("day it works")
    event = models.CharField("event or place", max_length=100, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_on", "-issued_at"]
        # The codes page lists an area's codes by day.
        indexes = [models.Index(fields=["locality", "-valid_on"], name="event_code_area_day")]

    def __str__(self) -> str:
        return f"Event code {self.shown} for {self.valid_on:%-d %B %Y}"

    @property
    def shown(self) -> str:
        """As people read it: ABCD-EFGH."""
        return f"{self.code[:4]}-{self.code[4:]}"

    def works_on(self, day: datetime.date) -> bool:
        """A code works only on its day, and not once withdrawn."""
        return self.withdrawn_at is None and self.valid_on == day
