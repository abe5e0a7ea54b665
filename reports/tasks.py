"""Background jobs for recommendations. Each calls one service."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="reports.tasks.chase_recommendations")
def chase_recommendations() -> int:
    """Reminders before and on a response deadline, then the area's escalation ladder."""
    from .recommendations.chasing import evidence_chase, recommendations_chase

    today = timezone.localdate()
    return recommendations_chase(today=today) + evidence_chase(today=today)


@shared_task(name="reports.tasks.build_board_pack", time_limit=900, soft_time_limit=840)
def build_board_pack(pack_id: int) -> None:
    """Build one board pack (the paper and its PDF)."""
    from .board.services import board_pack_build

    board_pack_build(pack_id)


@shared_task(name="reports.tasks.sweep_board_packs")
def sweep_board_packs() -> int:
    """Packs still waiting (their message was lost) or whose worker died are built again."""
    from .board.services import board_packs_stuck
    from .models import BoardPack

    board_packs_stuck(timezone.now())
    waiting = list(
        BoardPack.objects.filter(
            state=BoardPack.State.QUEUED, created_at__lt=timezone.now() - datetime.timedelta(minutes=2)
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        build_board_pack.delay(pk)
    return len(waiting)


@shared_task(name="reports.tasks.send_weekly_digests")
def send_weekly_digests() -> int:
    """The board's weekly email, for the members who asked for it (once per person per week)."""
    from .board.services import weekly_digests_send

    return weekly_digests_send(timezone.localdate())
