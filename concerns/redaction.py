"""Suggest a shareable summary from a narrative: obvious identifiers marked for removal.

Pure functions, no database. They catch only the obvious: names after a title (Mr, Mrs, Dr,
Nurse…), phone numbers, email addresses, NHS numbers, full postcodes and dates of birth.
A name with no title, a ward or a room is not caught, so Healthwatch staff read and edit every
suggestion before approving it.
"""

from __future__ import annotations

import dataclasses
import re

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}})"
_NAME_WORD = r"[A-Z](?:[a-z]|['’][A-Z])[A-Za-z'’-]*"


@dataclasses.dataclass(frozen=True)
class Rule:
    kind: str  # in words, for messages: "a phone number"
    marker: str
    pattern: re.Pattern[str]
    group: int = 0  # the part of the match to replace (a title before a name is kept)


RULES = [
    Rule(
        "an email address",
        "[email removed]",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    Rule(
        "a date of birth",
        "[date of birth removed]",
        re.compile(rf"(?i:\b(?:date of birth|d\.?o\.?b\.?|born(?: on)?))(?:\s*[:\-]|\s+(?:is|was))?\s*({_DATE})"),
        group=1,
    ),
    # NHS numbers are ten digits, written 3-3-4, and never start with 0 (phone numbers do).
    Rule(
        "an NHS number",
        "[NHS number removed]",
        re.compile(r"(?<![\d+])[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?!\d)"),
    ),
    Rule(
        "a phone number",
        "[phone number removed]",
        re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[ -]?\d){8,9}(?!\d)"),
    ),
    Rule(
        "a postcode",
        "[postcode removed]",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"),
    ),
    Rule(
        "a name",
        "[name removed]",
        re.compile(
            r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|(?i:doctor|professor|nurse|sister|matron))\.?\s+"
            rf"({_NAME_WORD}(?:\s+{_NAME_WORD})?)"
        ),
        group=1,
    ),
]


@dataclasses.dataclass(frozen=True)
class Found:
    kind: str
    text: str
    marker: str = ""


def find_identifiers(text: str) -> list[Found]:
    """Every obvious identifier in the text, in the order of RULES."""
    found = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            found.append(Found(rule.kind, match.group(rule.group), rule.marker))
        text = _mark(rule, text)  # so a later rule does not find part of an earlier one
    return found


def _mark(rule: Rule, text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        start, end = match.span(rule.group)
        whole_start = match.start()
        return match.group(0)[: start - whole_start] + rule.marker + match.group(0)[end - whole_start :]

    return rule.pattern.sub(replace, text)


def suggest_summary(narrative: str) -> str:
    """The narrative with each obvious identifier replaced by a marker like [name removed]."""
    text = narrative.strip()
    for rule in RULES:
        text = _mark(rule, text)
    return text
