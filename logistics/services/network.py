"""Writes of the network: the airports served and referenced, and the flights out of the hub."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import Organization, OrganizationKind
from logistics import airports
from logistics.models import HUB_IATA, Airport, Flight

FLIGHT_NUMBER = re.compile(r"^[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$")
AIRPORT_UNKNOWN = "AIRPORT_UNKNOWN"


def _utc_date(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


@transaction.atomic
def airport_upsert(
    *, iata: str, name: str, city: str, country: str, timezone_name: str, served: bool = True
) -> Airport:
    """Add an airport to the network, or correct its details."""
    if not re.fullmatch(r"[A-Z]{3}", iata):
        raise DomainError(f"{iata!r} is not an IATA airport code.", code="iata_invalid")
    airport, _ = Airport.objects.update_or_create(
        iata=iata,
        defaults={
            "name": name,
            "city": city,
            "country": country,
            "timezone": timezone_name,
            "served": served,
        },
    )
    return airport


@transaction.atomic
def airports_load(*, iata_codes: Iterable[str], served: bool) -> list[Airport]:
    """Load airports from the IATA reference (airportsdata) with their time zones. `served`
    marks them as the hub's destinations; loading an airport as not served never un-serves
    one that is. An unknown code is refused (AIRPORT_UNKNOWN) and nothing is loaded."""
    codes = list(dict.fromkeys(iata_codes))
    records = []
    for code in codes:
        record = airports.lookup(code)
        if record is None:
            raise DomainError(f"{code!r} is not an IATA airport code.", code=AIRPORT_UNKNOWN)
        records.append(record)
    existing = Airport.objects.in_bulk(codes)
    loaded = []
    for record in records:
        airport = existing.get(record.iata)
        if airport is not None and not served:
            loaded.append(airport)
            continue
        loaded.append(
            airport_upsert(
                iata=record.iata,
                name=record.name,
                city=record.city,
                country=record.country,
                timezone_name=record.timezone,
                served=served,
            )
        )
    return loaded


def airport_ensure(*, iata: str, field: str) -> Airport:
    """The airport a waybill or a flight names: from the table, else loaded from the IATA
    reference as not served. An unknown code is a 400 naming `field`."""
    airport = Airport.objects.filter(iata=iata).first()
    if airport is not None:
        return airport
    if airports.lookup(iata) is None:
        raise DomainError(
            f"{iata!r} is not an IATA airport code.", code=AIRPORT_UNKNOWN, field=field, status=400
        )
    return airports_load(iata_codes=[iata], served=False)[0]


@transaction.atomic
def flight_schedule(
    *,
    carrier: Organization,
    number: str,
    destination: Airport,
    departure_at: datetime,
    cutoff_at: datetime,
    capacity_kg: Decimal,
    arrival_at: datetime | None = None,
) -> Flight:
    """Schedule a cargo flight out of the hub. A flight number flies once per UTC day; cargo
    is accepted until the cut-off, which is before departure; it arrives after it departs."""
    if carrier.kind != OrganizationKind.CARRIER:
        raise DomainError("Only carriers operate flights.", code="not_a_carrier", field="carrier")
    if not FLIGHT_NUMBER.fullmatch(number):
        raise DomainError(f"{number!r} is not a flight number.", code="flight_number_invalid")
    if destination.iata == HUB_IATA:
        raise DomainError("Flights leave the hub for elsewhere.", code="destination_is_hub")
    if (
        departure_at.tzinfo is None
        or cutoff_at.tzinfo is None
        or (arrival_at is not None and arrival_at.tzinfo is None)
    ):
        raise DomainError("Flight times must be timezone-aware.", code="naive_datetime")
    if cutoff_at > departure_at:
        raise DomainError("The cut-off is before departure.", code="cutoff_after_departure")
    if arrival_at is not None and arrival_at <= departure_at:
        raise DomainError("A flight arrives after it departs.", code="arrival_before_departure")
    if capacity_kg <= 0:
        raise DomainError("Capacity must be positive.", code="capacity_not_positive")
    hub = Airport.objects.get(iata=HUB_IATA)
    try:
        with transaction.atomic():
            return Flight.objects.create(
                carrier=carrier,
                number=number,
                service_date=_utc_date(departure_at),
                origin=hub,
                destination=destination,
                departure_at=departure_at,
                arrival_at=arrival_at,
                cutoff_at=cutoff_at,
                capacity_kg=capacity_kg,
            )
    except IntegrityError:
        raise Conflict(
            f"{number} already flies on {_utc_date(departure_at)}.", code="flight_exists"
        ) from None
