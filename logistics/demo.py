"""Demo network: the Liège hub and its e-commerce freighter rotations to China."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ewtp.core.models import Organization
from logistics.models import Airport, Flight, FreightRate
from logistics.services import airlines_load, airport_upsert, flight_schedule, uld_types_load

AIRPORTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("LGG", "Liège Airport", "Liège", "BE", "Europe/Brussels"),
    ("HGH", "Hangzhou Xiaoshan International Airport", "Hangzhou", "CN", "Asia/Shanghai"),
    ("PVG", "Shanghai Pudong International Airport", "Shanghai", "CN", "Asia/Shanghai"),
    ("CGO", "Zhengzhou Xinzheng International Airport", "Zhengzhou", "CN", "Asia/Shanghai"),
    ("SZX", "Shenzhen Bao'an International Airport", "Shenzhen", "CN", "Asia/Shanghai"),
    ("CKG", "Chongqing Jiangbei International Airport", "Chongqing", "CN", "Asia/Shanghai"),
)


@dataclass(frozen=True, slots=True)
class Rotation:
    number: str
    destination: str
    weekdays: frozenset[int]  # Monday is 0
    departs: time  # UTC
    capacity_kg: Decimal
    cutoff: timedelta  # before departure
    block: timedelta  # scheduled gate-to-gate time, for the arrival (ETA)


DAILY = frozenset(range(7))
# Evening departures so the day's cleared parcels make the night's flight.
ROTATIONS: tuple[Rotation, ...] = (
    Rotation(  # 747-400F
        "EW801", "HGH", DAILY, time(21, 40), Decimal("100000"), timedelta(hours=4),
        timedelta(hours=10, minutes=40),
    ),
    Rotation(  # 777F
        "EW803", "PVG", frozenset({0, 2, 4, 5}), time(19, 15), Decimal("102000"),
        timedelta(hours=4), timedelta(hours=10, minutes=50),
    ),
    Rotation(
        "EW805", "CGO", frozenset({1, 3, 6}), time(22, 30), Decimal("100000"),
        timedelta(hours=5), timedelta(hours=10, minutes=5),
    ),
    Rotation(  # A330-200F
        "EW807", "SZX", frozenset({0, 3, 5}), time(20, 5), Decimal("65000"),
        timedelta(hours=4), timedelta(hours=11, minutes=30),
    ),
    Rotation(
        "EW809", "CKG", frozenset({2, 6}), time(23, 10), Decimal("65000"),
        timedelta(hours=4), timedelta(hours=10, minutes=15),
    ),
)  # fmt: skip


# Demo tariff (EUR per chargeable kg, minimum charge) from the hub to each gateway.
FREIGHT_RATES: tuple[tuple[str, Decimal, Decimal], ...] = (
    ("HGH", Decimal("4.20"), Decimal("15.00")),
    ("PVG", Decimal("4.00"), Decimal("15.00")),
    ("CGO", Decimal("3.80"), Decimal("15.00")),
    ("SZX", Decimal("4.40"), Decimal("15.00")),
    ("CKG", Decimal("4.60"), Decimal("18.00")),
)


@transaction.atomic
def seed_freight_rates() -> None:
    """The demo freight tariff, valid from the first of this year until further notice; a
    second run adds nothing."""
    since = timezone.now().astimezone(UTC).date().replace(month=1, day=1)
    for iata, per_kg, minimum in FREIGHT_RATES:
        FreightRate.objects.get_or_create(
            destination_id=iata,
            valid_from=since,
            defaults={"currency": "EUR", "price_per_kg": per_kg, "minimum_charge": minimum},
        )


@transaction.atomic
def seed_air_cargo_reference() -> None:
    """Airlines with their AWB prefixes and ULD types (the data migration loads them too)."""
    airlines_load()
    uld_types_load()


@transaction.atomic
def seed_airports_and_flights(carrier: Organization, days: int = 14) -> None:
    """The hub, five Chinese gateways and `days` days of flights from today (UTC), operated by
    `carrier`, with the airlines and ULD types. Flights are identified by number and date, so
    running it again adds nothing."""
    seed_air_cargo_reference()
    airports: dict[str, Airport] = {}
    for iata, name, city, country, zone in AIRPORTS:
        airports[iata] = airport_upsert(
            iata=iata, name=name, city=city, country=country, timezone_name=zone
        )
    seed_freight_rates()
    today = timezone.now().astimezone(UTC).date()
    for offset in range(days):
        day = today + timedelta(days=offset)
        for rotation in ROTATIONS:
            if day.weekday() not in rotation.weekdays:
                continue
            if Flight.objects.filter(number=rotation.number, service_date=day).exists():
                continue
            departure = datetime.combine(day, rotation.departs, tzinfo=UTC)
            flight_schedule(
                carrier=carrier,
                number=rotation.number,
                destination=airports[rotation.destination],
                departure_at=departure,
                cutoff_at=departure - rotation.cutoff,
                capacity_kg=rotation.capacity_kg,
                arrival_at=departure + rotation.block,
            )
