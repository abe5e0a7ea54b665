"""The chart and icons carry their own look (issue #15): every shape says its fill and stroke,
every text its font, colour and anchor, and every label fits inside the drawing. The PDF itself
is looked at in tests/test_pack_print.py."""

import itertools
import xml.etree.ElementTree as ET

import pytest

from concerns import chart_style, charts

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"M{i:02d} 2026" for i in range(20)]
RISING = [92, 88, 95, 90, 86, 93, 89, 91, 87, 94, 90, 97, 102, 108, 111, 117, 121, 126, 130, 134]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(
    "values, target, small",
    [
        (RISING, 60, False),  # limits, a target below the series and special causes
        (RISING[:8], None, False),  # a run chart: only the mean
        ([1234.5, 1500, 990.25, 1800, 2100.75, 1750, 1600, 1400, 1900, 2000, 2200, 1999, 20000], 25000, False),
        (RISING, 60, True),  # the sparkline
    ],
)
def test_every_shape_and_text_says_how_it_is_drawn_without_a_stylesheet(values, target, small):
    root = parse(charts.xmr_svg(values, MONTHS[: len(values)], "Children waiting", target=target, small=small))
    shapes = [el for el in root.iter() if el.tag in {SVG + "line", SVG + "polyline", SVG + "circle", SVG + "rect"}]
    assert shapes
    for shape in shapes:
        assert "stroke" in shape.attrib or "fill" in shape.attrib, shape.attrib
    assert root.find(f"{SVG}polyline").attrib["fill"] == "none"  # never a filled black shape
    for text in root.iter(SVG + "text"):
        assert {"font-family", "font-size", "fill"} <= text.attrib.keys(), text.attrib


@pytest.mark.parametrize(
    "values, target",
    [
        (RISING, 60),
        ([1234.5, 1500, 990.25, 1800, 2100.75, 1750, 1600, 1400, 1900, 2000, 2200, 1999, 20000], 25000.5),
        ([0.1, 0.2, 0.15, 0.3, 0.25, 0.2, 0.1, 0.3, 0.2, 0.15, 0.25, 0.2], None),
    ],
)
def test_every_label_fits_inside_the_drawing(values, target):
    root = parse(charts.xmr_svg(values, MONTHS[: len(values)], "Figures", target=target))
    _, _, width, height = (float(n) for n in root.attrib["viewBox"].split())
    texts = list(root.iter(SVG + "text"))
    assert any((t.text or "").startswith("Upper limit") for t in texts)
    for text in texts:
        x, y, size = float(text.attrib["x"]), float(text.attrib["y"]), float(text.attrib["font-size"])
        extent = chart_style.text_width(text.text, size)
        anchor = text.attrib.get("text-anchor", "start")
        left = {"start": x, "middle": x - extent / 2, "end": x - extent}[anchor]
        assert left >= 0 and left + extent <= width, f"{text.text!r} runs outside 0-{width}"
        assert size <= y <= height, f"{text.text!r} runs off the top or bottom"


def test_rule_labels_sit_in_the_right_margin_and_never_overlap():
    root = parse(charts.xmr_svg(RISING, MONTHS, "Children waiting", target=100))
    labels = [t for t in root.iter(SVG + "text") if t.attrib["class"] == "app-chart__label"]
    assert [t.text for t in labels] == ["Mean 102.0", "Upper limit 114.9", "Lower limit 89.2", "Target 100"]
    plot_right = max(float(line.attrib["x2"]) for line in root.iter(SVG + "line"))
    ys = sorted(float(t.attrib["y"]) for t in labels)
    assert all(float(t.attrib["x"]) > plot_right for t in labels)  # never over the latest points
    assert all(b - a >= charts.LABEL_SIZE for a, b in itertools.pairwise(ys))


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ([50, 100], [50, 100]),  # far apart: where they are wanted
        ([100, 105], [100, 113]),  # close: the lower one moves down
        ([105, 100, 102], [126, 100, 113]),  # top-to-bottom order kept, each moved below the one above
        ([195, 199], [187, 200]),  # at the bottom: moved up to stay inside
        ([-5], [12]),  # never above the top
    ],
)
def test_label_positions_are_moved_apart_and_kept_inside(wanted, expected):
    assert charts.label_positions(wanted, gap=13, low=12, high=200) == expected


@pytest.mark.parametrize("code", sorted(chart_style.ICONS))
def test_each_icon_is_a_white_disc_with_a_coloured_ring_and_letter(code):
    root = parse(chart_style.icon_svg(code))
    ring, letter = root.find(f"{SVG}circle"), root.find(f"{SVG}text")
    assert ring.attrib["fill"] == "#ffffff" and ring.attrib["stroke"] == chart_style.ICONS[code][1]
    assert letter.attrib["fill"] == chart_style.ICONS[code][2] and letter.attrib["text-anchor"] == "middle"
    assert letter.text == chart_style.ICONS[code][0]


def test_a_run_chart_draws_no_special_cause_and_says_why(settings):
    """Below the minimum number of points there are no limits, so no special-cause squares or
    colours, and the text alternative gives the reason."""
    from concerns.charts import xmr_svg

    values = [5, 5, 5, 5, 5, 5, 5, 9, 9]  # 7 below the mean would be a run on an XmR chart
    labels = [f"M{i}" for i in range(len(values))]
    svg = str(xmr_svg(values, labels, "Falls"))
    assert "app-chart__special" not in svg
    assert "Only 9 points: process limits need at least 12, so this is a run chart" in svg
    settings.SPC_MIN_POINTS = 8
    svg = str(xmr_svg(values, labels, "Falls"))
    assert "app-chart__special" in svg and "XmR chart of Falls" in svg


