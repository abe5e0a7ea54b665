"""The outgoing body's last report (issue 17, item 4): drafted from the record for its final
part-year, every figure linking to its records, edited and published by its own staff, and
downloadable as a PDF and a Word document."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse

from agencies import handover_services
from concerns.models import MonthlyCount, Theme
from reports.models import ClosingReport
from tests.test_handover import ON, make_plan, open_work

AFTER = ON + datetime.timedelta(days=3)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


@pytest.fixture
def handed_over(world):
    """Healthwatch's open work and a year of counts by theme; then the handover runs."""
    plan = make_plan(world)
    work = open_work(world)
    themes = list(Theme.all_objects.filter(locality=world.area).order_by("name")[:2])
    dimension = MonthlyCount.Dimension
    for month, key, kind, count in [
        (datetime.date(2026, 5, 1), str(themes[0].pk), dimension.THEME, 7),
        (datetime.date(2026, 6, 1), str(themes[0].pk), dimension.THEME, 5),
        (datetime.date(2026, 6, 1), str(themes[1].pk), dimension.THEME, 2),
        (datetime.date(2026, 5, 1), "", dimension.TOTAL, 7),
        (datetime.date(2026, 6, 1), "", dimension.TOTAL, 7),
        (datetime.date(2026, 2, 1), str(themes[1].pk), dimension.THEME, 40),  # before the final year: not counted
    ]:
        MonthlyCount.objects.create(locality=world.area, month=month, key=key, dimension=kind, count=count)
    handover_services.handover_perform(plan.pk, ON)
    plan.refresh_from_db()
    return world, plan, work, themes


def url(world, plan, name="closing-report"):
    return reverse(f"reports:{name}", args=[world.area.slug, plan.pk])


def test_the_draft_shows_every_figure_with_a_link_to_its_records(handed_over, login):
    world, plan, work, themes = handed_over
    with at(AFTER):
        page = login(world.officer).get(url(world, plan))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Closing report of Healthwatch Testshire" in html and "Draft: not yet published" in html
    assert "1 April 2026 to 31 March 2027" in html
    concerns = reverse("concerns:index", args=[world.area.slug])
    assert f"{concerns}?theme={themes[0].pk}&amp;received_from=2026-04-01&amp;received_to=2027-03-31" in html
    assert ">12</a>" in html  # 7 + 5, shown
    assert ">14 experiences</a>" in html  # the year's total, counted apart from the themes
    assert "fewer than 5" in html and ">2<" not in html and ">40<" not in html  # small numbers hidden
    for alert in (work["health_alert"], work["care_alert"]):
        assert reverse("concerns:alert-detail", args=[world.area.slug, alert.pk]) in html
    assert "2 alerts</a>" in html
    assert reverse("reports:recommendation", args=[world.area.slug, work["rec"].pk]) in html
    assert "0 answered on time, 0 answered late and 1 awaiting an answer" in html
    assert "NHS Testshire ICB" in html and "Testshire Council" in html  # handed on, by successor
    assert reverse("agencies:handover", args=[world.area.slug, plan.pk]) in html


def test_only_the_outgoing_bodys_staff_see_the_draft_and_edit_it(handed_over, login):
    world, plan, _, _ = handed_over
    with at(AFTER):
        assert login(world.owner).get(url(world, plan)).status_code == 403  # a council administrator
        assert login(world.board_member).get(url(world, plan)).status_code == 403
        assert login(world.owner).get(url(world, plan, "closing-report-edit")).status_code == 403
        client = login(world.officer)
        answer = client.post(
            url(world, plan, "closing-report-edit"),
            {
                "introduction": "Our last year.",
                "people_note": "Thank you to everyone who spoke to us.",
                "publish": "on",
            },
        )
        assert answer.status_code == 302
        report = ClosingReport.objects.get(plan=plan)
        assert report.published_on == AFTER and report.history.count() == 1
        page = login(world.board_member).get(url(world, plan))
        assert page.status_code == 200 and "Thank you to everyone who spoke to us." in page.content.decode()
        assert "Edit the report" not in page.content.decode()
        assert login(world.board_member).get(url(world, plan, "closing-report-edit")).status_code == 403


def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(handed_over, login):
    world, plan, _, _ = handed_over
    with at(AFTER):
        answer = login(world.officer).post(url(world, plan, "closing-report-edit"), {"introduction": "x" * 5001})
    assert answer.status_code == 400 and "Introduction" in answer.content.decode()
    assert not ClosingReport.objects.exists()


def test_the_word_document_has_the_headings_tables_and_figures(handed_over, login):
    from docx import Document

    world, plan, work, themes = handed_over
    with at(AFTER):
        answer = login(world.officer).get(url(world, plan, "closing-report-docx"))
    assert answer.status_code == 200
    doc = Document(io.BytesIO(answer.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("What people told us", "Alerts we raised", "Reports and recommendations", "What we hand on"):
        assert heading in headings
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert [themes[0].name, "12"] in cells and [themes[1].name, "fewer than 5"] in cells
    assert any(work["rec"].reference in row[0] and row[-1] == "Awaiting" for row in cells)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_pdf_has_the_report_and_its_figures(handed_over, login, tmp_path):
    world, plan, _, themes = handed_over
    with at(AFTER):
        answer = login(world.officer).get(url(world, plan, "closing-report-pdf"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    path = tmp_path / "closing.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Closing report of Healthwatch Testshire" in " ".join(text.split())  # the title may wrap
    assert "What people told us" in text and themes[0].name in text and "fewer than 5" in text


def test_the_handover_page_links_to_the_closing_report(handed_over, login):
    world, plan, _, _ = handed_over
    page = login(world.owner).get(reverse("agencies:handover", args=[world.area.slug, plan.pk]))
    assert url(world, plan) in page.content.decode()
