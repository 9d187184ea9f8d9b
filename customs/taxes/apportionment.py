"""Apportionment of order-level amounts (freight, insurance, discount, onward transport) to lines.

Each amount is shared pro rata to the lines' goods values by the largest-remainder (Hamilton)
method, so the shares add up to the amount exactly: every line first gets its exact share rounded
down to the cent, then the cents left over go one each to the lines with the largest remainders
(ties to the earlier line). Unlike "the last line takes the remainder", no line's share is ever
more than a cent away from its exact pro-rata share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from customs.taxes.requests import TaxQuoteRequest
from ewtp.core.money import CENT


def apportion(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` (whole cents, >= 0) pro rata to `weights`; the shares sum exactly to it."""
    if not weights:
        raise ValueError("Nothing to apportion to.")
    if total < 0 or total != total.quantize(CENT):
        raise ValueError(f"Only a non-negative amount in cents can be apportioned, got {total}.")
    if any(weight < 0 for weight in weights):
        raise ValueError("Weights cannot be negative.")
    weight_sum = sum(weights, Decimal(0))
    cents = int(total / CENT)
    if cents == 0:
        return [Decimal("0.00")] * len(weights)
    if weight_sum == 0:
        raise ValueError("Cannot apportion an amount to lines that all weigh nothing.")
    # Exact rational arithmetic: a Decimal quotient could land a hair under a whole cent.
    quotas = [Fraction(cents) * Fraction(weight) / Fraction(weight_sum) for weight in weights]
    shares = [math.floor(quota) for quota in quotas]
    left_over = cents - sum(shares)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[:left_over]:
        shares[i] += 1
    return [Decimal(share).scaleb(-2) for share in shares]


@dataclass(frozen=True, slots=True)
class LineCharges:
    """One line's goods value and its shares of the order-level amounts."""

    code: str
    quantity: int
    goods: Decimal
    freight: Decimal
    insurance: Decimal
    discount: Decimal
    onward_transport: Decimal


def apportion_charges(request: TaxQuoteRequest) -> list[LineCharges]:
    """Every line with its pro-rata shares of freight, insurance, discount and onward transport."""
    goods = [line.goods_value for line in request.items]
    freight = apportion(request.freight, goods)
    insurance = apportion(request.insurance, goods)
    discount = apportion(request.discount, goods)
    onward = apportion(request.onward_transport, goods)
    return [
        LineCharges(
            code=line.code,
            quantity=line.quantity,
            goods=goods[i],
            freight=freight[i],
            insurance=insurance[i],
            discount=discount[i],
            onward_transport=onward[i],
        )
        for i, line in enumerate(request.items)
    ]
