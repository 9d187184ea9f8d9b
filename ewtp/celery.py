"""The Celery application. Queues, routes and the beat schedule live in settings (code, not DB)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewtp.settings.local")

app = Celery("ewtp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["ewtp.core"])
