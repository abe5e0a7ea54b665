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
