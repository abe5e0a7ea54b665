"""Making, reading and finding the references people are given (``NR-4K7Q-2P``).

The letters after the area's two-letter prefix come from the operating system's random source
in Crockford's base 32 (no I, L, O or U, so nothing is misread); six of them give about a
thousand million possibilities per area, and looking one up is rate-limited.
"""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, transaction

from agencies.models import Locality

from .models import Concern
from .people_models import PersonReference

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(r"^([A-Z]{2})([0-9A-Z]{6})$")


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
    canonical = normalise(typed)
    if canonical is None:
        return None
    found = PersonReference.objects.select_related("concern").filter(reference=canonical).first()
    return found.concern if found else None
