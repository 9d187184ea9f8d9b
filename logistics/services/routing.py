"""Routing: booking a shipment on the next flight to its destination that can take it."""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from logistics.models import Flight, Shipment, ShipmentStatus
from logistics.services.shipments import shipment_move

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 500


@transaction.atomic
def shipment_route(*, shipment_id: uuid.UUID) -> Shipment:
    """Book the shipment on the earliest scheduled flight to its destination whose cut-off is
    still ahead and whose remaining capacity takes its weight. The flight row is locked while
    it is booked, so concurrent routing never overbooks it. A shipment already booked, or with
    no flight that can take it yet, is left as it is."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    if shipment.status != ShipmentStatus.CREATED:
        return shipment
    # FOR UPDATE re-checks the filter on the row it locks: a flight another booking filled
    # while we waited is skipped and the next one taken.
    flight = (
        Flight.objects.select_for_update(of=("self",))
        .bookable(
            destination_id=shipment.destination_id,
            weight_kg=shipment.weight_kg,
            now=timezone.now(),
        )
        .select_related("carrier")
        .first()
    )
    if flight is None:
        logger.info(
            "shipment %s waits: no flight to %s can take it", shipment.pk, shipment.destination_id
        )
        return shipment
    Flight.objects.filter(pk=flight.pk).update(
        booked_kg=F("booked_kg") + shipment.weight_kg, updated_at=timezone.now()
    )
    return shipment_move(
        shipment=shipment,
        to=ShipmentStatus.ROUTED,
        reason=f"booked on {flight.number} departing {flight.departure_at:%Y-%m-%d %H:%M}Z",
        flight=flight,
    )


def shipments_route_ready(*, limit: int = DEFAULT_BATCH) -> int:
    """Try to book every shipment still waiting for a flight, oldest first, each in its own
    short transaction (one flight lock at a time). Returns how many were booked."""
    routed = 0
    waiting = list(Shipment.objects.ready_for_routing().values_list("pk", flat=True)[:limit])
    for shipment_id in waiting:
        if shipment_route(shipment_id=shipment_id).status == ShipmentStatus.ROUTED:
            routed += 1
    return routed
