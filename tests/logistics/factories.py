"""Single rows of logistics for tests that need a parcel on a flight without an order's whole
journey (flows.py builds that one through the real services)."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ewtp.core.models import Organization, OrganizationKind
from logistics import tracking_numbers
from logistics.models import Airport, Flight, Shipment, ShipmentStatus
from logistics.services import airlines_load, airport_upsert, flight_schedule
from tests.factories import OrganizationFactory

_flights = itertools.count(500)


def network() -> tuple[Airport, Airport]:
    """The hub and one served destination, with the airlines."""
    airlines_load()
    hub = airport_upsert(iata="LGG", name="Liège Airport", city="Liège", country="BE",
                         timezone_name="Europe/Brussels")  # fmt: skip
    hgh = airport_upsert(iata="HGH", name="Hangzhou Xiaoshan International Airport",
                         city="Hangzhou", country="CN", timezone_name="Asia/Shanghai")  # fmt: skip
    return hub, hgh


def carrier(slug: str | None = None) -> Organization:
    kwargs = {"slug": slug} if slug else {}
    return OrganizationFactory.create(kind=OrganizationKind.CARRIER, **kwargs)


def flight(
    operator: Organization,
    destination: Airport,
    *,
    departs_in: timedelta = timedelta(hours=6),
    block: timedelta | None = timedelta(hours=10, minutes=40),
) -> Flight:
    departure = timezone.now() + departs_in
    return flight_schedule(
        carrier=operator,
        number=f"EW{next(_flights)}",
        destination=destination,
        departure_at=departure,
        cutoff_at=departure - timedelta(hours=4),
        capacity_kg=Decimal("10000"),
        arrival_at=None if block is None else departure + block,
    )


def parcel(on: Flight, **fields: object) -> Shipment:
    """A parcel booked on the flight (routed), of a fresh marketplace and merchant."""
    defaults: dict[str, object] = {
        "order_id": uuid.uuid4(),
        "order_reference": f"MP-{uuid.uuid4().hex[:8]}",
        "marketplace": OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE),
        "merchant": OrganizationFactory.create(kind=OrganizationKind.MERCHANT),
        "consignee_country": "CN",
        "destination": on.destination,
        "weight_kg": Decimal("0.700"),
        "tracking_number": tracking_numbers.generate(),
        "status": ShipmentStatus.ROUTED,
        "flight": on,
        "carrier": on.carrier,
        "routed_at": timezone.now(),
    }
    return Shipment.objects.create(**(defaults | fields))


def waiting_parcel(destination: Airport, **fields: object) -> Shipment:
    """A parcel at the hub waiting for a flight (not yet routed)."""
    defaults: dict[str, object] = {
        "order_id": uuid.uuid4(),
        "order_reference": f"MP-{uuid.uuid4().hex[:8]}",
        "marketplace": OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE),
        "merchant": OrganizationFactory.create(kind=OrganizationKind.MERCHANT),
        "consignee_country": destination.country,
        "destination": destination,
        "weight_kg": Decimal("1.000"),
        "tracking_number": tracking_numbers.generate(),
    }
    return Shipment.objects.create(**(defaults | fields))
