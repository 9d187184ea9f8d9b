"""Writes of shipments: creating one for cleared goods, and moving it forward."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics import tasks, tracking_numbers
from logistics.events import EVENT_FOR_STATUS, shipment_event_data
from logistics.models import (
    HUB_IATA,
    SHIPMENT_STATUS_RANK,
    Airport,
    Flight,
    Shipment,
    ShipmentStatus,
    ShipmentStatusChange,
    TrackingEvent,
)
from logistics.services.subscriptions import (
    MILESTONES,
    ShipmentMilestone,
    shipment_milestones_notify,
)

TRACKING_NUMBER_ATTEMPTS = 5


def publish_shipment_event(shipment: Shipment) -> None:
    """The shipment's current state to everyone who may read it: marketplace, merchant and,
    once it is booked on a flight (or, inbound, once it is manifested), the carrier."""
    shipment = Shipment.objects.select_related(
        "marketplace", "merchant", "carrier", "flight__carrier"
    ).get(pk=shipment.pk)
    recipients = [
        org
        for org in (shipment.marketplace, shipment.merchant, shipment.carrier)
        if org is not None
    ]
    publish(
        type=EVENT_FOR_STATUS[shipment.status],
        data=shipment_event_data(shipment),
        recipients=recipients,
    )


def shipment_move(
    *,
    shipment: Shipment,
    to: ShipmentStatus,
    reason: str = "",
    tracking_event: TrackingEvent | None = None,
    flight: Flight | None = None,
    at: datetime | None = None,
) -> Shipment:
    """Move a locked shipment forward, audit it and publish. Callers hold the row lock."""
    if SHIPMENT_STATUS_RANK[to] <= SHIPMENT_STATUS_RANK[shipment.status]:
        raise DomainError(
            f"A shipment that is {shipment.status} cannot go back to {to}.",
            code="shipment_status_backwards",
        )
    now = timezone.now()
    previous = shipment.status
    shipment.status = to
    shipment.updated_at = now
    fields = ["status", "updated_at"]
    if flight is not None:
        shipment.flight = flight
        shipment.carrier_id = flight.carrier_id
        shipment.routed_at = now
        fields += ["flight", "carrier", "routed_at"]
    if to == ShipmentStatus.DELIVERED:
        shipment.delivered_at = at or now
        fields.append("delivered_at")
    shipment.save(update_fields=fields)
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        from_status=previous,
        to_status=to,
        reason=reason[:500],
        tracking_event=tracking_event,
        changed_at=now,
    )
    publish_shipment_event(shipment)
    if to in MILESTONES:
        shipment_milestones_notify(
            milestones=[
                ShipmentMilestone(str(shipment.pk), shipment.tracking_number, to.value, at or now)
            ]
        )
    shipment.refresh_from_db()
    return shipment


def _new_tracking_number() -> str:
    for _ in range(TRACKING_NUMBER_ATTEMPTS):
        number = tracking_numbers.generate()
        if not Shipment.objects.filter(tracking_number=number).exists():
            return number
    raise Conflict("Could not draw a free tracking number.", code="tracking_number_exhausted")


@transaction.atomic
def shipment_create(
    *,
    order_id: uuid.UUID,
    order_reference: str,
    marketplace: Organization,
    merchant: Organization,
    consignee_country: str,
    destination_iata: str,
    weight_kg: Decimal,
) -> Shipment:
    """Take cleared goods into the hub and queue their routing. One shipment per order:
    creating it again returns the first one."""
    existing = Shipment.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    destination = (
        Airport.objects.exclude(iata=HUB_IATA).filter(iata=destination_iata, served=True).first()
    )
    if destination is None:
        raise DomainError(
            f"The hub does not serve {destination_iata}.", code="destination_not_served"
        )
    if weight_kg <= 0:
        raise DomainError("A shipment weighs something.", code="weight_not_positive")
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                order_id=order_id,
                order_reference=order_reference,
                marketplace=marketplace,
                merchant=merchant,
                consignee_country=consignee_country,
                destination=destination,
                weight_kg=weight_kg,
                tracking_number=_new_tracking_number(),
            )
    except IntegrityError:
        raise Conflict(
            "A shipment for this order or tracking number already exists.",
            code="shipment_exists",
        ) from None
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        from_status="",
        to_status=ShipmentStatus.CREATED,
        reason=f"order {order_reference} cleared",
        changed_at=shipment.created_at,
    )
    publish_shipment_event(shipment)
    shipment_id = str(shipment.pk)
    transaction.on_commit(lambda: tasks.route_shipment.delay(shipment_id))
    shipment.refresh_from_db()
    return shipment