def test_a_run_below_the_mean_is_named_as_a_run_not_as_unusually_low():
    from concerns.charts import xmr_svg

    values = [10, 11] * 6 + [12, 13] * 6  # a step up: runs either side of the mean, no point beyond a limit
    labels = [
        f"{m} 2025" for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    ] + [f"{m} 2026" for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]]
    svg = str(xmr_svg(values, labels, "Complaints"))
    assert "Special cause variation in Jan 2025 to Dec 2025 (part of a run of 12 below the mean); " in svg
    assert "Jan 2026 to Dec 2026 (part of a run of 12 above the mean)." in svg
    assert "unusually" not in svg


# ---------------------------------------------------------------- recorded changes and notes (issue #15)

STEP_UP = [
    12,
    10,
    14,
    11,
    13,
    9,
    12,
    15,
    11,
    12,
    13,
    10,
    14,
    12,
    11,
    20,
    22,
    19,
    21,
    23,
    18,
    20,
    22,
    19,
    21,
    20,
    23,
    22,
]
STEP_LABELS = [
    f"{m} {y}"
    for y in (2024, 2025, 2026)
    for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
]
BOOKING = charts.Marks(
    changes=(15,),
    notes={8: ["Winter pressures"], 20: ["Outreach week"]},
    change_reasons={15: "new online booking live in two practices"},
)


def _lines(root, kind):
    return [el for el in root.iter(SVG + "line") if el.attrib["class"] == f"app-chart__{kind}"]


def test_a_recorded_change_draws_each_periods_mean_and_limits_across_its_own_months_only():
    svg = charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access", marks=BOOKING)
    root = parse(svg)
    (brk,) = _lines(root, "break")
    x_break = float(brk.attrib["x1"])
    assert brk.attrib["stroke"] and brk.attrib["stroke-dasharray"]  # drawn without a stylesheet
    assert brk.find(f"{SVG}title").text == "Process changed from Apr 2025: new online booking live in two practices"
    means = _lines(root, "mean")
    # Hand-computed: Jan 2024 to Mar 2025 mean 179 / 15 = 11.93; Apr 2025 onwards 270 / 13 = 20.77.
    assert [(float(m.attrib["x1"]), float(m.attrib["x2"])) for m in means][0][1] == x_break
    assert float(means[1].attrib["x1"]) == x_break
    assert means[0].find(f"{SVG}title").text == "Mean 11.9 (Jan 2024 to Mar 2025)"
    assert len(_lines(root, "limit")) == 4  # two limits for each period
    labels = [t.text for t in root.iter(SVG + "text") if t.attrib["class"] == "app-chart__label"]
    assert labels == ["Mean 20.8", "Upper limit 27.0", "Lower limit 14.6"]  # the margin names today's limits
    (break_label,) = [t for t in root.iter(SVG + "text") if t.attrib["class"] == "app-chart__break-label"]
    assert break_label.text == "Change Apr 2025"


def test_the_text_alternative_says_the_limits_were_recalculated_and_why_and_names_the_notes():
    desc = parse(charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access", marks=BOOKING)).find(f"{SVG}desc").text
    assert (
        "Process limits recalculated from Apr 2025 (new online booking live in two practices): "
        "before, mean 11.9, limits 4.9 to 19.0; since, mean 20.8, limits 14.6 to 27.0." in desc
    )
    assert "Notes: Sep 2024 (Winter pressures); Sep 2025 (Outreach week)." in desc


def test_without_the_change_the_same_step_up_reads_as_special_cause():
    desc = parse(charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access")).find(f"{SVG}desc").text
    assert "Special cause variation" in desc and "recalculated" not in desc


def test_notes_are_marked_on_their_months_with_the_note_on_hover():
    root = parse(charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access", marks=BOOKING))
    notes = [el for el in root.iter(SVG + "path") if el.attrib["class"] == "app-chart__note"]
    assert [n.find(f"{SVG}title").text for n in notes] == [
        "Note, Sep 2024: Winter pressures",
        "Note, Sep 2025: Outreach week",
    ]
    assert all(n.attrib["fill"] and n.attrib["stroke"] for n in notes)


def test_the_sparkline_shows_the_break_but_no_labels_or_notes():
    root = parse(charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access", marks=BOOKING, small=True))
    assert len(_lines(root, "break")) == 1
    assert list(root.iter(SVG + "text")) == []
    assert not list(root.iter(SVG + "path"))


@pytest.mark.parametrize("change", [1, 14, 26, 27])
def test_a_break_label_fits_inside_the_drawing_wherever_the_change_falls(change):
    marks = charts.Marks(changes=(change,), change_reasons={change: "new provider"})
    root = parse(charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access", target=30, marks=marks))
    _, _, width, height = (float(n) for n in root.attrib["viewBox"].split())
    for text in root.iter(SVG + "text"):
        x, size = float(text.attrib["x"]), float(text.attrib["font-size"])
        extent = chart_style.text_width(text.text, size)
        left = {"start": x, "middle": x - extent / 2, "end": x - extent}[text.attrib.get("text-anchor", "start")]
        assert left >= 0 and left + extent <= width, f"{text.text!r} runs outside 0-{width}"
        assert size <= float(text.attrib["y"]) <= height


def test_a_period_too_short_for_limits_draws_its_mean_only_and_says_so():
    marks = charts.Marks(changes=(25,), change_reasons={25: "new provider"})
    root = parse(charts.xmr_svg(STEP_UP, STEP_LABELS[:28], "GP access", marks=marks))
    assert len(_lines(root, "mean")) == 2 and len(_lines(root, "limit")) == 2  # limits before, none since
    desc = root.find(f"{SVG}desc").text
    assert "since, mean 21.7 (only 3 points, too few for limits)" in desc
    assert "Only 3 points since the last recorded change" in desc
