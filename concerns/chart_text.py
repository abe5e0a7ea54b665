"""The text alternative of a chart (concerns/charts.py): what it shows, the recorded changes
with each period's mean and limits, the unusual months and why, and the notes, in words a
screen reader reads out and the board pack prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import spc

if TYPE_CHECKING:
    from .charts import Chart


def _one_dp(value: float) -> str:
    return f"{value:.1f}"


def _findings(chart: Chart) -> list[str]:
    """Special-cause months in words that say why, consecutive months with the same finding
    named together ("Jan 2026 to Dec 2026 (part of a run of 12 below the mean)")."""
    groups: list[tuple[int, int, str]] = []
    for i in chart.special:
        words = chart.result.finding(i)
        if groups and groups[-1][1] == i - 1 and groups[-1][2] == words:
            groups[-1] = (groups[-1][0], i, words)
        else:
            groups.append((i, i, words))
    labels = chart.labels
    return [f"{labels[a]}{'' if a == b else ' to ' + labels[b]} ({words})" for a, b, words in groups]


def _period_words(chart: Chart, period: spc.Period) -> str:
    """ "mean 12.0, limits 4.1 to 19.9" for one period (no limits when it is too short)."""
    words = f"mean {_one_dp(period.mean)}"
    if len(period) < chart.result.min_points:
        return words + f" (only {len(period)} points, too few for limits)"
    return words + f", limits {_one_dp(chart.result.floored(period))} to {_one_dp(period.upper)}"


def _changes_words(chart: Chart) -> str:
    """The recorded changes and each period's mean and limits: "Process limits recalculated
    from Apr 2025 (new online booking): before, mean 12.0, limits 4.1 to 19.9; since, ..." """
    result, labels = chart.result, chart.labels
    reasons = chart.marks.change_reasons
    froms = " and from ".join(f"{labels[i]}" + (f" ({reasons[i]})" if reasons.get(i) else "") for i in result.changes)
    spans = []
    for k, period in enumerate(result.periods):
        if k == 0:
            name = "before"
        elif k == len(result.periods) - 1:
            name = "since"
        else:
            name = f"{labels[period.start]} to {labels[period.end - 1]}"
        spans.append(f"{name}, {_period_words(chart, period)}")
    return f"Process limits recalculated from {froms}: " + "; ".join(spans) + "."


def _notes_words(chart: Chart) -> str:
    notes = sorted((i, r) for i, r in chart.marks.notes.items() if 0 <= i < len(chart.values))
    if not notes:
        return ""
    return " Notes: " + "; ".join(f"{chart.labels[i]} ({'; '.join(reasons)})" for i, reasons in notes) + "."


def describe(chart: Chart, title: str, target: float | None) -> str:
    """The text alternative: what the chart shows, any recorded changes with each period's
    limits, which months are unusual and why, and the notes."""
    result, labels = chart.result, chart.labels
    kind = "Run" if all(len(p) < result.min_points for p in result.periods) else "XmR"
    months = "1 month" if len(chart.values) == 1 else f"{len(chart.values)} months"
    opening = f"{kind} chart of {title}: {months} from {labels[0]} to {labels[-1]}"
    aim = f", target {target:g}" if target is not None else ""
    if result.changes:
        text = f"{opening}{aim}. {_changes_words(chart)}"
    elif result.provisional:
        text = f"{opening}, mean {_one_dp(result.mean)}{aim}."
    else:
        text = f"{opening}, mean {_one_dp(result.mean)}, process limits {_one_dp(result.lower_floored)} to "
        text += f"{_one_dp(result.upper)}{aim}."
    if result.provisional:
        text += " " + result.why_no_limits
    findings = _findings(chart)
    if kind == "XmR":
        text += (
            " Special cause variation in " + "; ".join(findings) + "." if findings else " No special cause variation."
        )
    return text + _notes_words(chart)
