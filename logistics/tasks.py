"""Logistics jobs (queue `routing`). Thin: fetch by id, call one service."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task

from ewtp.core.jobs import transient_retries
from logistics import services
from logistics.models import Shipment
from logistics.services import partitions

logger = logging.getLogger(__name__)


@shared_task(
    name="logistics.route_shipment",
    **transient_retries(max_retries=8, backoff_max=120),
    soft_time_limit=30,
    time_limit=60,
)
def route_shipment(shipment_id: str) -> str | None:
    """Book one new shipment on a flight; one already booked is left alone."""
    try:
        shipment = services.shipment_route(shipment_id=uuid.UUID(shipment_id))
    except Shipment.DoesNotExist:
        logger.warning("routing skipped: no shipment %s", shipment_id)
        return None
    return shipment.status


@shared_task(
    name="logistics.route_ready_shipments",
    **transient_retries(max_retries=3),
    soft_time_limit=240,
    time_limit=300,
)
def route_ready_shipments(run_id: str | None = None) -> str | None:
    """Plan every shipment waiting for a flight in one job: by beat every minute (new flights,
    freed capacity) and on demand (a re-plan asked for by staff, a cancelled flight, a hold)."""
    run = services.routing_run(run_id=uuid.UUID(run_id) if run_id else None)
    return None if run is None else run.status


@shared_task(
    name="logistics.flag_stale_shipments",
    **transient_retries(max_retries=3),
    soft_time_limit=240,
    time_limit=300,
)
def flag_stale_shipments() -> int:
    """Put parcels with no report for longer than their status allows, and those blocked or
    waiting too long, in the hub's exception queue (beat, every ten minutes). Idempotent: a
    parcel is flagged once per quiet spell, block or wait."""
    return services.shipments_flag_stale() + services.shipments_flag_overdue()


@shared_task(
    name="logistics.maintain_tracking_partitions",
    **transient_retries(max_retries=3),
    soft_time_limit=240,
    time_limit=300,
)
def maintain_tracking_partitions() -> dict[str, object]:
    """Tracking-event partitions for the months ahead, months past retention detached (beat,
    daily). Idempotent: a second run finds nothing to do."""
    outcome = partitions.tracking_partitions_maintain()
    if outcome.created or outcome.detached:
        logger.info(
            "tracking partitions: created %s, detached %s, %d keys deleted",
            outcome.created,
            outcome.detached,
            outcome.keys_deleted,
        )
    return {
        "created": outcome.created,
        "detached": outcome.detached,
        "keys_deleted": outcome.keys_deleted,
    }
