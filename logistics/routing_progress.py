"""Live progress of a routing run: its phase and how far through it, for the hub's re-plan bar.

Kept in Redis, not on the RoutingRun row: the job plans and writes in one transaction, so a
progress update on the row would only be seen once the run is over. Redis takes each report at
once, costs the job a round trip per report (a few dozen per run), and forgets a report an hour
after the last one. The row keeps what lasts: status, times and the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PROGRESS_TTL_S = 3600

# The phases in order, with the label the hub's view shows.
PHASES: dict[str, str] = {
    "queued": "Waiting for a worker",
    "flights": "Locking the flights",
    "parcels": "Reading the parcels ready to fly",
    "planning": "Booking and stowing parcels",
    "writing": "Writing the plan",
    "done": "Done",
    "failed": "Failed",
}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ProgressReport:
    phase: str
    done: int
    total: int


def _key(run_id: Any) -> str:
    return f"logistics:routing-run:{run_id}:progress"


def progress_report(run_id: Any, *, phase: str, done: int = 0, total: int = 0) -> None:
    """Report how far the run is. A report Redis cannot take is logged and dropped: progress
    is shown to staff, and losing it must never fail the run."""
    try:
        cache.set(_key(run_id), {"phase": phase, "done": done, "total": total}, PROGRESS_TTL_S)
    except RedisError:
        logger.warning("routing run %s: progress not reported (%s)", run_id, phase, exc_info=True)


def progress_of(run_id: Any) -> ProgressReport | None:
    stored = cache.get(_key(run_id))
    if not isinstance(stored, dict):
        return None
    return ProgressReport(
        phase=str(stored.get("phase", "")),
        done=int(stored.get("done", 0)),
        total=int(stored.get("total", 0)),
    )


def reporter(run_id: Any) -> Progress:
    """A progress callback that reports to the run's key."""

    def report(phase: str, done: int, total: int) -> None:
        progress_report(run_id, phase=phase, done=done, total=total)

    return report
