"""Server-rendered SVG charts (no JavaScript; they print). Each chart has a text
alternative, and the page shows the data in a table beside it.

One drawing for three media (issue #15): the screen, the browser's print and the WeasyPrint
PDF. WeasyPrint does not apply a stylesheet's `fill`, `stroke` or `text-anchor` to SVG, so
everything the drawing needs is written into it as presentation attributes (colours from
`chart_style.PALETTE`), and every label is placed inside the drawing's viewBox: the right margin is as
wide as the longest limit label. The stylesheets only size the drawing on the page.

A chart is drawn by `STEPS`, small functions in drawing order, each taking the `Chart` plan
(scales, lines, points) and returning its SVG: to add a layer (a break, an annotation), write
a step and put it in the list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from . import chart_text, spc
from .chart_style import BREAK_STYLE, FONT, PALETTE, RULE_STYLES, text_width

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 640, 240, 48, 16, 16, 40
SMALL_WIDTH, SMALL_HEIGHT, SMALL_PAD = 320, 100, 6
LABEL_SIZE, AXIS_SIZE, LABEL_GAP, NOTE_SIZE = 12, 11, 6, 4


def _one_dp(value: float) -> str:
    return f"{value:.1f}"


@dataclasses.dataclass(frozen=True)
class Rule:
    """A level drawn across the months `start` to `end` (exclusive; `end` None for the last):
    the latest period's rules run to the right margin and are labelled there; an earlier
    period's stop at the next break and are named only in their <title>."""

    kind: str  # a key of RULE_STYLES
    value: float
    text: str
    start: int = 0
    end: int | None = None

    @property
    def labelled(self) -> bool:
        return self.end is None


@dataclasses.dataclass(frozen=True)
class Chart:
    """Everything a step needs to draw: the figures, the SPC result and the scales."""

    values: list[float]
    labels: list[str]
    result: spc.XmRResult
    rules: list[Rule]
    better: str | None
    small: bool
    marks: Marks
    width: float
    height: float
    pad_left: float
    pad_right: float
    pad_top: float
    pad_bottom: float
    bottom: float
    top: float

    def x(self, i: int) -> float:
        step = (self.width - self.pad_left - self.pad_right) / max(len(self.values) - 1, 1)
        return self.pad_left + i * step

    def y(self, value: float) -> float:
        inner = self.height - self.pad_top - self.pad_bottom
        return self.pad_top + inner * (1 - (value - self.bottom) / ((self.top - self.bottom) or 1))

    def break_x(self, i: int) -> float:
        """Where a period starting at month `i` begins: halfway from the month before."""
        return (self.x(i - 1) + self.x(i)) / 2 if i > 0 else self.pad_left

    def span(self, rule: Rule) -> tuple[float, float]:
        """The left and right ends of a rule: its period's months, from break to break."""
        right = self.width - self.pad_right if rule.end is None else self.break_x(rule.end)
        return self.break_x(rule.start), right

    @property
    def special(self) -> list[int]:
        """Months drawn as special cause: none in a period too short to judge (a run chart)."""
        short = [p for p in self.result.periods if len(p) < self.result.min_points]
        return [
            i
            for i, flag in enumerate(self.result.special_cause)
            if flag and not any(p.start <= i < p.end for p in short)
        ]

    def kind(self, i: int) -> str:
        """How a special-cause point reads: improving, concerning, or neutral without `better`."""
        if self.better is None:
            return "neutral"
        return "improving" if (self.result.direction[i] > 0) == (self.better == "higher") else "concerning"


@dataclasses.dataclass(frozen=True)
class Marks:
    """What a chart draws beside the numbers: period starts and notes, by index."""

    changes: tuple[int, ...] = ()
    notes: dict[int, list[str]] = dataclasses.field(default_factory=dict)
    change_reasons: dict[int, str] = dataclasses.field(default_factory=dict)


# ---------------------------------------------------------------- the plan

PADS = ("pad_left", "pad_right", "pad_top", "pad_bottom")


