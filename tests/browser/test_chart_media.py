"""One chart, three media (issue #15, item 1): a board pack's chart in the PDF looks like the
same chart on screen and in the browser's print.

How they are compared: the chart is cut out of the PDF page (found by the test's magenta frame,
see tests/pdf_raster.py) and out of Chromium's screenshots (screen and print media); each is
made grey and shrunk to 96 x 36 pixels (the chart's 8:3 shape), which evens out the two
renderers' anti-aliasing and font hinting. They must agree within MEAN_DIFFERENCE (mean absolute
difference of the grey levels, 0-255) and DARK_SHARE (difference in the share of dark pixels).
The PDF and the browser now agree within about 2 grey levels and 0.01; the chart of issue #15 (lines as
a black shape, labels cut) differed from the screen by 19 grey levels and 0.05 of dark share."""

import datetime

import pytest
from django.urls import reverse

from tests import pdf_raster
from tests.browser.test_accessibility import sign_in_by_keyboard
from tests.conftest import make_priority, missing_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THUMBNAIL = (96, 36)
MEAN_DIFFERENCE = 6
DARK_SHARE = 0.02

# A steady series that rises in its last eight months: limits, a target and special causes.
FIGURES = [92, 88, 95, 90, 86, 93, 89, 91, 87, 94, 90, 97, 102, 108, 111, 117, 121, 126, 130, 134]


def _difference(one, other) -> tuple[float, float]:
    a, b = pdf_raster.grey_thumbnail(one, THUMBNAIL), pdf_raster.grey_thumbnail(other, THUMBNAIL)
    mean = sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)
    return mean, abs(pdf_raster.dark_fraction(one) - pdf_raster.dark_fraction(other))


def _pdf_chart(pack):
    pages = pdf_raster.pages_of(pack.pdf.read())
    found = [(page, frame) for page in pages for frame in page.frames if frame.width > 300]
    assert len(found) == 1, "the pack has one chart"
    page, frame = found[0]
    box = pdf_raster.inside(frame)
    return page.image.crop((int(box.left), int(box.top), int(box.right), int(box.bottom)))


def test_a_board_packs_chart_looks_the_same_in_the_pdf_on_screen_and_in_print(page, world, monkeypatch, tmp_path):
    from PIL import Image

    from reports.board import pack_render, services
    from reports.models import BoardPack

    if problem := pdf_raster.tools_missing():
        missing_service(problem)
    make_priority(world, title="Children waiting", figures=FIGURES, target="60")
    stylesheet = pack_render._stylesheet
    monkeypatch.setattr(pack_render, "_stylesheet", lambda: stylesheet() + pdf_raster.FRAME_CSS)
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on=datetime.date(2026, 12, 10), requested_by=world.board_member
    )
    pack = services.board_pack_build(pack.pk)
    assert pack.state == BoardPack.State.READY, pack.error
    in_pdf = _pdf_chart(pack)

    sign_in_by_keyboard(page, world.board_member.email)
    page.goto(reverse("reports:board-pack", args=[world.area.slug, pack.pk]))
    chart = page.locator("svg.app-chart").first
    chart.screenshot(path=tmp_path / "screen.png")
    page.emulate_media(media="print")
    chart.screenshot(path=tmp_path / "print.png")
    for medium in ("screen", "print"):
        in_browser = Image.open(tmp_path / f"{medium}.png").convert("RGB")
        mean, dark = _difference(in_pdf, in_browser)
        assert mean < MEAN_DIFFERENCE and dark < DARK_SHARE, (
            f"the PDF's chart differs from the {medium} chart: mean grey difference {mean:.1f} "
            f"(tolerance {MEAN_DIFFERENCE}), dark share difference {dark:.3f} (tolerance {DARK_SHARE})"
        )
