"""Background jobs for recommendations. Each calls one service."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="reports.tasks.chase_recommendations")
def chase_recommendations() -> int:
    """Reminders before and on a response deadline, then the area's escalation ladder."""
    from .services import evidence_chase, recommendations_chase

    today = timezone.localdate()
    return recommendations_chase(today) + evidence_chase(today)
