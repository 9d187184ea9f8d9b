from __future__ import annotations

import pytest

from tests.marketplace.flows import Trade, product, trade_setup


@pytest.fixture
def trade(db: None) -> Trade:
    """Partners, the hub and one destination, known HS codes, and one published product."""
    built = trade_setup()
    product(built)
    return built


# Brokers, carriers and the nomenclature their EU filings are checked against.
from tests.customs.filing_setup import broker, broker_client, nomenclature  # noqa: E402, F401
