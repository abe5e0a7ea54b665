"""Server-rendered SVG charts (no JavaScript; they print). Each has a text alternative, and the
page shows the data in a table beside it."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from . import spc

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 640, 240, 48, 16, 16, 40


def xmr_svg(
    values: list[float],
    labels: list[str],
    title: str,
    *,
    target: float | None = None,
    ref: str | None = None,
    small: bool = False,
) -> str:
    """An XmR chart (a run chart below 12 points): the series, its mean and, once there are 12
    points, the process limits. Special-cause points are drawn larger, as squares, and named
    in the text alternative, so colour is never the only signal."""
    if not values:
        return ""
    result = spc.xmr(values)
    show_limits = not result.provisional
    top = max(max(values), result.upper if show_limits else 0, target if target is not None else 0) or 1
    bottom = min(0.0, min(values), result.lower if show_limits else 0, target if target is not None else 0)
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
    lines = [("app-chart__mean", result.mean, f"Mean {result.mean:.1f}")]
    if show_limits:
        lines += [("app-chart__limit", result.upper, f"Upper limit {result.upper:.1f}")]
        if result.lower > bottom:
            lines += [("app-chart__limit", result.lower, f"Lower limit {result.lower:.1f}")]
    if target is not None:
        lines += [("app-chart__target", target, f"Target {target:g}")]
    special = [i for i, flag in enumerate(result.special_cause) if flag]
    description = (
        f"{'XmR' if show_limits else 'Run'} chart of {title}: {len(values)} months from {labels[0]} to "
        f"{labels[-1]}, mean {result.mean:.1f}"
        + (
            f", process limits {result.lower:.1f} to {result.upper:.1f}"
            if show_limits
            else ", limits provisional (fewer than 12 months)"
        )
        + (". Special cause in " + ", ".join(labels[i] for i in special) if special else ". No special cause variation")
        + "."
    )
    marks = format_html_join(
        "",
        '<rect class="app-chart__special" x="{}" y="{}" width="10" height="10"><title>{}: {} (special cause)</title></rect>',
        ((f"{x(i) - 5:.1f}", f"{y(values[i]) - 5:.1f}", labels[i], f"{values[i]:g}") for i in special),
    )
    dots = format_html_join(
        "",
        '<circle class="app-chart__point" cx="{}" cy="{}" r="3"><title>{}: {}</title></circle>',
        ((f"{x(i):.1f}", f"{y(v):.1f}", labels[i], f"{v:g}") for i, v in enumerate(values) if i not in special),
    )
    label = "" if small else '<text class="app-chart__label" x="{}" y="{}">{}</text>'
    rules = format_html_join(
        "",
        '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}"></line>' + label,
        (
            (
                cls,
                pad_left,
                width - pad_right,
                f"{y(v):.1f}",
                f"{y(v):.1f}",
                *(() if small else (width - pad_right, f"{y(v) - 4:.1f}", text)),
            )
            for cls, v, text in lines
        ),
    )
    ticks = format_html_join(
        "",
        '<text class="app-chart__tick" x="{}" y="{}">{}</text>',
        ((f"{x(i):.1f}", height - 12, labels[i]) for i in range(0, len(labels), max(1, len(labels) // 6)) if not small),
    )
    ref = ref or "chart-" + slugify(title)
    return format_html(
        '<svg class="app-chart{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" focusable="false">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}<polyline class="app-chart__line" points="{}"></polyline>{}{}</svg>',
        " app-chart--small" if small else "",
        width,
        height,
        ref,
        ref,
        ref,
        title,
        ref,
        description,
        rules,
        ticks,
        points,
        dots,
        marks,
    )
