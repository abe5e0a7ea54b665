"""How the charts and icons look, written into each drawing as presentation attributes:
WeasyPrint (the board pack's PDF) does not apply a stylesheet's `fill`, `stroke` or
`text-anchor` to SVG, so the drawing itself must say them to look the same on screen, in the
browser's print and in the PDF (issue #15)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

FONT = "Arial, Helvetica, sans-serif"

# GOV.UK Frontend colours, written into the drawing (a stylesheet cannot reach it in the PDF).
PALETTE = {
    "text": "#0b0c0c",
    "secondary": "#505a5f",
    "series": "#1d70b8",
    "target": "#00703c",
    "neutral": "#4c2c92",
    "improving": "#1d70b8",
    "concerning": "#b35c00",
    "concerning-text": "#8a4700",
    "white": "#ffffff",
}

# Each rule across the chart: (stroke, stroke width, dash pattern or "").
RULE_STYLES = {
    "mean": (PALETTE["secondary"], "1.5", ""),
    "limit": (PALETTE["secondary"], "1.5", "6 4"),
    "target": (PALETTE["target"], "2", "2 3"),
}

# The vertical line where a recorded change starts a new period: (stroke, width, dash).
BREAK_STYLE = (PALETTE["text"], "1.5", "3 2")


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in Arial (no font metrics on the server): wide
    enough that a label placed by it is never cut."""
    narrow, wide = set("ijlrtfI.,:;'!|() "), set("mwMW@%")
    ems = sum(0.32 if c in narrow else 0.9 if c in wide else 0.72 if c.isupper() else 0.58 for c in text)
    return ems * size


# ---------------------------------------------------------------- icons

# Making Data Count style icons: (letter, ring colour, letter colour). The words beside each
# icon carry the meaning; the icon is hidden from screen readers.
ICONS = {
    "improving": ("↑", PALETTE["improving"], PALETTE["improving"]),
    "concerning": ("!", PALETTE["concerning"], PALETTE["concerning-text"]),
    "high": ("H", PALETTE["neutral"], PALETTE["neutral"]),
    "low": ("L", PALETTE["neutral"], PALETTE["neutral"]),
    "common": ("~", PALETTE["secondary"], PALETTE["text"]),
    "too_few": ("…", PALETTE["secondary"], PALETTE["text"]),
    "pass": ("P", PALETTE["improving"], PALETTE["improving"]),
    "fail": ("F", PALETTE["concerning"], PALETTE["concerning-text"]),
    "hit_and_miss": ("?", PALETTE["secondary"], PALETTE["text"]),
}


def icon_svg(code: str) -> SafeString:
    """A variation or assurance icon: a white disc with a coloured ring and letter."""
    letter, ring, ink = ICONS.get(code, ("?", PALETTE["secondary"], PALETTE["text"]))
    return format_html(
        '<svg class="app-icon app-icon--{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 30" '
        'aria-hidden="true" focusable="false">'
        '<circle class="app-icon__ring" cx="15" cy="15" r="12" fill="{}" stroke="{}" stroke-width="3"></circle>'
        '<text class="app-icon__text" x="15" y="20" font-family="{}" font-size="14" font-weight="bold" '
        'fill="{}" text-anchor="middle">{}</text></svg>',
        code,
        PALETTE["white"],
        ring,
        FONT,
        ink,
        letter,
    )
