"""Making, reading and finding the references people are given (``NR-4K7Q-2P``).

The letters after the area's two-letter prefix come from the operating system's random source
in Crockford's base 32 (no I, L, O or U, so nothing is misread); six of them give about a
thousand million possibilities per area, and looking one up is rate-limited.
"""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse

from agencies.models import Locality, User
from agencies.notifications import notify

from . import access
from .models import Concern
from .people_models import PersonReference

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(r"^([A-Z]{2})([0-9A-Z]{6})$")
# Looked up when what was typed cannot be a reference, so a malformed one costs the same
# indexed query as an unknown one ("!" is never in a reference).
_NEVER = "!!-!!!!-!!"


def area_prefix(locality: Locality) -> str:
    """Two capital letters for the area: the initials of a two-word name, otherwise the first
    letter and the last consonant (Northmoor → NR, Eastvale → EL, Westshire → WR)."""
    words = [w for w in re.split(r"[^A-Za-z]+", locality.name) if w]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    name = (words[0] if words else "XX").upper()
    consonants = [c for c in name[1:] if c not in "AEIOUY"]
    return name[0] + (consonants[-1] if consonants else name[-1])


def new_reference(locality: Locality) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{area_prefix(locality)}-{body[:4]}-{body[4:]}"


def normalise(typed: str) -> str | None:
    """The canonical form of what someone typed (spaces, dashes and case forgiven, O read as 0,
    I and L as 1), or None when it cannot be a reference at all."""
    squashed = re.sub(r"[\s\-]+", "", (typed or "")[:40]).upper()
    if len(squashed) != 8:
        return None
    squashed = squashed[:2] + squashed[2:].translate(_MISREAD)
    match = _SHAPE.match(squashed)
    if match is None or any(c not in ALPHABET for c in match.group(2)):
        return None
    prefix, body = match.groups()
    return f"{prefix}-{body[:4]}-{body[4:]}"


def reference_for(concern: Concern) -> str:
    """The concern's reference, made now if it has none (records imported in bulk get theirs
    the first time anyone needs it)."""
    existing = PersonReference.objects.filter(concern=concern).values_list("reference", flat=True).first()
    if existing:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return PersonReference.objects.create(
                    concern=concern, reference=new_reference(concern.locality)
                ).reference
        except IntegrityError:  # a clash of random references, or a second request made it first
            existing = PersonReference.objects.filter(concern=concern).values_list("reference", flat=True).first()
            if existing:
                return existing
    raise RuntimeError("Could not make a unique reference")  # pragma: no cover - 5 clashes in 10^9


def concern_by_reference(typed: str) -> Concern | None:
    """The concern a typed reference names, or None (mistyped, unknown or malformed alike)."""
    canonical = normalise(typed) or _NEVER
    found = PersonReference.objects.select_related("concern", "concern__locality").filter(reference=canonical).first()
    return found.concern if found else None


def concern_for_staff(user: User, locality: Locality, typed: str) -> Concern | None:
    """The concern a person's reference names, for staff finding it in an area: only one
    recorded in this area and only for someone who may see people's references there
    (concerns.access), otherwise None, as for an unknown reference."""
    if normalise(typed) is None:
        return None
    concern = concern_by_reference(typed)
    if concern is None or concern.locality_id != locality.pk:
        return None
    return concern if access.can_see_person_reference(user, concern) else None


def confirmation_queue(*, concern: Concern, email: str, name: str = "") -> bool:
    """Email the person who shared the experience their reference, once (deduplicated by the
    concern), through the outbox, in the caller's transaction. Never repeats what they wrote.
    True when the message is new."""
    reference = reference_for(concern)
    collector = concern.collecting_body.name
    body = (
        f"Thank you for sharing your experience with {collector}.\n\n"
        f"Your reference is {reference}\n\n"
        "Keep this reference: you can use it to see what happened to your experience. "
        f"{collector} will read it and use it to help services in {concern.locality.name} improve. "
        "If you asked them to contact you, they will be in touch.\n\n"
        "This email does not repeat what you told us, to keep it private. "
        "See what happened at any time:"
    )
    row = notify(
        kind="share-confirmation",
        key=f"concern-{concern.pk}",
        subject=f"Your reference is {reference}",
        body=body,
        to_email=email,
        to_name=name,
        urgent=True,
        locality=concern.locality,
        related=("concern", concern.pk),
        link=reverse("public-track-reference", args=[reference]),
    )
    return row is not None
