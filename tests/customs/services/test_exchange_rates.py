"""Customs converts at the platform's stored ECB rates, the same ones the marketplace snapshots
on order lines, and reads each rate once per batch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from customs.exchange_rates import EcbReferenceRates, ExchangeRateUnknown
from marketplace.ecb import EcbRate
from marketplace.selectors import conversion_rate
from marketplace.services import exchange_rates_load

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 9, 4)
SATURDAY = date(2026, 9, 5)


@pytest.fixture(autouse=True)
def stored() -> None:
    exchange_rates_load(
        rates=[
            EcbRate(date=FRIDAY, currency="CNY", rate=Decimal("8.1234")),
            EcbRate(date=FRIDAY, currency="USD", rate=Decimal("1.1712")),
        ]
    )


def test_customs_and_the_marketplace_convert_alike_including_cross_rates():
    rates = EcbReferenceRates()

    for source, target in (("EUR", "CNY"), ("CNY", "EUR"), ("USD", "CNY")):
        assert (
            rates.rate(source, target, FRIDAY)
            == conversion_rate(base=source, quote=target, on=FRIDAY).rate
        )
    assert rates.rate("EUR", "CNY", FRIDAY) == Decimal("8.1234")
    assert rates.rate("USD", "CNY", FRIDAY) == Decimal("6.935963")  # 8.1234 / 1.1712, 6 places


def test_a_weekend_takes_the_last_working_days_rate():
    assert EcbReferenceRates().rate("EUR", "CNY", SATURDAY) == Decimal("8.1234")


def test_the_same_currency_is_one_without_a_stored_rate():
    assert EcbReferenceRates().rate("JPY", "JPY", FRIDAY) == Decimal(1)


def test_a_day_before_any_stored_rate_is_unknown():
    with pytest.raises(ExchangeRateUnknown) as raised:
        EcbReferenceRates().rate("EUR", "CNY", date(2026, 9, 3))

    assert raised.value.code == "exchange_rate_unknown"


def test_one_instance_reads_each_rate_once(django_assert_num_queries):
    rates = EcbReferenceRates()
    rates.rate("EUR", "CNY", FRIDAY)

    with django_assert_num_queries(0):
        for _ in range(200):
            rates.rate("EUR", "CNY", FRIDAY)
