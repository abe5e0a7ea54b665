"""WSGI entry point (gunicorn quality_system.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quality_system.settings")
application = get_wsgi_application()
