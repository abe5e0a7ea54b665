"""Housekeeping jobs. Each task takes ids or nothing and calls one piece of code."""

import datetime

from celery import shared_task
from django.core import management
from django.utils import timezone


@shared_task(name="agencies.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (they hold who was signed in, and when)."""
    management.call_command("clearsessions")


@shared_task(name="agencies.tasks.forget_old_sign_in_attempts")
def forget_old_sign_in_attempts(days: int = 90) -> int:
    """Delete records of sign-in attempts older than `days` (they hold IP addresses)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted = 0
    deleted += AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


@shared_task(name="agencies.tasks.deliver_notification", acks_late=True)
def deliver_notification(notification_id: int) -> bool:
    """Send one outbox message (a hint from the request that created it)."""
    from .notifications import deliver

    return deliver(notification_id)


@shared_task(name="agencies.tasks.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    """Send everything due in the outbox and recover messages whose worker died."""
    from .notifications import sweep

    return sweep()


@shared_task(name="agencies.tasks.send_digests")
def send_digests() -> int:
    """The daily summary email for people who chose it."""
    from .notifications import digests_send

    return digests_send(timezone.localdate())


@shared_task(name="agencies.tasks.run_handovers", acks_late=True)
def run_handovers() -> int:
    """Do the handover plans whose date has come (each all or nothing, each once)."""
    from .handover_services import handovers_run

    return handovers_run(timezone.localdate())
