"""What the engine hands a regime, and what the regime hands back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from customs.taxes.apportionment import LineCharges
from customs.taxes.requests import TaxQuoteRequest
from customs.taxes.results import Reason, TaxLine
from customs.taxes.rule_packs import RulePack
from customs.taxes.tariff import TariffRate


@dataclass(frozen=True, slots=True)
class RatedLine:
    """A line with its apportioned charges, its tariff line and the import VAT rate (percent)
    that applies to it: China's from the tariff, the EU's from the destination state."""

    charges: LineCharges
    tariff: TariffRate
    vat_rate: Decimal

    @property
    def hs6(self) -> str:
        return self.charges.code[:6]


@dataclass(frozen=True, slots=True)
class Assessment:
    """A regime's verdict: any reason makes the quote inadmissible (its taxes are then dropped)."""

    lines: list[TaxLine]
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Declaration:
    """Everything a regime assesses: the request, the pack in force and the rated lines."""

    request: TaxQuoteRequest
    pack: RulePack
    lines: Sequence[RatedLine]
    buyer_year_total: Decimal | None

    @property
    def acceptance_date(self) -> date:
        return self.request.acceptance_date


class RegimeAssessor(Protocol):
    def __call__(self, declaration: Declaration) -> Assessment: ...
