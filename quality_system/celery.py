"""The Celery app. Settings come from Django settings with the CELERY_ prefix.

Without CELERY_BROKER_URL the tasks run in-process (see settings), so a newcomer needs no
Redis. Start a worker and the scheduler with:

    celery -A quality_system worker --loglevel=info
    celery -A quality_system beat --loglevel=info
"""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quality_system.settings")


class PrimaryTask(Task):
    """Every task reads from the primary database, even when it runs in-process inside a page
    that reads from a replica (quality_system.db_router); a task that only reads and can be a
    few seconds behind may opt in with `db_router.replica_reads()`."""

    def __call__(self, *args, **kwargs):
        from .db_router import primary

        with primary():
            return super().__call__(*args, **kwargs)


app = Celery("quality_system", task_cls=PrimaryTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
