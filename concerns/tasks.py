"""Background jobs for concerns. Each takes ids and calls one service."""

import logging

from celery import shared_task
from django.utils import timezone

from agencies.models import Locality

from .trends import trend_signals_detect

logger = logging.getLogger(__name__)


@shared_task(name="concerns.tasks.detect_trends")
def detect_trends(locality_id: int | None = None) -> int:
    """Run the trend job for one area, or for every area. One bad area does not stop the rest."""
    localities = Locality.objects.all() if locality_id is None else Locality.objects.filter(pk=locality_id)
    found = 0
    for locality in localities.order_by("pk"):
        try:
            found += trend_signals_detect(locality=locality, today=timezone.localdate())
        except Exception:
            logger.exception("Trend job failed for area %s; carrying on with the others", locality.pk)
    return found


@shared_task(name="concerns.tasks.check_import", time_limit=3600, soft_time_limit=3500)
def check_import(job_id: int) -> None:
    """Check every row of an uploaded CSV and record the report."""
    from .imports import job_check

    job_check(job_id)


@shared_task(name="concerns.tasks.run_import", time_limit=3600, soft_time_limit=3500)
def run_import(job_id: int) -> None:
    """Import a checked CSV, all rows or none."""
    from .imports import job_import

    job_import(job_id)


@shared_task(name="concerns.tasks.sweep_imports")
def sweep_imports() -> int:
    """Send again the import steps whose message was lost or whose worker died."""
    from .imports import stuck_jobs

    checks, imports = stuck_jobs(timezone.now())
    for pk in checks:
        check_import.delay(pk)
    for pk in imports:
        run_import.delay(pk)
    return len(checks) + len(imports)


@shared_task(name="concerns.tasks.forget_import_files")
def forget_import_files() -> int:
    """Delete uploads no longer needed: checked files left waiting too long, and any left by
    jobs that ended. The jobs' reports are kept."""
    from .import_files import forget_upload_files

    return forget_upload_files(timezone.now())


@shared_task(name="concerns.tasks.chase_alerts")
def chase_alerts() -> int:
    """Reminders before, on and after an alert's deadline, then escalation; each sent once."""
    from .alerts import alerts_chase

    return alerts_chase(timezone.localdate())


@shared_task(name="concerns.tasks.purge_rejected_submissions")
def purge_rejected_submissions() -> int:
    """Remove the personal details of experiences rejected as spam once their area's retention
    period has passed (each removal is recorded)."""
    from .triage import rejected_purge

    return rejected_purge(now=timezone.now())


@shared_task(name="concerns.tasks.refresh_summaries")
def refresh_summaries(locality_id: int | None = None) -> int:
    """Rebuild the monthly counts of one area, or of every area whose concerns changed."""
    from . import summaries

    if locality_id is not None:
        return summaries.refresh(locality_id)
    return summaries.refresh_stale()


@shared_task(name="concerns.tasks.send_follow_ups")
def send_follow_ups() -> int:
    """Ask "Did things get better?" six weeks after a concern closed (once per concern)."""
    from .follow_ups import follow_ups_send

    return follow_ups_send()


@shared_task(name="concerns.tasks.destroy_sealed_details")
def destroy_sealed_details() -> int:
    """Blank the sealed personal details and narratives whose retention period has ended."""
    from .seal_services import seals_destroy_due

    return seals_destroy_due()


@shared_task(name="concerns.tasks.tell_new_record_holders")
def tell_new_record_holders() -> int:
    """Tell people who asked to hear back which body now holds their record after a handover."""
    from .holder_news import tell_recent

    return tell_recent()
