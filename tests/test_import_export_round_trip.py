"""Import and export agree, in the files people use (issue 14, item 7).

An exported file, CSV or Excel, imports back without edits: its reference column names each
experience, so the import updates rather than duplicates (nothing, when nothing changed). Excel
workbooks are read and written like CSV files, with the same checks and formula safety.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from concerns import import_rows, imports
from concerns.models import Concern, ConcernContact, ImportJob, PersonalDataAccess
from tests.conftest import make_concern
from tests.test_import_limits import run

TODAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def upload(client, world, content: bytes, capture, name: str) -> ImportJob:
    with capture(execute=True):
        response = client.post(
            reverse("concerns:import", args=[world.area.slug]), {"file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    job.refresh_from_db()
    return job


def page(client, world, job: ImportJob) -> str:
    return html.unescape(client.get(reverse("concerns:import-job", args=[world.area.slug, job.pk])).content.decode())


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def exported(client, world, fmt: str) -> bytes:
    name = "concerns:export-xlsx" if fmt == "xlsx" else "concerns:export"
    return download(client, reverse(name, args=[world.area.slug]))


def three_concerns(world) -> list[Concern]:
    """One plain, one whose words start like formulas, one with a source-system reference and
    a service as the person described it."""
    return [
        make_concern(world, narrative="Waited six hours in A&E."),
        make_concern(world, narrative='=HYPERLINK("http://evil.example","click") - and +1 @ward'),
        make_concern(
            world, narrative="Nobody rang back.", external_ref="CRM-7", service=None, service_described="Dr Q"
        ),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_back_untouched_adds_nothing_and_changes_nothing(
    world, login, django_capture_on_commit_callbacks, fmt
):
    concerns = three_concerns(world)
    client = login(world.officer)
    data = exported(client, world, fmt)
    histories = {c.pk: c.history.count() for c in concerns}
    job = upload(client, world, data, django_capture_on_commit_callbacks, f"export.{fmt}")
    assert (job.state, job.errors, job.failure) == ("ready", [], "")
    assert (job.imported_rows, job.updated_rows, job.unchanged_rows) == (0, 0, 3)
    assert "0 to add, 0 to update, 3 unchanged" in page(client, world, job)
    job = run(client, world, job, django_capture_on_commit_callbacks)
    assert (job.state, job.imported_rows, job.updated_rows, job.unchanged_rows) == ("done", 0, 0, 3)
    shown = page(client, world, job)
    assert "0 updated, 0 added, 3 unchanged" in shown
    assert "shared_online_by_public and shareable_summary were ignored" in shown  # the export-only columns, with a note
    assert Concern.all_objects.count() == 3
    assert {c.pk: c.history.count() for c in Concern.all_objects.all()} == histories
    formula = Concern.all_objects.get(pk=concerns[1].pk)
    assert formula.narrative.startswith('=HYPERLINK("http')  # the CSV's apostrophe is taken off again


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_editing_one_cell_of_an_export_updates_that_experience_alone(
    world, login, django_capture_on_commit_callbacks, fmt
):
    concerns = three_concerns(world)
    client = login(world.officer)
    data = exported(client, world, fmt)
    target = concerns[0]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        at = rows[0].index("sentiment")
        for row in rows[1:]:
            if row[0] == target.reference:
                row[at] = "Positive"
        rows.append([""] * len(rows[0]))  # and one new experience, without a reference
        for column, value in {"date_received": "02/11/2026", "channel": "Email", "service_type": "GP"}.items():
            rows[-1][rows[0].index(column)] = value
        rows[-1][rows[0].index("sentiment")] = "Neutral"
        rows[-1][rows[0].index("narrative")] = "A new one."
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        data = out.getvalue().encode()
    else:
        book = load_workbook(io.BytesIO(data))
        sheet = book.active
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == target.reference:
                row[header.index("sentiment")].value = "Positive"
        sheet.append(
            [
                {"date_received": datetime.datetime(2026, 11, 2), "channel": "Email", "service_type": "GP"}.get(
                    h, {"sentiment": "Neutral", "narrative": "A new one."}.get(h)
                )
                for h in header
            ]
        )
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    job = upload(client, world, data, django_capture_on_commit_callbacks, f"edited.{fmt}")
    assert (job.state, job.errors) == ("ready", [])
    job = run(client, world, job, django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.updated_rows, job.unchanged_rows) == (1, 1, 2)
    assert "1 updated, 1 added, 2 unchanged" in page(client, world, job)
    target.refresh_from_db()
    assert target.sentiment == "positive" and target.narrative == "Waited six hours in A&E."
    latest = target.history.first()
    assert (latest.history_user, latest.history_change_reason) == (world.officer, f"Imported from edited.{fmt}")
    assert (target.history.count(), target.history.last().sentiment) == (2, "negative")  # the earlier version is kept
    kept = Concern.all_objects.get(pk=concerns[2].pk)
    assert (kept.service_described, kept.external_ref, kept.history.count()) == ("Dr Q", "CRM-7", 1)
    assert Concern.all_objects.get(narrative="A new one.").received_on == datetime.date(2026, 11, 2)


def test_a_reference_to_another_area_or_to_nothing_is_a_problem_on_its_row(
    world, login, django_capture_on_commit_callbacks
):
    elsewhere = Concern.all_objects.create(
        locality=world.other_area,
        collecting_body=world.other_council,
        received_on=datetime.date(2026, 10, 1),
        channel="phone",
        service_type="gp",
        sentiment="negative",
        narrative="Someone else's",
    )
    mine = make_concern(world)
    header = "reference,date_received,channel,service_type,sentiment,narrative\n"
    rows = (
        f"{elsewhere.reference},01/11/2026,phone,gp,negative,Theirs\n"
        "C-999999999,01/11/2026,phone,gp,negative,Nobody's\n"
        f"{mine.reference},01/11/2026,phone,gp,negative,Mine once\n"
        f"{mine.reference},01/11/2026,phone,gp,negative,Mine twice\n"
    )
    client = login(world.officer)
    job = upload(client, world, (header + rows).encode(), django_capture_on_commit_callbacks, "refs.csv")
    assert job.state == "invalid"
    report = {(row, column): message for row, column, message in job.errors}
    assert report[(2, "reference")] == (
        f"Reference {elsewhere.reference} is not an experience in Testshire that you can change. "
        "Remove the reference to add it as new"
    )
    assert report[(3, "reference")].startswith("Reference C-999999999 is not an experience in Testshire")
    assert report[(5, "reference")] == f"Reference {mine.reference} is also on row 4"
    assert (4, "reference") not in report
    assert "3 problems in 3 of the 4 rows" in page(client, world, job)
    assert Concern.all_objects.get(pk=mine.pk).narrative == "Waited six hours in A&E."


def test_the_excel_export_writes_formulas_as_text(world, login):
    make_concern(world, narrative='=HYPERLINK("http://evil.example","click")')
    make_concern(world, narrative="+44 7700 900123 rang, -2 stars, @here")
    client = login(world.officer)
    response = client.get(reverse("concerns:export-xlsx", args=[world.area.slug]))
    assert response["Content-Type"] == XLSX
    assert re.search(r'filename="?experiences-testshire-de-identified-.*\.xlsx', response["Content-Disposition"])
    data = b"".join(response.streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    texts = {c.value: c.data_type for c in cells}
    assert texts['=HYPERLINK("http://evil.example","click")'] == "s"
    assert texts["+44 7700 900123 rang, -2 stars, @here"] == "s"
    header = [c.value for c in book.active[1]]
    dates = [row[header.index("date_received")] for row in book.active.iter_rows(min_row=2)]
    assert len(dates) == 2 and all(c.is_date for c in dates)  # the dates are Excel dates


def test_the_excel_template_imports_as_downloaded(world, login, django_capture_on_commit_callbacks):
    client = login(world.officer)
    start = client.get(reverse("concerns:import", args=[world.area.slug])).content.decode()
    link = re.search(r'href="([^"]*)"[^>]*>Download the template \(Excel', start)
    assert link, "the import page links to the Excel template"
    assert 'accept=".csv,.xlsx,' in start
    response = client.get(html.unescape(link.group(1)))
    assert response["Content-Type"] == XLSX
    job = upload(client, world, b"".join(response.streaming_content), django_capture_on_commit_callbacks, "t.xlsx")
    assert (job.state, job.failure, job.errors) == ("ready", "", [])
    job = run(client, world, job, django_capture_on_commit_callbacks)
    concern = Concern.all_objects.get()
    assert (job.imported_rows, concern.received_on, concern.external_ref) == (1, datetime.date(2025, 3, 27), "CRM-1001")


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["date_received", "channel", "service_type", "sentiment", "narrative", "severity"]


def test_a_workbook_gets_the_same_row_numbered_checks(world, login, django_capture_on_commit_callbacks):
    """Dates as date cells or as text, numbers as numbers; the report names the sheet's rows."""
    data = workbook(
        [
            HEADER,
            [datetime.datetime(2026, 11, 1), "phone", "gp", "negative", "A date cell", 2],
            ["01/11/2026", "phone", "gp", "negative", "A date typed as text"],
            [],
            ["31/02/2026", "pigeon", "gp", "negative", "Two problems", 9],
        ]
    )
    job = upload(login(world.officer), world, data, django_capture_on_commit_callbacks, "book.xlsx")
    report = {(row, column): message for row, column, message in job.errors}
    assert set(report) == {(5, "date_received"), (5, "channel"), (5, "severity")}
    assert (job.error_rows, job.total_rows) == (1, 3)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.txt", b"a,b\n", "The selected file must be a CSV (.csv) or an Excel workbook (.xlsx)"),
        ("x.xlsx", b"date_received,channel\n", "The selected file is not an Excel workbook"),
        ("x.csv", workbook([HEADER]), "The selected file is a spreadsheet, not a CSV"),
        ("x.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "The selected file is a spreadsheet, not a CSV"),
    ],
)
def test_the_upload_checks_the_file_by_its_content(world, login, name, content, message):
    response = login(world.officer).post(
        reverse("concerns:import", args=[world.area.slug]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ImportJob.objects.exists()


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 but not really a zip", "is not an Excel workbook (.xlsx)"),
        (zipped({"hello.txt": b"hi"}), "is not an Excel workbook (.xlsx)"),
        (
            zipped({"[Content_Types].xml": b"", "xl/workbook.xml": b"<nonsense", "xl/worksheets/sheet1.xml": b""}),
            "is not an Excel workbook (.xlsx)",
        ),
    ],
    ids=["not-a-zip", "a-zip-of-something-else", "a-damaged-workbook"],
)
def test_a_file_that_is_not_a_real_workbook_is_refused_with_a_clear_message(
    world, login, django_capture_on_commit_callbacks, content, message
):
    job = upload(login(world.officer), world, content, django_capture_on_commit_callbacks, "bad.xlsx")
    assert job.state == "invalid" and message in job.failure, job.failure


