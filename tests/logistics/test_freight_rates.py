"""The hub's freight tariff: price per chargeable kg with a minimum charge, by validity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ewtp.core.errors import DomainError
from ewtp.core.models import OrganizationKind
from ewtp.core.money import Money
from logistics.demo import FREIGHT_RATES, seed_airports_and_flights
from logistics.models import FreightRate
from logistics.selectors import freight_quote
from logistics.services import airport_upsert
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def pvg():
    airport = airport_upsert(
        iata="PVG", name="Pudong", city="Shanghai", country="CN", timezone_name="Asia/Shanghai"
    )
    FreightRate.objects.create(
        destination=airport,
        currency="EUR",
        price_per_kg=D("4.00"),
        minimum_charge=D("12.00"),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 6, 30),
    )
    FreightRate.objects.create(
        destination=airport,
        currency="EUR",
        price_per_kg=D("4.35"),
        minimum_charge=D("15.00"),
        valid_from=date(2026, 7, 1),
    )
    return airport


@pytest.mark.parametrize(
    ("weight", "on", "expected"),
    [
        ("1.0", date(2026, 3, 1), "12.00"),  # 4.00 < the minimum charge
        ("3.0", date(2026, 3, 1), "12.00"),  # exactly the minimum
        ("10.5", date(2026, 6, 30), "42.00"),  # last day of the first tariff
        ("10.5", date(2026, 7, 1), "45.68"),  # 45.675 rounded half-up
        ("2.5", date(2027, 1, 1), "15.00"),  # open-ended, minimum applies
    ],
)
def test_freight_is_price_per_kg_with_a_minimum_charge_of_the_rate_in_force(
    pvg, weight, on, expected
):
    quote = freight_quote(destination_airport="PVG", chargeable_weight_kg=D(weight), on=on)

    assert quote == Money(D(expected), "EUR")


def test_no_rate_in_force_is_a_coded_error(pvg):
    with pytest.raises(DomainError) as raised:
        freight_quote(destination_airport="PVG", chargeable_weight_kg=D("1"), on=date(2025, 12, 31))

    assert raised.value.code == "no_freight_rate"
    assert raised.value.field == "destination_airport"


def test_an_airport_without_any_rate_has_no_freight_quote(pvg):
    with pytest.raises(DomainError) as raised:
        freight_quote(destination_airport="HGH", chargeable_weight_kg=D("1"), on=date(2026, 3, 1))

    assert raised.value.code == "no_freight_rate"


def test_a_weight_of_nothing_is_refused(pvg):
    with pytest.raises(DomainError) as raised:
        freight_quote(destination_airport="PVG", chargeable_weight_kg=D("0"), on=date(2026, 3, 1))

    assert raised.value.code == "chargeable_weight_invalid"


def test_the_demo_network_has_a_rate_to_every_gateway_once():
    carrier = organization(OrganizationKind.CARRIER)

    seed_airports_and_flights(carrier, days=1)
    seed_airports_and_flights(carrier, days=1)

    assert FreightRate.objects.count() == len(FREIGHT_RATES)
    assert set(FreightRate.objects.values_list("destination_id", flat=True)) == {
        iata for iata, _, _ in FREIGHT_RATES
    }
