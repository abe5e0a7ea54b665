"""Links that let someone in (answer links, set-password links) are made when a message is
sent, never stored with it.

An outbox row keeps a *recipe* for its link and a random slot in its body where the link goes.
Each time the row is sent, a fresh link is made and put in the email that leaves; the stored body
keeps only the slot. So nothing in the database can be used to answer for a body or set someone's
password, before or after sending, and a message sent again after a worker died mid-send (a
possible duplicate) carries a new link that works. A link made for an attempt that failed is
never seen by anyone and simply expires.

Bodies written before this change carried the link itself: `scrub` takes such links out once the
message has been sent.
"""

from __future__ import annotations

import dataclasses
import re
import secrets

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from quality_system.site import absolute_url

from .links import link_issue
from .models import User

# Answer links (/respond/…/<token>/) and set-password links (/accounts/password/reset/<uid>/<token>/).
BEARER_LINK = re.compile(
    r"(?:https?://[^\s/]+)?/(?:respond/\S+?/[\w-]{20,}|accounts/password/reset/[\w-]+/[\w-]+-[\w]+)/"
)
REMOVED = "[link removed once sent]"


def new_slot() -> str:
    """A place-holder for a link in a stored body; random, so no text a person typed into the
    message can contain it."""
    return f"[single-use link {secrets.token_hex(8)}]"


@dataclasses.dataclass(frozen=True)
class AnswerLink:
    """A single-use link by which a body without an account answers (agencies.links)."""

    purpose: str
    object_id: int
    url_name: str
    url_args: tuple = ()  # the URL's arguments before the token
    invitation: str = "Respond without signing in (the link works once):"
    days: int | None = None
    slot: str = dataclasses.field(default_factory=new_slot)

    def recipe(self) -> dict:
        return {
            "kind": "answer",
            "slot": self.slot,
            "purpose": self.purpose,
            "object_id": self.object_id,
            "url_name": self.url_name,
            "url_args": list(self.url_args),
            "days": self.days,
        }


@dataclasses.dataclass(frozen=True)
class SetPasswordLink:
    """A link to set a password (an invitation or a reset), made with Django's token generator:
    it stops working once the password is set, and after PASSWORD_RESET_TIMEOUT."""

    user_id: int
    slot: str = dataclasses.field(default_factory=new_slot)

    def recipe(self) -> dict:
        return {"kind": "set-password", "slot": self.slot, "user_id": self.user_id}


def _make(recipe: dict) -> str:
    if recipe["kind"] == "answer":
        token = link_issue(purpose=recipe["purpose"], object_id=recipe["object_id"], days=recipe["days"])
        return absolute_url(reverse(recipe["url_name"], args=[*recipe["url_args"], token]))
    user = User.objects.get(pk=recipe["user_id"])
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def body_to_send(body: str, recipe: dict) -> str:
    """The body as it leaves: the slot replaced by a link made now."""
    if not recipe:
        return body
    return body.replace(recipe["slot"], _make(recipe))


def scrub(body: str) -> str:
    """A stored body without any usable link (for bodies written before links had recipes)."""
    return BEARER_LINK.sub(REMOVED, body)
