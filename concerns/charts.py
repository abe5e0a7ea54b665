"""Server-rendered SVG charts (no JavaScript; they print). Each has a text alternative, and the
page shows the data in a table beside it."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from . import spc

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 640, 240, 48, 16, 16, 40


def _one_dp(value: float) -> str:
    return f"{value:.1f}"


def xmr_svg(
    values: list[float],
    labels: list[str],
    title: str,
    *,
    target: float | None = None,
    ref: str | None = None,
    small: bool = False,
    large: bool = False,
    better: str | None = None,
) -> str:
    """An XmR chart (a run chart below 12 points): the series, its mean and, once there are 12
    points, the process limits (the lower one no lower than 0 for counts). Special-cause
    points are squares, coloured by whether the change is an improvement (with `better`,
    "lower" or "higher") and named, high and low apart, in the text alternative, so colour is
    never the only signal. `small` draws a sparkline without labels for tables."""
    if not values:
        return ""
    result = spc.xmr(values)
    show_limits = not result.provisional
    lower_limit = result.lower_floored
    top = max(max(values), result.upper if show_limits else 0, target if target is not None else 0) or 1
    bottom = min(0.0, min(values), lower_limit if show_limits else 0, target if target is not None else 0)
    span = (top - bottom) or 1
    width, height = (320, 100) if small else (WIDTH, HEIGHT)
    pad_left, pad_right, pad_top, pad_bottom = (6, 6, 6, 6) if small else (PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM)
    inner_w = width - pad_left - pad_right
    inner_h = height - pad_top - pad_bottom
    step = inner_w / max(len(values) - 1, 1)

    def x(i):
        return pad_left + i * step

    def y(v):
        return pad_top + inner_h * (1 - (v - bottom) / span)

    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    lines = [("app-chart__mean", result.mean, f"Mean {_one_dp(result.mean)}")]
    if show_limits:
        lines += [("app-chart__limit", result.upper, f"Upper limit {_one_dp(result.upper)}")]
        if lower_limit > bottom:
            lines += [("app-chart__limit", lower_limit, f"Lower limit {_one_dp(lower_limit)}")]
    if target is not None:
        lines += [("app-chart__target", target, f"Target {target:g}")]
    special = [i for i, flag in enumerate(result.special_cause) if flag]
    high = [labels[i] for i in special if result.direction[i] > 0]
    low = [labels[i] for i in special if result.direction[i] < 0]
    findings = []
    if high:
        findings.append("unusually high in " + ", ".join(high))
    if low:
        findings.append("unusually low in " + ", ".join(low))
    description = (
        f"{'XmR' if show_limits else 'Run'} chart of {title}: {len(values)} months from {labels[0]} to "
        f"{labels[-1]}, mean {_one_dp(result.mean)}"
        + (
            f", process limits {_one_dp(lower_limit)} to {_one_dp(result.upper)}"
            if show_limits
            else ", limits provisional (fewer than 12 months)"
        )
        + (f", target {target:g}" if target is not None else "")
        + (". Special cause variation: " + "; ".join(findings) if findings else ". No special cause variation")
        + "."
    )

    def kind(i: int) -> str:
        up = result.direction[i] > 0
        if better is None:
            return "neutral"
        return "improving" if up == (better == "higher") else "concerning"

    marks = format_html_join(
        "",
        '<rect class="app-chart__special app-chart__special--{}" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}: {} (special cause, {})</title></rect>",
        (
            (
                kind(i),
                f"{x(i) - (4 if small else 5):.1f}",
                f"{y(values[i]) - (4 if small else 5):.1f}",
                8 if small else 10,
                8 if small else 10,
                labels[i],
                f"{values[i]:g}",
                "high" if result.direction[i] > 0 else "low",
            )
            for i in special
        ),
    )
    dots = format_html_join(
        "",
        '<circle class="app-chart__point" cx="{}" cy="{}" r="3"><title>{}: {}</title></circle>',
        ((f"{x(i):.1f}", f"{y(v):.1f}", labels[i], f"{v:g}") for i, v in enumerate(values) if i not in special),
    )
    rules = format_html_join(
        "",
        '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}"></line>',
        ((cls, pad_left, width - pad_right, f"{y(v):.1f}", f"{y(v):.1f}") for cls, v, _ in lines),
    )
    # Labels go on top of the points, with a white halo (CSS) so a point never hides them.
    rule_labels = format_html_join(
        "",
        '<text class="app-chart__label" x="{}" y="{}">{}</text>',
        ((width - pad_right, f"{y(v) - 4:.1f}", text) for _, v, text in lines) if not small else (),
    )
    axis = format_html_join(
        "",
        '<text class="app-chart__axis" x="{}" y="{}">{}</text>',
        ((pad_left - 6, f"{y(v) + 4:.1f}", f"{v:g}") for v in _axis_values(bottom, top)) if not small else (),
    )
    ticks = format_html_join(
        "",
        '<text class="app-chart__tick" x="{}" y="{}">{}</text>',
        ((f"{x(i):.1f}", height - 12, labels[i]) for i in range(0, len(labels), max(1, len(labels) // 6)) if not small),
    )
    ref = ref or "chart-" + slugify(title)
    return format_html(
        '<svg class="app-chart{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" focusable="false">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}{}'
        '<polyline class="app-chart__line" points="{}"></polyline>{}{}{}</svg>',
        " app-chart--small" if small else (" app-chart--large" if large else ""),
        width,
        height,
        ref,
        ref,
        ref,
        title,
        ref,
        description,
        rules,
        axis,
        ticks,
        points,
        dots,
        marks,
        rule_labels,
    )


def _axis_values(bottom: float, top: float) -> list[float]:
    """Three round values for the vertical axis: the bottom, the middle and the top."""
    mid = (bottom + top) / 2
    digits = 0 if top - bottom >= 10 else 1
    return [round(bottom, digits), round(mid, digits), round(top, digits)]
