from __future__ import annotations

# Brokers filing EU H7/H1 declarations, and the nomenclature their filings are checked against.
from tests.customs.filing_setup import broker, broker_client, nomenclature  # noqa: F401