def tick_indexes(count: int) -> range:
    """The months named along the bottom: about six, from the first."""
    return range(0, count, max(1, count // 6))


def _period_rules(result: spc.XmRResult, period: spc.Period, floor: float) -> list[Rule]:
    """A period's mean and, once it has enough points, its process limits (the lower one only
    above the chart's floor), drawn across its own months."""
    end = None if period is result.latest else period.end
    span = {"start": period.start, "end": end}
    rules = [Rule("mean", period.mean, f"Mean {_one_dp(period.mean)}", **span)]
    if len(period) >= result.min_points:
        rules.append(Rule("limit", period.upper, f"Upper limit {_one_dp(period.upper)}", **span))
        lower = result.floored(period)
        if lower > floor:
            rules.append(Rule("limit", lower, f"Lower limit {_one_dp(lower)}", **span))
    return rules


def _rules(result: spc.XmRResult, target: float | None) -> list[Rule]:
    """Each period's mean and limits (one period unless changes are recorded), latest last so
    its labels are placed in the margin; and the target across the whole chart."""
    floor = min(0.0, *result.values, target if target is not None else 0.0)
    rules = [rule for period in result.periods for rule in _period_rules(result, period, floor)]
    if target is not None:
        rules.append(Rule("target", target, f"Target {target:g}"))
    return rules


def plan(
    values: list[float],
    labels: list[str],
    *,
    target: float | None,
    better: str | None,
    small: bool,
    marks: Marks | None = None,
) -> Chart:
    """The scales: the vertical range covers the figures, limits and target; the margins are
    wide enough for the axis values on the left and the rule labels on the right. `marks` are
    the recorded changes (limits are computed per period between them) and notes."""
    marks = marks or Marks()
    result = spc.xmr(values, changes=marks.changes, min_points=settings.SPC_MIN_POINTS)
    rules = _rules(result, target)
    top = max([*values, *(r.value for r in rules), 0]) or 1
    bottom = min([0.0, *values, *(r.value for r in rules)])
    common = {"values": values, "labels": labels, "result": result, "rules": rules, "better": better, "marks": marks}
    common |= {"bottom": bottom, "top": top, "small": small}
    if small:
        return Chart(**common, width=SMALL_WIDTH, height=SMALL_HEIGHT, **dict.fromkeys(PADS, SMALL_PAD))
    axis_width = max(text_width(f"{v:g}", AXIS_SIZE) for v in _axis_values(bottom, top))
    label_width = max(text_width(r.text, LABEL_SIZE) for r in rules if r.labelled)
    last_tick = labels[tick_indexes(len(labels))[-1]]
    pad_right = max(PAD_RIGHT, label_width + 2 * LABEL_GAP, text_width(last_tick, LABEL_SIZE) / 2 + LABEL_GAP)
    pad_left = max(PAD_LEFT, axis_width + 2 * LABEL_GAP, text_width(labels[0], LABEL_SIZE) / 2 + LABEL_GAP)
    pads = {"pad_left": pad_left, "pad_right": pad_right, "pad_top": PAD_TOP, "pad_bottom": PAD_BOTTOM}
    return Chart(**common, width=WIDTH, height=HEIGHT, **pads)


# ---------------------------------------------------------------- the steps, in drawing order


def _rule_title(chart: Chart, rule: Rule) -> str:
    """An earlier period's rule is named on hover with its months (it has no margin label)."""
    if rule.labelled:
        return ""
    return format_html("<title>{} ({} to {})</title>", rule.text, chart.labels[rule.start], chart.labels[rule.end - 1])


def draw_rules(chart: Chart) -> SafeString:
    """The mean, limits and target across the plot; with recorded changes, each period's mean
    and limits across its own months only (steps at each break)."""
    return format_html_join(
        "",
        '<line class="app-chart__{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="{}"{}>{}</line>',
        (
            (
                rule.kind,
                f"{chart.span(rule)[0]:.1f}",
                f"{chart.span(rule)[1]:.1f}",
                f"{chart.y(rule.value):.1f}",
                f"{chart.y(rule.value):.1f}",
                *RULE_STYLES[rule.kind][:2],
                format_html(' stroke-dasharray="{}"', RULE_STYLES[rule.kind][2]) if RULE_STYLES[rule.kind][2] else "",
                _rule_title(chart, rule),
            )
            for rule in chart.rules
        ),
    )


def draw_breaks(chart: Chart) -> SafeString:
    """A vertical line where each recorded change starts a new period, the whole height of
    the plot, with the reason on hover; labelled above the plot unless the chart is small."""
    top, bottom = chart.pad_top, chart.height - chart.pad_bottom
    lines = format_html_join(
        "",
        '<line class="app-chart__break" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="{}" '
        'stroke-dasharray="{}"><title>{}</title></line>',
        (
            (
                *(f"{chart.break_x(i):.1f}",) * 2,
                f"{top:.1f}",
                f"{bottom:.1f}",
                *BREAK_STYLE,
                f"Process changed from {chart.labels[i]}: {chart.marks.change_reasons.get(i, '')}".rstrip(": "),
            )
            for i in chart.result.changes
        ),
    )
    if chart.small:
        return lines
    return lines + format_html_join(
        "",
        '<text class="app-chart__break-label" x="{}" y="{}" font-family="{}" font-size="{}" fill="{}" '
        'text-anchor="{}">{}<title>{}</title></text>',
        (_break_label(chart, i) for i in chart.result.changes),
    )


def _break_label(chart: Chart, i: int) -> tuple:
    """ "Change Apr 2025" just above the plot, beside its break line on the side with room
    (kept clear of the rule labels in the right margin), the reason on hover."""
    x, text = chart.break_x(i), f"Change {chart.labels[i]}"
    fits_right = x + LABEL_GAP / 2 + text_width(text, AXIS_SIZE) <= chart.width - chart.pad_right
    x, anchor = (x + LABEL_GAP / 2, "start") if fits_right else (x - LABEL_GAP / 2, "end")
    reason = chart.marks.change_reasons.get(i, "")
    return (f"{x:.1f}", f"{chart.pad_top - 4:.1f}", FONT, AXIS_SIZE, PALETTE["text"], anchor, text, reason)


def draw_notes(chart: Chart) -> SafeString:
    """A small diamond under each noted month (not on a sparkline), the note on hover; the
    text alternative and the data table name the notes too."""
    if chart.small:
        return mark_safe("")
    y = chart.height - chart.pad_bottom + NOTE_SIZE + 2
    return format_html_join(
        "",
        '<path class="app-chart__note" d="M {} {} l {} {} l -{} {} l -{} -{} z" fill="{}" stroke="{}" '
        'stroke-width="1"><title>Note, {}: {}</title></path>',
        (
            (
                f"{chart.x(i):.1f}",
                f"{y - NOTE_SIZE:.1f}",
                *(NOTE_SIZE,) * 6,
                PALETTE["white"],
                PALETTE["neutral"],
                chart.labels[i],
                "; ".join(reasons),
            )
            for i, reasons in sorted(chart.marks.notes.items())
            if 0 <= i < len(chart.values)
        ),
    )


def draw_axis(chart: Chart) -> SafeString:
    """Three values up the left side."""
    if chart.small:
        return mark_safe("")
    return format_html_join(
        "",
        '<text class="app-chart__axis" x="{}" y="{}" font-family="{}" font-size="{}" fill="{}" text-anchor="end">'
        "{}</text>",
        (
            (
                f"{chart.pad_left - LABEL_GAP:.1f}",
                f"{chart.y(v) + 4:.1f}",
                FONT,
                AXIS_SIZE,
                PALETTE["secondary"],
                f"{v:g}",
            )
            for v in _axis_values(chart.bottom, chart.top)
        ),
    )


def draw_ticks(chart: Chart) -> SafeString:
    """About six month names along the bottom."""
    if chart.small:
        return mark_safe("")
    return format_html_join(
        "",
        '<text class="app-chart__tick" x="{}" y="{}" font-family="{}" font-size="{}" fill="{}" text-anchor="middle">'
        "{}</text>",
        (
            (f"{chart.x(i):.1f}", chart.height - 12, FONT, LABEL_SIZE, PALETTE["text"], chart.labels[i])
            for i in tick_indexes(len(chart.labels))
        ),
    )


def draw_series(chart: Chart) -> SafeString:
    """The line joining the months (never filled)."""
    points = " ".join(f"{chart.x(i):.1f},{chart.y(v):.1f}" for i, v in enumerate(chart.values))
    return format_html(
        '<polyline class="app-chart__line" points="{}" fill="none" stroke="{}" stroke-width="2" '
        'stroke-linejoin="round"></polyline>',
        points,
        PALETTE["series"],
    )


def draw_points(chart: Chart) -> SafeString:
    """A dot for each common-cause month, named on hover."""
    special = set(chart.special)
    return format_html_join(
        "",
        '<circle class="app-chart__point" cx="{}" cy="{}" r="3" fill="{}"><title>{}: {}</title></circle>',
        (
            (f"{chart.x(i):.1f}", f"{chart.y(v):.1f}", PALETTE["series"], chart.labels[i], f"{v:g}")
            for i, v in enumerate(chart.values)
            if i not in special
        ),
    )


def draw_special_causes(chart: Chart) -> SafeString:
    """A square for each special-cause month, coloured by whether it is an improvement (the
    text alternative names them too, so colour is never the only signal)."""
    half = 4 if chart.small else 5
    return format_html_join(
        "",
        '<rect class="app-chart__special app-chart__special--{}" x="{}" y="{}" width="{}" height="{}" fill="{}" '
        'stroke="{}" stroke-width="1"><title>{}: {} (special cause, {})</title></rect>',
        (
            (
                chart.kind(i),
                f"{chart.x(i) - half:.1f}",
                f"{chart.y(chart.values[i]) - half:.1f}",
                2 * half,
                2 * half,
                PALETTE[chart.kind(i)],
                PALETTE["text"],
                chart.labels[i],
                f"{chart.values[i]:g}",
                "high" if chart.result.direction[i] > 0 else "low",
            )
            for i in chart.special
        ),
    )


def label_positions(ys: list[float], *, gap: float, low: float, high: float) -> list[float]:
    """Baselines for labels wanted at `ys`, moved apart by at least `gap` and kept between
    `low` and `high`, in the same order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [min(max(ys[i], low), high) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:
        placed[-1] = high
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(ys)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result


def draw_rule_labels(chart: Chart) -> SafeString:
    """Each rule's name and value in the right margin, level with the rule (nudged apart when
    two rules are close), so no label covers a point or runs off the drawing."""
    if chart.small:
        return mark_safe("")
    rules = [rule for rule in chart.rules if rule.labelled]
    wanted = [chart.y(rule.value) + LABEL_SIZE / 3 for rule in rules]
    ys = label_positions(wanted, gap=LABEL_SIZE + 1, low=LABEL_SIZE, high=chart.height - chart.pad_bottom + LABEL_SIZE)
    return format_html_join(
        "",
        '<text class="app-chart__label" x="{}" y="{}" font-family="{}" font-size="{}" fill="{}">{}</text>',
        (
            (
                f"{chart.width - chart.pad_right + LABEL_GAP:.1f}",
                f"{y:.1f}",
                FONT,
                LABEL_SIZE,
                PALETTE["text"],
                rule.text,
            )
            for rule, y in zip(rules, ys, strict=True)
        ),
    )


Step = Callable[[Chart], SafeString]
STEPS: list[Step] = [
    draw_breaks,
    draw_rules,
    draw_axis,
    draw_ticks,
    draw_series,
    draw_points,
    draw_special_causes,
    draw_notes,
    draw_rule_labels,
]


# ---------------------------------------------------------------- the chart


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
    marks: Marks | None = None,
) -> str:
    """An XmR chart (a run chart below 12 points): the series, its mean and, once there are 12
    points, the process limits (the lower one no lower than 0 for counts). Special-cause
    points are squares, coloured by whether the change is an improvement (with `better`,
    "lower" or "higher") and named, high and low apart, in the text alternative, so colour is
    never the only signal. `small` draws a sparkline without labels for tables."""
    if not values:
        return ""
    chart = plan(values, labels, target=target, better=better, small=small, marks=marks)
    ref = ref or "chart-" + slugify(title)
    return format_html(
        '<svg class="app-chart{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-t {}-d" focusable="false"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        " app-chart--small" if small else (" app-chart--large" if large else ""),
        chart.width,
        chart.height,
        ref,
        ref,
        ref,
        title,
        ref,
        chart_text.describe(chart, title, target),
        format_html_join("", "{}", ((step(chart),) for step in STEPS)),
    )


def trim_leading_zeros(months: list, values: list) -> tuple[list, list]:
    """Start a chart at the first month with data (a new theme, or an area's data that begins
    later, has no history: months before it are not "unusually low")."""
    first = next((i for i, v in enumerate(values) if v), None)
    if first is None:
        return [], []
    return months[first:], values[first:]


def _axis_values(bottom: float, top: float) -> list[float]:
    """Three round values for the vertical axis: the bottom, the middle and the top."""
    mid = (bottom + top) / 2
    digits = 0 if top - bottom >= 10 else 1
    return [round(bottom, digits), round(mid, digits), round(top, digits)]
