"""The reference a person is given for what they shared (tables of the concerns app).

A reference such as ``NR-4K7Q-2P`` is short, easy to read aloud and unguessable: it is not
derived from the internal number, so knowing one reference tells nobody anything about another.
"""

from __future__ import annotations

from django.db import models

from .models import Concern


class PersonReference(models.Model):
    """One per concern: what the person can quote, and look up, to follow what happened."""

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="person_reference")
    reference = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "reference for the person"

    def __str__(self) -> str:
        return self.reference


from .updates_models import FollowUp, UpdatesWish  # noqa: E402,F401 - hearing back, and the follow-up
