"""Housekeeping jobs of the platform core."""

from __future__ import annotations

from celery import shared_task

from ewtp.core.idempotency import purge_expired_records


@shared_task(name="ewtp.core.purge_idempotency_records")
def purge_idempotency_records() -> int:
    return purge_expired_records()
