"""Checking and importing read the file one row at a time (issue 11, item 3).

Peak Python memory (tracemalloc) must stay flat from 5,000 to 50,000 rows, for a file of good
rows (checked, then imported) and for a file of bad rows (checked). What may grow is only the
duplicate check's fingerprints, about 24 bytes a row, well inside the allowance below; before
this change every parsed row and every problem was held, some 1.5 KB a row.
The figures for a 96 MiB file, measured outside CI, are in the README.
"""

from __future__ import annotations

import datetime
import io
import tracemalloc

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from concerns import imports, services
from concerns.models import Concern, ImportJob

pytestmark = pytest.mark.slow
TODAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
HEADER = b"date_received,channel,service_type,sentiment,narrative,themes,severity,external_ref,name,email\n"
ALLOWANCE = 4 * 1024 * 1024  # fingerprints for 45,000 more rows, with room to spare


def good_file(rows: int) -> io.BytesIO:
    lines = (
        f"{1 + i % 28:02d}/10/2026,phone,hospital,negative,Waited {i} hours in A&E; nobody explained why.,"
        f"Waiting times,2,REF-{i},{'Jo Bloggs' if i % 3 == 0 else ''},{'jo@example.org' if i % 3 == 0 else ''}\n"
        for i in range(rows)
    )
    return io.BytesIO(HEADER + "".join(lines).encode())


def bad_file(rows: int) -> io.BytesIO:
    line = "31/02/2026,pigeon,hospital,negative,Every column is wrong here,Teleportation,9,,,not-an-email\n"
    return io.BytesIO(HEADER + (line * rows).encode())


def as_workbook(data: bytes) -> bytes:
    """The same rows as an Excel workbook, written as the export writes (streaming)."""
    import csv

    from quality_system import workbooks

    rows = csv.reader(io.StringIO(data.decode()))
    header = next(rows)
    return workbooks.workbook_file("Experiences", header, rows).read()


def peak(step) -> int:
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def check(world, raw) -> imports.Report:
    report = imports.Report()
    for _ in imports.check_file(raw, world.area, report):
        pass
    return report


def flat(small: int, large: int) -> bool:
    return large < 1.5 * small + ALLOWANCE


@time_machine.travel(TODAY, tick=False)
def test_checking_bad_rows_keeps_the_first_thousand_problems_in_flat_memory(world):
    """The 3.76 GB case: a file where every row is wrong."""
    services.themes_ensure_defaults(locality=world.area)
    files = {n: bad_file(n).getvalue() for n in (5_000, 50_000)}
    reports = {}
    peaks = {n: peak(lambda n=n: reports.__setitem__(n, check(world, io.BytesIO(files[n])))) for n in files}
    assert flat(peaks[5_000], peaks[50_000]), peaks
    assert reports[50_000].problem_count == 50_000 * 5  # every problem counted
    assert len(reports[50_000].problems) == 1000  # the first 1,000 kept


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@time_machine.travel(TODAY, tick=False)
def test_importing_good_rows_writes_in_batches_in_flat_memory(world, monkeypatch, fmt):
    """The import checks each row again as it writes, a batch at a time, in one transaction.
    Writing through the ORM costs about a millisecond a row (five under tracemalloc), so this
    compares 1,000 with 10,000 rows, in batches of 200 so that both sizes span several; from a
    CSV file and from an Excel workbook."""
    monkeypatch.setattr(imports, "BATCH", 200)
    services.themes_ensure_defaults(locality=world.area)
    job = ImportJob.objects.create(
        locality=world.area,
        collecting_body=world.healthwatch,
        uploaded_by=world.officer,
        file=SimpleUploadedFile(f"big.{fmt}", b"x"),
        original_name=f"big.{fmt}",
    )
    peaks, written = {}, {}
    for n in (1_000, 10_000):
        data = good_file(n).getvalue() if fmt == "csv" else as_workbook(good_file(n).getvalue())
        peaks[n] = peak(
            lambda n=n, data=data: written.__setitem__(n, imports.import_file(job=job, raw=io.BytesIO(data)))
        )
        Concern.all_objects.all().delete()
    assert flat(peaks[1_000], peaks[10_000]), peaks
    report, done = written[10_000]
    assert (report.problem_count, done, report.added) == (0, 10_000, 10_000)


HUGE = 20 * 1024 * 1024  # a line of 20 MB of commas: 20 million empty cells if read as one row


@pytest.mark.parametrize(
    ("content", "row"),
    [
        (b"," * HUGE + b"\n", 1),  # the header
        (HEADER + b"," * HUGE + b"\n" + b"01/11/2026,phone,gp,negative,Story,,,,,\n", 2),  # a data row
        (HEADER + (b"," * 500_000 + b'"\n"') * 40 + b'"\n', 2),  # one row over many lines, each in a quote
    ],
    ids=["header", "data-row", "quoted-lines"],
)
def test_a_line_too_long_to_be_a_row_is_refused_before_it_is_read(world, content, row):
    """csv.reader builds a record's whole list of cells before anything can count them, and its
    field size limit caps one cell, not how many: a 96 MiB line of commas took about 1 GB. The
    file's lines are read with a length limit, so such a line is refused while still short."""
    problems = []

    def step():
        try:
            check(world, io.BytesIO(content))
        except imports.FileProblem as problem:
            problems.append(str(problem))

    used = peak(step)
    assert problems and problems[0].startswith(f"Row {row} is too long"), problems
    assert "split it or check the file is a CSV" in problems[0]
    assert used < 60 * 1024 * 1024, used


@time_machine.travel(TODAY, tick=False)
def test_checking_a_workbook_reads_it_a_row_at_a_time_in_flat_memory(world):
    """The same bound for an Excel workbook: checking 5,000 or 50,000 bad rows."""
    services.themes_ensure_defaults(locality=world.area)
    files = {n: as_workbook(bad_file(n).getvalue()) for n in (5_000, 50_000)}
    reports = {}
    peaks = {n: peak(lambda n=n: reports.__setitem__(n, check(world, io.BytesIO(files[n])))) for n in files}
    assert flat(peaks[5_000], peaks[50_000]), peaks
    assert reports[50_000].problem_count == 50_000 * 5
    assert len(reports[50_000].problems) == 1000


def test_writing_a_workbook_streams_its_rows_in_flat_memory():
    """The export's workbook is written a row at a time to a temporary file."""
    from quality_system import workbooks

    def write(n: int) -> None:
        rows = ([f"C-{i:06d}", datetime.date(2026, 10, 1), f"=Story {i} " * 20, i] for i in range(n))
        workbooks.workbook_file("Experiences", ["reference", "date", "narrative", "n"], rows).close()

    peaks = {n: peak(lambda n=n: write(n)) for n in (5_000, 50_000)}
    assert flat(peaks[5_000], peaks[50_000]), peaks
