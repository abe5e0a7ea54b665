"""The demo's board pack as a PDF, looked at as a reader would (issue #15, item 1): the charts'
lines are lines, not black shapes; the icons are rings with a letter, not blobs; and no label is
cut off at the edge of its chart or of the page. The heuristics are in tests/pdf_raster.py."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests import pdf_raster
from tests.conftest import missing_service

pytestmark = pytest.mark.slow


def _record_a_change_and_a_note(locality, board) -> str:
    """A change 12 months before the end of the longest priority figure (so today's period has
    its limits and icons) and a note before it, as a board member would record them; returns
    the change's label ("Change Dec 2025")."""
    from concerns import series_notes

    row = max((row for row in board.priorities if row.series), key=lambda row: len(row.series.values))
    key = series_notes.series_key("priority", row.priority.pk)
    months = row.series.months
    user = row.priority.created_by
    change = months[-12]
    series_notes.record(user=user, locality=locality, series=key, kind="change", month=change, reason="New service")
    series_notes.record(user=user, locality=locality, series=key, kind="note", month=months[3], reason="Strike")
    return f"Change {change:%b %Y}"


@pytest.fixture(params=["as seeded", "with a recorded change"])
def demo_pack_pdf(request, db, monkeypatch) -> bytes:
    """The demo area's board pack as a PDF, with the test's magenta frame round each drawing;
    also with a change and a note recorded on a priority's figure (a break line and its label
    above the plot, the periods' limits as steps)."""
    from agencies.models import Locality
    from reports.board import dashboard, pack_render
    from reports.models import BoardPack

    if problem := pdf_raster.tools_missing():
        missing_service(problem)
    with override_settings(DEBUG=True):
        call_command("seed_demo")
    stylesheet = pack_render._stylesheet
    monkeypatch.setattr(pack_render, "_stylesheet", lambda: stylesheet() + pdf_raster.FRAME_CSS)
    northmoor = Locality.objects.get(slug="northmoor")
    period = dashboard.Period(dashboard.DEFAULT_PERIOD, timezone.localdate())
    board = dashboard.build(northmoor, period)
    request.node.change_label = None
    if request.param == "with a recorded change":
        request.node.change_label = _record_a_change_and_a_note(northmoor, board)
        board = dashboard.build(northmoor, period)
    pack = BoardPack(locality=northmoor, meeting_on=datetime.date(2026, 12, 10))
    return pack_render.pdf_from(pack_render.paper_html(pack, board))


def test_the_demo_packs_charts_and_icons_have_no_solid_dark_shapes_and_no_cut_labels(request, demo_pack_pdf):
    pages = pdf_raster.pages_of(demo_pack_pdf)
    frames = [frame for page in pages for frame in page.frames]
    charts = [frame for frame in frames if frame.width > 300]  # 150 mm wide; icons are 14 pt
    assert len(charts) >= 1 and len(frames) - len(charts) >= 2  # the demo's chart and its two icons
    problems = []
    for page in pages:
        problems += [
            f"page {page.number}: solid dark region at pixels {box}" for box in pdf_raster.solid_dark_regions(page)
        ]
        problems += [f"page {page.number}: {word}" for word in pdf_raster.cut_words(page)]
    assert not problems, "\n".join(problems)
    # Every limit and target label is there in full, so a reader finds "Upper limit 114.9".
    words = " ".join(text for page in pages for text, _ in page.words)
    for label in ("Upper limit", "Mean", "Lower limit", "Target 60"):
        assert label in words
    if request.node.change_label:  # the break's label is printed whole, above the plot
        assert request.node.change_label in words
