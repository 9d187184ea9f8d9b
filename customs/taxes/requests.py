"""What the tax engine is asked: a frozen mirror of the quote request JSON, validated on creation.

Amounts are Decimal in the declaration's currency, in whole cents (conversion and rounding to
the currency are the caller's job). `freight` and `insurance` are the costs up to the place of
import (the EU border, or China's port of entry); `onward_transport` is the cost from there to the
buyer, which only the EU VAT base includes. `discount` is a non-cash discount that China deducts
from the dutiable value; EU regimes take the price actually paid and refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from customs.taxes.regimes import Regime
from ewtp.core.errors import DomainError
from ewtp.core.money import CENT

ZERO = Decimal("0.00")


class InvalidTaxQuoteRequest(DomainError):
    """The request itself is malformed (not a question of admissibility)."""

    code = "invalid_tax_quote_request"
    title = "The tax quote request is invalid"


def _require_cents(amount: object, name: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidTaxQuoteRequest(f"{name} must be a finite Decimal.", field=name)
    if amount < 0:
        raise InvalidTaxQuoteRequest(f"{name} must not be negative.", field=name)
    if amount != amount.quantize(CENT):
        raise InvalidTaxQuoteRequest(f"{name} must be in whole cents.", field=name)


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """One line of goods: a commodity code (6 to 13 digits), how many pieces, the unit price."""

    code: str
    description: str
    quantity: int
    unit_price: Decimal

    def __post_init__(self) -> None:
        if not (self.code.isascii() and self.code.isdigit() and 6 <= len(self.code) <= 13):
            raise InvalidTaxQuoteRequest("A commodity code is 6 to 13 digits.", field="code")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise InvalidTaxQuoteRequest("quantity must be a whole number.", field="quantity")
        if self.quantity < 1:
            raise InvalidTaxQuoteRequest("quantity must be at least 1.", field="quantity")
        _require_cents(self.unit_price, "unit_price")

    @property
    def goods_value(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class TaxQuoteRequest:
    regime: Regime
    destination_country: str
    currency: str
    acceptance_date: date
    items: tuple[GoodsLine, ...]
    freight: Decimal = ZERO
    insurance: Decimal = ZERO
    discount: Decimal = ZERO
    onward_transport: Decimal = ZERO
    ioss_number: str | None = None

    def __post_init__(self) -> None:
        try:
            # Frozen, so coercion goes through object.__setattr__: JSON gives plain strings.
            object.__setattr__(self, "regime", Regime(self.regime))
        except ValueError:
            raise InvalidTaxQuoteRequest(
                f"Unknown regime {self.regime!r}.", field="regime"
            ) from None
        object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise InvalidTaxQuoteRequest("A quote needs at least one line.", field="items")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise InvalidTaxQuoteRequest("currency is an ISO 4217 code.", field="currency")
        if len(self.destination_country) != 2 or not self.destination_country.isupper():
            raise InvalidTaxQuoteRequest(
                "destination_country is an ISO 3166-1 alpha-2 code.", field="destination_country"
            )
        # A datetime would smuggle in a time zone; the rules go by the local calendar date.
        if isinstance(self.acceptance_date, datetime) or not isinstance(self.acceptance_date, date):
            raise InvalidTaxQuoteRequest(
                "acceptance_date is a calendar date.", field="acceptance_date"
            )
        for name in ("freight", "insurance", "discount", "onward_transport"):
            _require_cents(getattr(self, name), name)
        if self.goods_value <= 0:
            raise InvalidTaxQuoteRequest("The goods must have a value.", field="items")
        if self.discount > self.goods_value:
            raise InvalidTaxQuoteRequest(
                "The discount cannot exceed the value of the goods.", field="discount"
            )

    @property
    def goods_value(self) -> Decimal:
        return sum((line.goods_value for line in self.items), ZERO)

    @property
    def pieces(self) -> int:
        return sum(line.quantity for line in self.items)