def check(world, data: bytes) -> imports.Report:
    report = imports.Report()
    for _ in imports.check_file(io.BytesIO(data), world.area, report):
        pass
    return report


def test_a_zip_bomb_is_refused_before_it_is_unpacked(world, monkeypatch):
    """The bound is 400 MB; here 1 MB, so the test stays small. The entry is never read."""
    monkeypatch.setattr(import_rows, "MAX_UNPACKED", 1024 * 1024)
    bomb = zipped({"[Content_Types].xml": b"", "xl/workbook.xml": b"", "xl/bomb.xml": b"\0" * (2 * 1024 * 1024)})
    assert len(bomb) < 10_000
    with pytest.raises(imports.FileProblem, match="The workbook unpacks to more than 1 MB"):
        check(world, bomb)
    strings = zipped({"[Content_Types].xml": b"", "xl/workbook.xml": b"", "xl/sharedStrings.xml": b" " * 300_000})
    with pytest.raises(imports.FileProblem, match="unpacks to more than"):
        check(world, strings)  # the shared strings, held in memory, may take a quarter of the bound


def test_a_workbook_row_too_wide_or_too_long_is_refused_before_it_is_held(world):
    with pytest.raises(imports.FileProblem, match="Row 2 has more than 1,000 cells"):
        check(world, workbook([HEADER, ["x"] * 5000]))
    with pytest.raises(imports.FileProblem, match="Row 3 is too long"):
        check(world, workbook([HEADER, ["01/11/2026"], ["y" * 30_000] * 40]))


def test_an_export_with_personal_details_imports_back_and_a_changed_email_is_logged(
    world, login, django_capture_on_commit_callbacks
):
    concern = make_concern(world)
    client = login(world.officer)
    data = download(client, reverse("concerns:export", args=[world.area.slug]) + "?personal=yes")
    job = upload(client, world, data, django_capture_on_commit_callbacks, "personal.csv")
    assert (job.state, job.errors, job.unchanged_rows) == ("ready", [], 1)
    edited = data.decode("utf-8-sig").replace("pat@example.com", "pat.new@example.com").encode()
    job = run(
        client,
        world,
        upload(client, world, edited, django_capture_on_commit_callbacks, "p2.csv"),
        django_capture_on_commit_callbacks,
    )
    assert (job.state, job.updated_rows, job.imported_rows) == ("done", 1, 0)
    contact = ConcernContact.all_objects.get(concern=concern)
    assert (contact.email, contact.name) == ("pat.new@example.com", "Pat Patient")
    assert PersonalDataAccess.objects.filter(concern=concern, user=world.officer, action="edit").count() == 1
