"""How long an uploaded CSV is kept, and how much an area may store.

An upload is full of names, contact details and stories, so it is kept only while it is needed:
- deleted as soon as its job ends (imported, refused, failed), keeping the job's report;
- a checked file waiting for the go-ahead is deleted after IMPORT_KEEP_CHECKED_DAYS (7);
- each area may store at most IMPORT_AREA_STORAGE_BYTES of uploads at once.
The hourly sweep (CELERY_BEAT_SCHEDULE "forget-import-files") does the waiting and the tidying.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from .models import ImportJob

logger = logging.getLogger(__name__)

ENDED = (ImportJob.State.INVALID, ImportJob.State.DONE, ImportJob.State.FAILED, ImportJob.State.EXPIRED)
NOT_RECORDED = "Something went wrong and nothing was imported. Upload the file again, or contact support."


def _delete_upload(job: ImportJob) -> bool:
    """Delete the job's stored file. False when the storage refused (the sweep tries again)."""
    if not job.file:
        return False
    try:
        job.file.delete(save=False)
    except OSError:
        logger.exception("Could not delete the upload of import %s; the sweep will try again", job.pk)
        return False
    return True


def end_job(
    job: ImportJob,
    state: str,
    *,
    failure: str = "",
    errors: list | None = None,
    error_count: int = 0,
    error_rows: int = 0,
) -> None:
    """Record how a step ended, and delete the upload unless it waits for the go-ahead.
    If even that cannot be saved, the job still ends, as failed."""
    job.state, job.failure, job.finished_at = state, failure, timezone.now()
    if errors is not None:
        job.errors, job.error_count, job.error_rows = errors, error_count, error_rows
    if state == ImportJob.State.READY:
        job.attempts = 0  # the import step gets its own three tries
    else:
        _delete_upload(job)
    try:
        job.save()
    except Exception:
        logger.exception("Could not record the end of import %s", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, failure=NOT_RECORDED, finished_at=timezone.now(), updated_at=timezone.now()
        )


def _expired_message(days: int) -> str:
    return (
        f"This checked file was not imported within {days} days, so it has been deleted and nothing was imported. "
        "Upload it again to import it."
    )


def forget_upload_files(now: datetime.datetime) -> int:
    """Delete checked files left waiting too long, and any file a job that ended still has.
    Returns how many files were deleted."""
    days = settings.IMPORT_KEEP_CHECKED_DAYS
    forgotten = 0
    waiting = ImportJob.objects.filter(state=ImportJob.State.READY, finished_at__lt=now - datetime.timedelta(days=days))
    for job in waiting.select_related("locality"):
        # Claimed first, so an import started this moment cannot lose its file.
        if ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.READY).update(state=ImportJob.State.EXPIRED):
            had_file = bool(job.file)
            end_job(job, ImportJob.State.EXPIRED, failure=_expired_message(days))
            if had_file and not job.file:
                forgotten += 1
    for job in ImportJob.objects.filter(state__in=ENDED).exclude(file=""):
        if _delete_upload(job):
            job.save(update_fields=["file"])
            forgotten += 1
    return forgotten
