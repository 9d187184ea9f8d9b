"""Tariff lookup: a commodity code's rates, found by longest prefix (10, then 8, then 6 digits).

Tariffs are published at different depths: an HS6 subheading may carry one rate for all its
national lines, while a single 8- or 10-digit line differs. A declared code therefore takes the
rate of the most specific tariff line that is a prefix of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

# Most specific first. A declared code longer than 10 digits (China's 13-digit code adds a
# 3-digit inspection suffix) is looked up by its first 10.
PREFIX_LENGTHS = (10, 8, 6)


@dataclass(frozen=True, slots=True)
class TariffRate:
    """Rates in percent. `vat_rate` is None for the EU (VAT follows the destination state);
    `excise_rate` is China's consumption tax, None where none applies."""

    code: str
    duty_rate: Decimal
    vat_rate: Decimal | None = None
    excise_rate: Decimal | None = None
    cbec_positive_list: bool = False

    def __post_init__(self) -> None:
        if not (self.code.isascii() and self.code.isdigit() and len(self.code) in PREFIX_LENGTHS):
            raise ValueError(f"A tariff line is 6, 8 or 10 digits, got {self.code!r}.")
        for name in ("duty_rate", "vat_rate", "excise_rate"):
            rate: Decimal | None = getattr(self, name)
            if rate is not None and not (0 <= rate < 100):
                raise ValueError(f"{name} is a percentage in [0, 100), got {rate}.")


def candidate_prefixes(code: str) -> list[str]:
    """The prefixes of `code` to try, most specific first."""
    if not (code.isascii() and code.isdigit()):
        return []
    return [code[:length] for length in PREFIX_LENGTHS if len(code) >= length]


class TariffSource(Protocol):
    def rate_for(self, jurisdiction: str, code: str) -> TariffRate | None:
        """The rate of the longest tariff line that prefixes `code`, or None if there is none."""
        ...


class InMemoryTariff:
    """A TariffSource over a fixed set of tariff lines per jurisdiction ("CN", "EU")."""

    def __init__(self, lines: Mapping[str, Iterable[TariffRate]]) -> None:
        self._rates: dict[tuple[str, str], TariffRate] = {}
        for jurisdiction, rates in lines.items():
            for rate in rates:
                key = (jurisdiction, rate.code)
                if key in self._rates:
                    raise ValueError(f"Tariff line {rate.code} appears twice for {jurisdiction}.")
                self._rates[key] = rate

    def rate_for(self, jurisdiction: str, code: str) -> TariffRate | None:
        for prefix in candidate_prefixes(code):
            rate = self._rates.get((jurisdiction, prefix))
            if rate is not None:
                return rate
        return None
