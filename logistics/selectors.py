"""Reads of logistics, scoped to the organisation asking. Another tenant's row is NotFound."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from logistics.models import HUB_IATA, Airport, Flight, Shipment


def destination_is_served(*, iata: str, country: str) -> bool:
    """Whether the hub flies to this airport, in this country."""
    return Airport.objects.exclude(iata=HUB_IATA).filter(iata=iata, country=country).exists()


def shipment_list(
    *, organization: Organization, order_id: uuid.UUID | None = None, status: str | None = None
) -> QuerySet[Shipment]:
    """Shipments the organisation ordered (marketplace), sells (merchant) or flies (carrier)."""
    shipments = Shipment.objects.visible_to(organization).select_related(
        "marketplace", "merchant", "carrier", "flight"
    )
    if order_id is not None:
        shipments = shipments.filter(order_id=order_id)
    if status is not None:
        shipments = shipments.filter(status=status)
    return shipments


def shipment_get(*, organization: Organization, shipment_id: uuid.UUID) -> Shipment:
    shipment = (
        shipment_list(organization=organization)
        .prefetch_related("tracking_events")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise NotFound("No such shipment.")
    return shipment


def flight_list(
    *,
    carrier: Organization,
    destination: str | None = None,
    departing_after: datetime | None = None,
) -> QuerySet[Flight]:
    """The carrier's own flights."""
    flights = Flight.objects.operated_by(carrier).select_related("carrier")
    if destination is not None:
        flights = flights.filter(destination_id=destination)
    if departing_after is not None:
        flights = flights.filter(departure_at__gt=departing_after)
    return flights
