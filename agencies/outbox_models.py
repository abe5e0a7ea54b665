"""The notification outbox and single-use signed links (tables of the agencies app)."""

from __future__ import annotations

from django.db import models

from .models import Locality, User


class Notification(models.Model):
    """One outbox message, written in the same transaction as the change that causes it.

    A unique dedupe key (kind, target, stage) stops a second sweep adding a duplicate. A worker
    claims a row (pending → sending) to send it; a sweep resends expired claims. A link that lets
    someone in is made at send time from `link_recipe`, never stored (agencies.outbox_links).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        HELD = "held", "Held for the daily email"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        INBOX = "inbox", "Inbox"

    dedupe_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    urgent = models.BooleanField(default=False)
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    to_email = models.EmailField(blank=True)
    to_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    link_recipe = models.JSONField(default=dict, blank=True)
    # Extra mail headers, such as List-Unsubscribe on the emails people get about their experience.
    headers = models.JSONField(default=dict, blank=True)
    related_type = models.CharField(max_length=40, blank=True)
    related_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    possible_duplicate = models.BooleanField(
        default=False, help_text="A worker stopped mid-send; this may have been sent once already."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: what is due to send, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            # An alert's page lists the messages sent about it.
            models.Index(fields=["related_type", "related_id"], name="outbox_related"),
            # A person's inbox, newest first.
            models.Index(fields=["user", "channel", "-created_at"], name="outbox_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to_email or self.user}: {self.subject}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a resent email is recognised as the same message."""
        return f"<notification-{self.pk}@quality-system>"


class SignedLink(models.Model):
    """A single-use, expiring link bound to one purpose and one record (for example one alert
    recipient). Only a hash of the token is stored."""

    purpose = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["purpose", "object_id"], name="signed_link_target")]

    def __str__(self) -> str:
        return f"Link for {self.purpose} {self.object_id}"
