"""CSV imports under hostile or heavy input (issue 11, items 2, 3, 4 and 10).

- A job always ends: a failing step ends as failed with a message that fits its column, and a
  task's own error is never taken for the queue being down.
- The check refuses every row the import or the database would refuse, naming row, column and limit.
- Uploaded files are deleted once their job ends, and each area has a cap on what it stores.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concerns import imports, tasks
from concerns.models import Concern, ImportJob
from tests.conftest import make_alert, make_concern

TODAY = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
HEADER = "date_received,channel,service_type,sentiment,narrative,status,closed_reason,external_ref,name,phone\n"


def post_file(client, world, content: bytes, capture, name="experiences.csv"):
    with capture(execute=True):
        return client.post(
            reverse("concerns:import", args=[world.area.slug]),
            {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        )


def upload(client, world, content: bytes, capture, name="experiences.csv") -> ImportJob:
    response = post_file(client, world, content, capture, name=name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def run(client, world, job: ImportJob, capture) -> ImportJob:
    with capture(execute=True):
        client.post(reverse("concerns:import-run", args=[world.area.slug, job.pk]))
    job.refresh_from_db()
    return job


def page(client, world, job: ImportJob) -> str:
    return client.get(reverse("concerns:import-job", args=[world.area.slug, job.pk])).content.decode()


def report(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(row, column): message for row, column, message in job.errors}


# ---------------------------------------------------------------- item 2: every job ends


@time_machine.travel(TODAY, tick=False)
def test_a_header_of_300_unknown_columns_ends_with_a_message_that_fits(
    world, login, django_capture_on_commit_callbacks
):
    header = HEADER.strip() + "," + ",".join(f"unexpected_column_{i}" for i in range(300)) + "\n"
    client = login(world.officer)
    job = upload(client, world, header.encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "invalid" and job.is_finished()
    limit = ImportJob._meta.get_field("failure").max_length
    assert len(job.failure) <= limit
    assert "columns this import does not know: unexpected_column_0, unexpected_column_1" in job.failure
    assert "and 290 more" in job.failure
    assert "and 290 more" in page(client, world, job)
    assert tasks.sweep_imports.delay().get() == 0  # nothing left for the sweep to retry


@time_machine.travel(TODAY, tick=False)
def test_a_header_of_too_many_columns_is_refused_at_once(world, login, django_capture_on_commit_callbacks):
    header = HEADER.strip() + "," * 5000 + "\n"
    job = upload(login(world.officer), world, header.encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "invalid"
    assert job.failure.startswith("The header row has 5,010 columns; this import reads at most 1,000.")


def test_a_failure_too_long_for_its_column_is_shortened_when_saved(world):
    job = ImportJob.objects.create(
        locality=world.area,
        collecting_body=world.healthwatch,
        uploaded_by=world.officer,
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        failure="Too long. " * 200,
    )
    job.refresh_from_db()
    assert len(job.failure) == ImportJob._meta.get_field("failure").max_length
    assert job.failure.endswith("…")


@time_machine.travel(TODAY, tick=False)
def test_a_check_that_crashes_ends_as_failed_and_does_not_stop_other_work(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    """No broker (the quick start): the task runs in the request. Its own error must end the job
    as failed, and must not be taken for the broker being down, which would leave an urgent
    alert's emails queued behind it unsent."""

    def crash(*args, **kwargs):
        raise RuntimeError("a bug in the check")

    monkeypatch.setattr(imports, "check_file", crash)
    client = login(world.officer)
    job = upload(
        client,
        world,
        (HEADER + "01/11/2026,phone,gp,negative,Story,,,,,\n").encode(),
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.state == "failed"
    assert (
        job.failure
        == "Something went wrong while checking the file, and nothing was imported. Upload it again, or contact support if this happens again."
    )
    assert "The import failed" in page(client, world, job)

    with django_capture_on_commit_callbacks(execute=True):
        make_alert(world, summary="Urgent safeguarding", safeguarding=True)
    assert any("Urgent safeguarding" in m.subject for m in mail.outbox)


# ---------------------------------------------------------------- item 4: the check enforces every rule


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"status": "closed", "closed_reason": "x" * 600},
            "closed_reason",
            "Reason for closing must be 500 characters or fewer (it has 600)",
        ),
        ({"external_ref": "R" * 61}, "external_ref", "External reference must be 60 characters or fewer (it has 61)"),
        ({"narrative": "n" * 10_001}, "narrative", "Narrative must be 10,000 characters or fewer (it has 10,001)"),
        ({"phone": "0" * 31}, "phone", "Phone must be 30 characters or fewer (it has 31)"),
        ({"date_received": "01/01/0001"}, "date_received", "Date received ‘01/01/0001’ must be in 1900 or later"),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_the_check_refuses_what_the_database_would_refuse(
    world, login, django_capture_on_commit_callbacks, cells, column, message
):
    values = {"date_received": "01/11/2026", "channel": "phone", "service_type": "gp", "sentiment": "negative"}
    values |= {"narrative": "Story", "status": "", "closed_reason": "", "external_ref": "", "name": "", "phone": ""}
    values |= cells
    row = ",".join(values[c] for c in HEADER.strip().split(",")) + "\n"
    job = upload(login(world.officer), world, (HEADER + row).encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "invalid"
    assert report(job) == {(2, column): message}


@time_machine.travel(TODAY, tick=False)
def test_a_severity_in_other_digits_is_explained(world, login, django_capture_on_commit_callbacks):
    content = "date_received,channel,service_type,sentiment,narrative,severity\n01/11/2026,phone,gp,negative,Story,²\n"
    job = upload(login(world.officer), world, content.encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert report(job) == {(2, "severity"): "Severity must be a whole number from 0 to 5, not ‘²’"}


@time_machine.travel(TODAY, tick=False)
def test_long_values_are_shortened_in_the_report(world, login, django_capture_on_commit_callbacks):
    content = f"date_received,channel,service_type,sentiment,narrative\n01/11/2026,{'p' * 5000},gp,negative,Story\n"
    job = upload(login(world.officer), world, content.encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    message = report(job)[(2, "channel")]
    assert message.startswith("Channel ‘pppp") and "…’ is not one of" in message
    assert len(message) < 300


# ---------------------------------------------------------------- item 10: uploads are not kept


@time_machine.travel(TODAY, tick=False)
def test_an_upload_is_deleted_once_imported_keeping_the_report(world, login, django_capture_on_commit_callbacks):
    client = login(world.officer)
    job = upload(
        client,
        world,
        (HEADER + "01/11/2026,phone,gp,negative,Story,,,,Jo,0123\n").encode(),
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    stored = job.file.name
    assert job.state == "ready" and default_storage.exists(stored)  # kept for the go-ahead
    job = run(client, world, job, django_capture_on_commit_callbacks)
    assert (job.state, job.imported_rows) == ("done", 1)
    assert not default_storage.exists(stored)
    assert not job.file
    assert "1 experience imported" in page(client, world, job)


@time_machine.travel(TODAY, tick=False)
def test_a_rejected_upload_is_deleted_at_once(world, login, django_capture_on_commit_callbacks):
    client = login(world.officer)
    content = (HEADER + "31/02/2026,phone,gp,negative,Story,,,,Jo Bloggs,0123\n").encode()
    job = upload(client, world, content, django_capture_on_commit_callbacks, name="rejected.csv")
    job.refresh_from_db()
    assert job.state == "invalid" and not job.file
    assert not any("rejected" in name for name in default_storage.listdir("imports/2026/11")[1])
    text = page(client, world, job)
    assert "must be a real date" in text  # the report stays
    assert "The file you uploaded has been deleted" in text


@time_machine.travel(TODAY, tick=False)
def test_a_checked_file_not_imported_is_deleted_after_the_set_days(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_KEEP_CHECKED_DAYS = 7
    client = login(world.officer)
    job = upload(
        client,
        world,
        (HEADER + "01/11/2026,phone,gp,negative,Story,,,,,\n").encode(),
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    stored = job.file.name
    with time_machine.travel(TODAY + datetime.timedelta(days=6), tick=False):
        assert tasks.forget_import_files.delay().get() == 0
    assert default_storage.exists(stored)
    with time_machine.travel(TODAY + datetime.timedelta(days=7, minutes=1), tick=False):
        assert tasks.forget_import_files.delay().get() == 1
        job.refresh_from_db()
        assert (job.state, job.file.name) == ("expired", "")
        assert not default_storage.exists(stored)
        text = page(login(world.officer), world, job)  # signed in again: a week has passed
        assert "was not imported within 7 days" in text
        response = client.post(reverse("concerns:import-run", args=[world.area.slug, job.pk]))
    assert not Concern.all_objects.exists()
    assert response.status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_each_area_has_a_cap_on_stored_uploads(world, login, settings, django_capture_on_commit_callbacks):
    content = (HEADER + "01/11/2026,phone,gp,negative,Story,,,,,\n").encode()
    settings.IMPORT_AREA_STORAGE_BYTES = len(content) * 2
    client = login(world.officer)
    upload(client, world, content, django_capture_on_commit_callbacks)
    upload(client, world, content.replace(b"Story", b"Tales"), django_capture_on_commit_callbacks)
    response = post_file(client, world, content.replace(b"Story", b"Third"), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert (
        "There is no room to store this file. Your area has 2 uploaded files waiting to be checked or imported. "
        "Import them, or wait for them to be deleted after 7 days, then upload this file again."
        in response.content.decode()
    )
    assert ImportJob.objects.count() == 2


def test_the_sweep_deletes_files_left_by_jobs_that_already_ended(world):
    make_concern(world)
    job = ImportJob.objects.create(
        locality=world.area,
        collecting_body=world.healthwatch,
        uploaded_by=world.officer,
        file=SimpleUploadedFile("old.csv", b"name\nJo Bloggs\n"),
        original_name="old.csv",
        state=ImportJob.State.DONE,
    )
    stored = job.file.name
    assert tasks.forget_import_files.delay().get() == 1
    assert not default_storage.exists(stored)


def test_a_check_whose_worker_died_three_times_ends_as_failed(world):
    job = ImportJob.objects.create(
        locality=world.area,
        collecting_body=world.healthwatch,
        uploaded_by=world.officer,
        file=SimpleUploadedFile("killer.csv", b"date_received\n"),
        original_name="killer.csv",
        attempts=3,
    )
    stored = job.file.name
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=11)
    with time_machine.travel(later):
        assert tasks.sweep_imports.delay().get() == 0  # not sent a fourth time
    job.refresh_from_db()
    assert job.state == "failed" and "could not finish this after 3 tries" in job.failure
    assert not default_storage.exists(stored)
