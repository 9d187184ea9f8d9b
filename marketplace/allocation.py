"""Splitting an amount over parts so that the parts add up to it to the cent."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from ewtp.core.money import CENT


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` (a whole number of cents) split in proportion to `weights` by the largest
    remainder method: each part is its exact share rounded down to the cent, and the cents left
    over go one each to the parts with the largest remainders, the earlier part first on a tie.
    Deterministic, and the parts always sum to `total` exactly."""
    if not weights:
        return []
    whole = sum(weights, Decimal(0))
    if whole == 0:
        # Nothing to weigh by: the first part takes it all (the total is then 0 in practice).
        return [total] + [Decimal("0.00")] * (len(weights) - 1)
    exact = [total * weight / whole for weight in weights]
    parts = [share.quantize(CENT, rounding=ROUND_FLOOR) for share in exact]
    left_over = int((total - sum(parts, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_remainder[:left_over]:
        parts[index] += CENT
    return parts
