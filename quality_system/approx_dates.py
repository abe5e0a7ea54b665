"""Dates people remember roughly: an exact day, a month and year, or "about" a day.

A date is stored as a `datetime.date` plus its precision. For a month, the date is the first
day of that month. Pure functions: no ORM, no forms.

One written form serves files (exports and imports) and is read back exactly:
- an exact day: 2026-03-04 (imports also accept 04/03/2026)
- a month and year: 2026-03 (imports also accept 03/2026)
- about a day: ~2026-03-04 (imports also accept ~04/03/2026 and "about 04/03/2026")
"""

from __future__ import annotations

import datetime
import re

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Exact day"
    MONTH = "month", "Month and year"
    ABOUT = "about", "About this day"


EARLIEST_YEAR = 1900
_ABOUT = re.compile(r"^(~|about\s+|approx(imately)?\s+|c\.?\s*)", re.I)
_MONTH_FORMATS = ("%Y-%m", "%m/%Y")
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def start_of(value: datetime.date, precision: str) -> datetime.date:
    """The date as stored: the first of the month for a month, the day itself otherwise."""
    return value.replace(day=1) if precision == Precision.MONTH else value


def described(value: datetime.date | None, precision: str) -> str:
    """For people: '4 March 2026', 'March 2026' or 'about 4 March 2026'."""
    if value is None:
        return ""
    if precision == Precision.MONTH:
        return f"{value:%B %Y}"
    day = f"{value.day} {value:%B %Y}"
    return f"about {day}" if precision == Precision.ABOUT else day


def written(value: datetime.date | None, precision: str) -> str:
    """For files: '2026-03-04', '2026-03' or '~2026-03-04'."""
    if value is None:
        return ""
    if precision == Precision.MONTH:
        return f"{value:%Y-%m}"
    return ("~" if precision == Precision.ABOUT else "") + value.isoformat()


def read(text: str) -> tuple[datetime.date | None, str]:
    """The date and precision a file's cell says ("" is no date). A ValueError's message says
    how to fix the cell, to follow the cell's name and value ("Date it happened ‘x’ must be…")."""
    text = text.strip()
    if not text:
        return None, Precision.DAY
    about = _ABOUT.match(text)
    rest = text[about.end() :].strip() if about else text
    formats = [(f, Precision.ABOUT if about else Precision.DAY) for f in _DAY_FORMATS]
    if not about:
        formats += [(f, Precision.MONTH) for f in _MONTH_FORMATS]
    for fmt, precision in formats:
        try:
            found = datetime.datetime.strptime(rest, fmt).date()
        except ValueError:
            continue
        if found.year < EARLIEST_YEAR:
            raise ValueError(f"must be in {EARLIEST_YEAR} or later")
        return found, precision
    raise ValueError("must be a day like 2026-03-04, a month like 2026-03, or about a day like ~2026-03-04")
