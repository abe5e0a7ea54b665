"""Small pieces of the board's pages: variation and assurance icons with words, charts."""

from django import template
from django.utils.html import format_html

from concerns.charts import xmr_svg

register = template.Library()

# The letter inside each Making Data Count style icon; the words beside it carry the meaning.
_ICON_LETTERS = {
    "improving": "↑",
    "concerning": "!",
    "high": "H",
    "low": "L",
    "common": "~",
    "too_few": "…",
    "pass": "P",
    "fail": "F",
    "hit_and_miss": "?",
}

_PRIORITY_TAGS = {
    "on_track": "govuk-tag--green",
    "some_concerns": "govuk-tag--yellow",
    "off_track": "govuk-tag--red",
    "resolved": "govuk-tag--grey",
}


@register.simple_tag
def signal(item):
    """A variation or assurance verdict: an icon (hidden from screen readers) and its words."""
    if item is None:
        return ""
    return format_html(
        '<span class="app-signal"><svg class="app-icon app-icon--{}" viewBox="0 0 30 30" aria-hidden="true" '
        'focusable="false"><circle class="app-icon__ring" cx="15" cy="15" r="12"></circle>'
        '<text class="app-icon__text" x="15" y="15">{}</text></svg>'
        '<span class="govuk-body-s govuk-!-margin-0">{}</span></span>',
        item.code,
        _ICON_LETTERS.get(item.code, "?"),
        item.text,
    )


@register.simple_tag
def priority_status(status: str, label: str):
    return format_html('<strong class="govuk-tag {}">{}</strong>', _PRIORITY_TAGS.get(status, ""), label)


@register.simple_tag
def series_chart(series, ref: str, small: bool = False, large: bool = False):
    if series is None or not series.values:
        return ""
    return xmr_svg(
        series.values,
        series.labels,
        series.title,
        target=series.target,
        ref=ref,
        small=small,
        large=large,
        better=series.better,
    )


@register.filter
def figure(value):
    """A number as a board paper would print it: no trailing .0."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def one_dp(value):
    """One decimal place, rounded as the charts round (so the table and the chart agree)."""
    return f"{value:.1f}" if isinstance(value, (int, float)) else "–"
