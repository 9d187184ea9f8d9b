"""The Celery application. Queues, routes and the beat schedule live in settings (code, not DB)."""

import os
from typing import Any

from celery import Celery, signals

from ewtp.core import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewtp.settings.local")

app = Celery("ewtp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["ewtp.core"])


@signals.before_task_publish.connect
def _carry_request_id(headers: dict[str, object] | None = None, **kwargs: Any) -> None:
    request_id.carry_into_task(headers)


@signals.task_prerun.connect
def _adopt_request_id(task: Any = None, **kwargs: Any) -> None:
    if task is not None:
        request_id.adopt_from_task(task.request)
