"""Which listed service a person probably meant by the name they typed (pure: no ORM).

A suggestion only: the officer reviewing the submission confirms it or chooses another. Names
are compared after normalising (case, punctuation, "&", "St"/"Saint", common filler words),
first exactly, then by the share of three-letter pieces they have in common among the services
that share at least one word with what was typed.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable

# Words that say what kind of place it is, not which one: a match on these alone means nothing.
FILLER = {"the", "and", "of", "at", "nhs", "trust", "foundation", "hospital", "hospitals", "surgery", "practice"}
FILLER |= {"medical", "centre", "center", "health", "care", "home", "ltd", "limited", "group", "services"}
THRESHOLD = 0.45  # below this share of pieces in common, no suggestion is better than a wrong one


@dataclasses.dataclass(frozen=True)
class Match:
    service_id: int
    name: str
    score: float  # 0 to 1; 1 when the names are the same once normalised
    exact: bool


def normalise(name: str) -> str:
    text = name.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"\bst\b\.?", "saint", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("'", ""))
    return " ".join(text.split())


def _words(normal: str) -> set[str]:
    return {w for w in normal.split() if w not in FILLER and len(w) > 1}


def _trigrams(normal: str) -> set[str]:
    padded = f"  {normal} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class ServiceIndex:
    """The area's services, indexed once per page so each suggestion costs a few comparisons."""

    def __init__(self, services: Iterable[tuple[int, str]]):
        self.names: dict[int, str] = {}
        self.exact: dict[str, int] = {}
        self.grams: dict[int, set[str]] = {}
        self.by_word: dict[str, set[int]] = defaultdict(set)
        for pk, name in services:
            normal = normalise(name)
            self.names[pk] = name
            self.exact.setdefault(normal, pk)
            self.grams[pk] = _trigrams(normal)
            for word in _words(normal):
                self.by_word[word].add(pk)

    def suggest(self, typed: str) -> Match | None:
        """The most likely listed service for what was typed, or None when nothing is close."""
        normal = normalise(typed)
        if not normal:
            return None
        if normal in self.exact:
            pk = self.exact[normal]
            return Match(pk, self.names[pk], 1.0, exact=True)
        candidates = set().union(*(self.by_word.get(w, set()) for w in _words(normal))) if _words(normal) else set()
        grams = _trigrams(normal)
        scored = sorted(((_similarity(grams, self.grams[pk]), self.names[pk], pk) for pk in candidates), reverse=True)
        if not scored or scored[0][0] < THRESHOLD:
            return None
        score, name, pk = scored[0]
        return Match(pk, name, round(score, 2), exact=False)
