from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ewtp.core.errors import Conflict, DomainError
from logistics.services import flight_schedule

pytestmark = pytest.mark.django_db

DEPARTURE = datetime(2030, 3, 4, 21, 40, tzinfo=UTC)


def schedule(trade, **overrides):
    arguments = {
        "carrier": trade.carrier,
        "number": "EW801",
        "destination": trade.destination,
        "departure_at": DEPARTURE,
        "cutoff_at": DEPARTURE - timedelta(hours=4),
        "capacity_kg": Decimal("100000"),
    } | overrides
    return flight_schedule(**arguments)


def test_a_flight_leaves_the_hub_on_its_utc_date(trade):
    flight = schedule(trade)

    assert flight.origin_id == "LGG"
    assert flight.service_date.isoformat() == "2030-03-04"
    assert flight.remaining_kg == Decimal("100000")


def test_a_number_flies_once_a_day(trade):
    schedule(trade)
    schedule(trade, departure_at=DEPARTURE + timedelta(days=1),
             cutoff_at=DEPARTURE + timedelta(days=1, hours=-4))  # fmt: skip

    with pytest.raises(Conflict):
        schedule(trade, departure_at=DEPARTURE + timedelta(hours=1))


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"cutoff_at": DEPARTURE + timedelta(minutes=1)}, "cutoff_after_departure"),
        ({"capacity_kg": Decimal("0")}, "capacity_not_positive"),
        ({"number": "flight 1"}, "flight_number_invalid"),
        ({"departure_at": DEPARTURE.replace(tzinfo=None)}, "naive_datetime"),
    ],
)
def test_impossible_flights_are_refused(trade, overrides, code):
    with pytest.raises(DomainError) as refused:
        schedule(trade, **overrides)

    assert refused.value.code == code


def test_only_carriers_operate_flights(trade):
    with pytest.raises(DomainError) as refused:
        schedule(trade, carrier=trade.merchant)

    assert refused.value.code == "not_a_carrier"
