"""The tax engine is pure: these tests need no database, no cache and no network."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs.taxes import InMemoryTariff, TariffRate


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Overrides the suite-wide Redis cache reset: nothing here touches a cache."""


def build_tariff() -> InMemoryTariff:
    """A small CN and EU tariff; rates are test data, not a statement of today's tariff."""
    return InMemoryTariff(
        {
            "CN": [
                TariffRate("180631", Decimal("8"), Decimal("13"), None, cbec_positive_list=True),
                TariffRate(
                    "33049900", Decimal("1"), Decimal("13"), Decimal("15"), cbec_positive_list=True
                ),
                TariffRate("2204210000", Decimal("14"), Decimal("13"), Decimal("10"), True),
                TariffRate("850440", Decimal("0"), Decimal("13"), None, cbec_positive_list=False),
                TariffRate("710391", Decimal("3"), None, None, cbec_positive_list=True),
            ],
            "EU": [
                TariffRate("610910", Decimal("12")),
                TariffRate("420292", Decimal("3")),
                TariffRate("620193", Decimal("12")),
                TariffRate("640399", Decimal("8")),
                TariffRate("490199", Decimal("0")),
            ],
        }
    )


@pytest.fixture(scope="session")
def tariff() -> InMemoryTariff:
    """Session-wide (it is immutable), so Hypothesis tests can use it too."""
    return build_tariff()
