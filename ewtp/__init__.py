"""eWTP: the Electronic World Trade Platform."""

from ewtp.celery import app as celery_app

__all__ = ["celery_app"]
