"""Customs jobs (queue `clearance`). Thin: fetch by id, call one service."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task

from customs import services
from customs.models import Declaration
from ewtp.core.jobs import transient_retries

logger = logging.getLogger(__name__)


@shared_task(
    name="customs.clear_declaration",
    # A worker killed mid-job gives the job back to the queue; the job is idempotent.
    reject_on_worker_lost=True,
    **transient_retries(max_retries=8, backoff_max=120),
    soft_time_limit=60,
    time_limit=90,
)
def clear_declaration(declaration_id: str) -> str | None:
    """Run the automatic clearance of one declaration; a second run changes nothing."""
    try:
        declaration = services.declaration_clear(declaration_id=uuid.UUID(declaration_id))
    except Declaration.DoesNotExist:
        logger.warning("clearance skipped: no declaration %s", declaration_id)
        return None
    return declaration.status


@shared_task(
    name="customs.verify_audit_chain",
    **transient_retries(max_retries=3),
    soft_time_limit=1800,
    time_limit=1900,
)
def verify_audit_chain() -> bool:
    """Nightly (beat): walk the audit trail; a broken link is logged as critical for whoever
    watches the logs. Read-only, so running it twice is harmless."""
    check = services.audit_chain_verify()
    if check.first_break is not None:
        logger.critical(
            "audit chain broken at sequence %s: %s",
            check.first_break.sequence,
            check.first_break.reason,
        )
        return False
    logger.info("audit chain intact: %s entries", check.checked)
    return True


@shared_task(
    name="customs.hold_overdue_information_requests",
    **transient_retries(max_retries=3),
    soft_time_limit=240,
    time_limit=300,
)
def hold_overdue_information_requests() -> int:
    """Every few minutes (beat): declarations whose request for information went unanswered
    past its deadline go on hold. A second run changes nothing."""
    return services.information_requests_hold_overdue()


@shared_task(
    name="customs.flag_missing_export_exits",
    **transient_retries(max_retries=3),
    soft_time_limit=240,
    time_limit=300,
)
def flag_missing_export_exits() -> int:
    """Daily (beat): exports released more than 90 days ago without a confirmed exit raise an
    alert, once each. A second run raises none."""
    return services.exports_flag_missing_exit()
