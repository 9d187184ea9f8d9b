"""Exchange rates for assessing a declaration filed in another currency than its regime's.

China assesses in CNY and the EU in EUR; an order paid in EUR and declared to China is
converted line by line at the reference rate of the acceptance date, and the rate used is
stored on the declaration so the assessment can be reproduced. The rates are the platform's
one store of the European Central Bank's daily reference rates (the dated records the
marketplace loads and snapshots on order lines), read through its `conversion_rate`
selector: the latest published on or before the date (weekends and holidays take the last
working day's), crossed through the euro to 6 places. Customs and the marketplace therefore
convert the same amount on the same day to the same cent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from ewtp.core.errors import DomainError
from marketplace.selectors import conversion_rate


class ExchangeRateUnknown(DomainError):
    code = "exchange_rate_unknown"


class ExchangeRates(Protocol):
    def rate(self, source: str, target: str, on: date) -> Decimal:
        """Units of `target` per unit of `source` on `on`; ExchangeRateUnknown if not known."""
        ...


class EcbReferenceRates:
    """The stored ECB rates. One instance remembers what it read, so a clearance batch of 200
    declarations in one currency reads the rate once, not 200 times."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, str, date], Decimal] = {}

    def rate(self, source: str, target: str, on: date) -> Decimal:
        if source == target:
            return Decimal(1)
        key = (source, target, on)
        if key not in self._read:
            try:
                self._read[key] = conversion_rate(base=source, quote=target, on=on).rate
            except DomainError as exc:
                raise ExchangeRateUnknown(
                    f"No reference rate from {source} to {target} on {on}: {exc.detail}"
                ) from None
        return self._read[key]
