"""What the tax engine answers: a quote whose totals are the sums of its rounded lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict

from customs.taxes.regimes import Regime
from ewtp.core.money import CENT, round_half_up

ZERO = Decimal("0.00")


class ReasonCode(StrEnum):
    """Why a consignment cannot go under the regime asked for (stable: partners branch on it)."""

    NO_RULE_PACK_IN_FORCE = "NO_RULE_PACK_IN_FORCE"
    CURRENCY_NOT_SUPPORTED = "CURRENCY_NOT_SUPPORTED"
    DESTINATION_NOT_SUPPORTED = "DESTINATION_NOT_SUPPORTED"
    DISCOUNT_NOT_SUPPORTED = "DISCOUNT_NOT_SUPPORTED"
    TARIFF_CODE_UNKNOWN = "TARIFF_CODE_UNKNOWN"
    CBEC_SINGLE_LIMIT_EXCEEDED = "CBEC_SINGLE_LIMIT_EXCEEDED"
    CBEC_ANNUAL_LIMIT_EXCEEDED = "CBEC_ANNUAL_LIMIT_EXCEEDED"
    CBEC_NOT_ON_POSITIVE_LIST = "CBEC_NOT_ON_POSITIVE_LIST"
    H7_INTRINSIC_VALUE_EXCEEDS_150 = "H7_INTRINSIC_VALUE_EXCEEDS_150"
    IOSS_NUMBER_INVALID = "IOSS_NUMBER_INVALID"


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    detail: str


@dataclass(frozen=True, slots=True)
class TaxLine:
    """The taxes of one declared line, each rounded half-up to the cent on its own.

    `excise` is China's consumption tax; `vat` is due at import; `checkout_vat` is the EU VAT the
    seller collected at checkout under IOSS (not part of the tax due at import).
    """

    code: str
    customs_value: Decimal
    duty: Decimal = ZERO
    excise: Decimal = ZERO
    vat: Decimal = ZERO
    checkout_vat: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("customs_value", "duty", "excise", "vat", "checkout_vat"):
            amount: Decimal = getattr(self, name)
            if amount < 0 or amount != amount.quantize(CENT):
                raise ValueError(f"{name} must be a non-negative amount in cents, got {amount}.")

    def untaxed(self) -> TaxLine:
        """The same line with no tax: what an inadmissible quote shows."""
        return TaxLine(code=self.code, customs_value=self.customs_value)


class ReasonDict(TypedDict):
    code: str
    detail: str


class TaxLineDict(TypedDict):
    code: str
    customs_value: str
    duty: str
    excise: str
    vat: str
    checkout_vat: str


class TaxQuoteDict(TypedDict):
    regime: str
    currency: str
    rule_pack: str | None
    admissible: bool
    reasons: list[ReasonDict]
    customs_value: str
    duty: str
    excise: str
    vat: str
    checkout_vat: str
    total_tax: str
    lines: list[TaxLineDict]


def _money(amount: Decimal) -> str:
    return str(round_half_up(amount))


def _total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


@dataclass(frozen=True, slots=True)
class TaxQuote:
    """Admissible only without reasons; an inadmissible quote carries customs values, no tax.

    Build it with `from_lines`: every total is the sum of the rounded line amounts and
    total_tax = duty + excise + vat (checkout VAT under IOSS is not due at import).
    """

    regime: Regime
    currency: str
    rule_pack: str | None
    admissible: bool
    reasons: tuple[Reason, ...]
    customs_value: Decimal
    duty: Decimal
    excise: Decimal
    vat: Decimal
    checkout_vat: Decimal
    total_tax: Decimal
    lines: tuple[TaxLine, ...]

    @classmethod
    def from_lines(
        cls,
        *,
        regime: Regime,
        currency: str,
        rule_pack: str | None,
        reasons: Iterable[Reason],
        lines: Iterable[TaxLine],
    ) -> TaxQuote:
        reasons = tuple(reasons)
        lines = tuple(lines) if not reasons else tuple(line.untaxed() for line in lines)
        duty = _total(line.duty for line in lines)
        excise = _total(line.excise for line in lines)
        vat = _total(line.vat for line in lines)
        return cls(
            regime=regime,
            currency=currency,
            rule_pack=rule_pack,
            admissible=not reasons,
            reasons=reasons,
            customs_value=_total(line.customs_value for line in lines),
            duty=duty,
            excise=excise,
            vat=vat,
            checkout_vat=_total(line.checkout_vat for line in lines),
            total_tax=duty + excise + vat,
            lines=lines,
        )

    def as_dict(self) -> TaxQuoteDict:
        """JSON-ready: money as strings with two decimals, codes as plain strings."""
        return {
            "regime": str(self.regime),
            "currency": self.currency,
            "rule_pack": self.rule_pack,
            "admissible": self.admissible,
            "reasons": [{"code": str(r.code), "detail": r.detail} for r in self.reasons],
            "customs_value": _money(self.customs_value),
            "duty": _money(self.duty),
            "excise": _money(self.excise),
            "vat": _money(self.vat),
            "checkout_vat": _money(self.checkout_vat),
            "total_tax": _money(self.total_tax),
            "lines": [
                {
                    "code": line.code,
                    "customs_value": _money(line.customs_value),
                    "duty": _money(line.duty),
                    "excise": _money(line.excise),
                    "vat": _money(line.vat),
                    "checkout_vat": _money(line.checkout_vat),
                }
                for line in self.lines
            ],
        }
