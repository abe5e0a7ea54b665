"""Checks on free text that people type or import. Pure: strings in, strings out."""

from __future__ import annotations

import re
import unicodedata

# Characters that silently reverse or embed text direction ("Trojan Source"): embeddings,
# overrides and isolates. The marks right-to-left writing needs (U+200E, U+200F, U+061C) stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_NUL = "\x00"
# Control characters (C0, DEL and C1) other than tab, line feed and carriage return.
_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that carry no meaning at the ends of a value.
_EDGE_INVISIBLES = "\u200b\ufeff\u2060"


class TextProblem(ValueError):
    """A value that cannot be stored; the message says how to fix it."""


def clean_text(value: str, *, label: str, single_line: bool = False) -> str:
    """Normalise typed or imported text, or explain why it cannot be stored.

    Keeps what people typed (HTML included: it is escaped on output) but refuses hidden NUL
    and other control characters (tab and line breaks apart) and direction embeddings,
    overrides and isolates, which can make text display differently from what was stored.
    Zero-width joiners and the right-to-left marks stay: emoji and several scripts need them.
    A one-line value has its line breaks, tabs and runs of spaces made single spaces, so it can
    never carry a line break into an email header.
    """
    if _NUL in value:
        raise TextProblem(f"{label} contains a hidden null character. Remove it and try again.")
    if _BIDI_CONTROLS.search(value):
        raise TextProblem(
            f"{label} contains hidden characters that change the direction of text. "
            "Remove them (retype the text rather than pasting it) and try again."
        )
    if _CONTROLS.search(value):
        raise TextProblem(
            f"{label} contains hidden control characters. "
            "Remove them (retype the text rather than pasting it) and try again."
        )
    value = unicodedata.normalize("NFC", value).strip().strip(_EDGE_INVISIBLES).strip()
    if single_line:
        value = " ".join(value.split())
    else:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula.

    Cells starting with =, +, -, @, tab or carriage return are prefixed with an apostrophe
    (the OWASP advice), so "=HYPERLINK(...)" shows as text instead of becoming a link.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number is data, not a formula: keep it numeric
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def spreadsheet_unescape(text: str) -> str:
    """Undo `spreadsheet_safe`, so that a file exported and imported again says what it said."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def is_plain_number(value: str, *, max_digits: int) -> bool:
    """A whole number as a record id or a year is written: ASCII digits only ("²", "1.5" and
    "-1" are not), and no longer than `max_digits`."""
    return value.isascii() and value.isdigit() and len(value) <= max_digits
