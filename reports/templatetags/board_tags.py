"""Small pieces of the board's pages: variation and assurance icons with words, charts."""

from django import template
from django.utils.html import format_html

from concerns.chart_style import icon_svg
from concerns.charts import xmr_svg

register = template.Library()

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
        '<span class="app-signal">{}<span class="govuk-body-s govuk-!-margin-0">{}</span></span>',
        icon_svg(item.code),
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
        marks=series.marks,
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
