"""The Celery app. Settings come from Django settings with the CELERY_ prefix.

Without CELERY_BROKER_URL the tasks run in-process (see settings), so a newcomer needs no
Redis. Start a worker and the scheduler with:

    celery -A quality_system worker --loglevel=info
    celery -A quality_system beat --loglevel=info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quality_system.settings")

app = Celery("quality_system")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
