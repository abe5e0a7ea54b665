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


@pytest.fixture
def demo_pack_pdf(db, monkeypatch) -> bytes:
    """The demo area's board pack as a PDF, with the test's magenta frame round each drawing."""
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
    board = dashboard.build(northmoor, dashboard.Period(dashboard.DEFAULT_PERIOD, timezone.localdate()))
    pack = BoardPack(locality=northmoor, meeting_on=datetime.date(2026, 12, 10))
    return pack_render.pdf_from(pack_render.paper_html(pack, board))


def test_the_demo_packs_charts_and_icons_have_no_solid_dark_shapes_and_no_cut_labels(demo_pack_pdf):
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
