"""How every eWTP job retries: only on transient database errors, with exponential backoff.

A lost or busy database is worth retrying; a bug would fail the same way again, so anything
else fails at once and is logged. Jobs are acknowledged late and idempotent, so a retry or a
redelivery after a killed worker repeats nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def transient_retries(*, max_retries: int, backoff_max: int = 600) -> dict[str, Any]:
    """Options for `@shared_task(...)`: late acks, retries on transient errors only."""
    return {
        "acks_late": True,
        "autoretry_for": TRANSIENT_ERRORS,
        "retry_backoff": True,
        "retry_backoff_max": backoff_max,
        "max_retries": max_retries,
    }
