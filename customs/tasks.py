"""Customs jobs (queue `clearance`). Thin: fetch by id, call one service."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import Task, shared_task

from customs import services
from customs.models import Declaration, DeclarationStatus
from ewtp.core.jobs import transient_retries

logger = logging.getLogger(__name__)


# A held declaration is usually free again within a second or two (the holder commits, or the
# database ends a dead worker's session); the sweeper (beat) catches anything longer.
BUSY_RETRY_SECONDS = 2
BUSY_RETRIES = 30


@shared_task(
    bind=True,
    name="customs.clear_declaration",
    # A worker killed mid-job gives the job back to the queue; the job is idempotent.
    reject_on_worker_lost=True,
    **transient_retries(max_retries=8, backoff_max=120),
    soft_time_limit=60,
    time_limit=90,
)
def clear_declaration(self: Task[Any, Any], declaration_id: str) -> str | None:
    """Run the automatic clearance of one declaration (queued when it is filed), topped up with
    the oldest others waiting: under load, one job clears a batch and the jobs of the
    declarations it took find theirs done. A second run changes nothing. A declaration another
    transaction still holds (another batch, or the session of a worker killed mid-job that the
    database has not ended yet) is tried again shortly, so it never waits for the sweeper."""
    batch = services.declarations_clear_batch(
        declaration_ids=[uuid.UUID(declaration_id)], top_up_to=services.CLEARANCE_BATCH_SIZE
    )
    if len(batch.statuses) > 1:
        logger.info("clearance batch of %s declarations", len(batch.statuses))
    own = uuid.UUID(declaration_id)
    if own in batch.statuses:
        return batch.statuses[own]
    # Decided earlier, taken by another job's batch, or gone.
    status = Declaration.objects.filter(pk=own).values_list("status", flat=True).first()
    if status is None:
        logger.warning("clearance skipped: no declaration %s", declaration_id)
    if status == DeclarationStatus.SUBMITTED:
        raise self.retry(countdown=BUSY_RETRY_SECONDS, max_retries=BUSY_RETRIES)
    return status


@shared_task(
    name="customs.clear_declarations",
    reject_on_worker_lost=True,
    **transient_retries(max_retries=8, backoff_max=120),
    soft_time_limit=120,
    time_limit=180,
)
def clear_declarations(declaration_ids: list[str]) -> dict[str, int]:
    """Clear a batch of declarations (the dispatcher's jobs) in one transaction; ids already
    decided, or being cleared by another job, are left alone. Returns counts per status."""
    batch = services.declarations_clear_batch(
        declaration_ids=[uuid.UUID(value) for value in declaration_ids]
    )
    counts: dict[str, int] = {}
    for status in batch.statuses.values():
        counts[status] = counts.get(status, 0) + 1
    return counts


@shared_task(
    name="customs.dispatch_waiting_declarations",
    **transient_retries(max_retries=3),
    soft_time_limit=50,
    time_limit=60,
)
def dispatch_waiting_declarations() -> int:
    """Every minute (beat): declarations still submitted a minute after filing lost their job;
    queue them again in batches."""
    return services.declarations_dispatch_waiting()


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


@shared_task(
    name="customs.match_documents",
    reject_on_worker_lost=True,
    **transient_retries(max_retries=8, backoff_max=120),
    soft_time_limit=30,
    time_limit=60,
)
def match_documents(order_id: str) -> str | None:
    """Match an order's CBEC documents (queued on each arrival). A second run changes nothing."""
    match = services.document_match_run(order_id=uuid.UUID(order_id))
    return None if match is None else match.status


@shared_task(
    name="customs.match_documents_many",
    reject_on_worker_lost=True,
    **transient_retries(max_retries=8, backoff_max=120),
    soft_time_limit=120,
    time_limit=180,
)
def match_documents_many(order_ids: list[str]) -> int:
    """Match the CBEC documents of orders whose declarations were just assessed, each in its
    own transaction; a second run changes nothing. Returns how many had documents."""
    return sum(
        services.document_match_run(order_id=uuid.UUID(order_id)) is not None
        for order_id in order_ids
    )
