"""WSGI entry point (gunicorn ewtp.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewtp.settings.local")

application = get_wsgi_application()
