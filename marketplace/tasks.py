"""Marketplace jobs (queue `default`, bulk imports on `imports`). Thin: call one service."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ewtp.core.jobs import transient_retries
from marketplace import selectors, services
from marketplace.ecb import ecb_rates
from marketplace.models import ImportJob
from marketplace.services.campaigns import campaigns_end_expired

logger = logging.getLogger(__name__)

# The ECB revises a rate rarely and only for recent days; two weeks back covers holidays.
RATES_LOOKBACK = timedelta(days=14)


@shared_task(
    name="marketplace.certificates_check",
    **transient_retries(max_retries=5),
    soft_time_limit=240,
    time_limit=300,
)
def certificates_check() -> dict[str, int]:
    """Beat, daily: unpublish listings whose required certificate lapsed; warn 30 days ahead."""
    result = services.certificates_check()
    return {"unpublished": result.unpublished, "warned": result.warned}


@shared_task(
    name="marketplace.load_exchange_rates",
    **transient_retries(max_retries=5),
    soft_time_limit=120,
    time_limit=180,
)
def load_exchange_rates() -> int:
    """Beat, daily: store the ECB reference rates newer than those stored (all of them the
    first time), idempotently; returns how many rows were new."""
    latest = selectors.exchange_rate_latest_date()
    since = min(latest, timezone.localdate()) - RATES_LOOKBACK if latest else None
    return services.exchange_rates_load(rates=ecb_rates(since=since)).created


@shared_task(
    name="marketplace.end_expired_campaigns",
    **transient_retries(max_retries=5),
    soft_time_limit=120,
    time_limit=180,
)
def end_expired_campaigns() -> int:
    """Beat, daily: end the active campaigns whose last day has passed; returns how many."""
    return campaigns_end_expired()


@shared_task(
    name="marketplace.expire_unpaid_orders",
    **transient_retries(max_retries=5),
    soft_time_limit=240,
    time_limit=300,
)
def expire_unpaid_orders() -> int:
    """Beat, every minute: expire orders unpaid past the payment window, a batch per
    transaction until a batch comes back short; returns how many expired."""
    expired = 0
    while True:
        batch = services.orders_expire_unpaid()
        expired += batch
        if batch < services.EXPIRY_BATCH:
            return expired


@shared_task(
    name="marketplace.close_payout_statements",
    **transient_retries(max_retries=5),
    soft_time_limit=540,
    time_limit=600,
)
def close_payout_statements() -> int:
    """Beat, on the 1st: build and close last month's payout statements (idempotent: a closed
    statement is returned as it is); returns how many are closed."""
    last_month = timezone.now().date().replace(day=1) - timedelta(days=1)
    return services.payout_statements_close_month(month=last_month)


# Within the broker's visibility timeout (900 s), so a running import is never handed out twice.
@shared_task(
    name="marketplace.imports.import_catalog",
    **transient_retries(max_retries=5),
    soft_time_limit=780,
    time_limit=840,
)
def import_catalog(job_id: str) -> str | None:
    """Run one catalogue import job (queue `imports`); a finished job is left as it is and a
    redelivered one resumes after its last committed batch."""
    from marketplace.catalog_io import import_job_run  # the services queue this task

    try:
        return import_job_run(job_id=uuid.UUID(job_id)).status
    except ImportJob.DoesNotExist:
        logger.warning("catalogue import skipped: no job %s", job_id)
        return None
