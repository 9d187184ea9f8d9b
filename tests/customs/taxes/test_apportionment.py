"""Apportionment: largest remainder, shares add up to the amount exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customs.taxes import GoodsLine, Regime, TaxQuoteRequest, apportion
from customs.taxes.apportionment import apportion_charges

D = Decimal
PROPERTY = settings(database=None, deadline=None, max_examples=200)


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


def test_leftover_cents_go_to_the_largest_remainders() -> None:
    # 1,000 c over 100 : 200 : 400 -> 142.857, 285.714, 571.428; floors leave 2 c,
    # which go to the remainders .857 and .714
    assert apportion(D("10.00"), [D("100"), D("200"), D("400")]) == [
        D("1.43"),
        D("2.86"),
        D("5.71"),
    ]


def test_ties_go_to_the_earlier_line() -> None:
    assert apportion(D("0.02"), [D("1"), D("1"), D("1")]) == [D("0.01"), D("0.01"), D("0.00")]


def test_a_line_worth_nothing_gets_nothing() -> None:
    assert apportion(D("0.05"), [D("0"), D("3"), D("3")]) == [D("0.00"), D("0.03"), D("0.02")]


def test_nothing_to_share_gives_zero_shares() -> None:
    assert apportion(D("0.00"), [D("0"), D("0")]) == [D("0.00"), D("0.00")]


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (D("-1.00"), [D("1")]),
        (D("1.005"), [D("1")]),
        (D("1.00"), []),
        (D("1.00"), [D("0"), D("0")]),
        (D("1.00"), [D("-1"), D("2")]),
    ],
)
def test_apportion_refuses_what_cannot_be_shared(total: Decimal, weights: list[Decimal]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages differ per case
        apportion(total, weights)


@PROPERTY
@given(total=cents(0, 10_000_000), weights=st.lists(cents(0, 1_000_000), min_size=1, max_size=8))
def test_shares_add_up_exactly_and_stay_within_a_cent_of_pro_rata(
    total: Decimal, weights: list[Decimal]
) -> None:
    if sum(weights) == 0:
        weights = [*weights, D("1.00")]

    shares = apportion(total, weights)

    assert sum(shares) == total
    weight_sum = Fraction(sum(weights))
    for share, weight in zip(shares, weights, strict=True):
        assert share >= 0
        assert share == share.quantize(D("0.01"))
        assert abs(Fraction(share) - Fraction(total) * Fraction(weight) / weight_sum) < Fraction(
            1, 100
        )


@PROPERTY
@given(
    prices=st.lists(cents(1, 500_000), min_size=1, max_size=6),
    freight=cents(0, 100_000),
    insurance=cents(0, 10_000),
    onward=cents(0, 10_000),
    discount_part=st.fractions(0, 1),
)
def test_line_shares_of_each_charge_add_up_to_the_order_total(
    prices: list[Decimal],
    freight: Decimal,
    insurance: Decimal,
    onward: Decimal,
    discount_part: Fraction,
) -> None:
    goods_value = sum(prices, D("0"))
    discount = (goods_value * D(discount_part.numerator) / D(discount_part.denominator)).quantize(
        D("0.01"), rounding="ROUND_DOWN"
    )
    request = TaxQuoteRequest(
        regime=Regime.CN_GENERAL,
        destination_country="CN",
        currency="CNY",
        acceptance_date=date(2025, 1, 1),
        items=tuple(GoodsLine("180631", "goods", 1, price) for price in prices),
        freight=freight,
        insurance=insurance,
        discount=discount,
        onward_transport=onward,
    )

    lines = apportion_charges(request)

    assert sum(line.freight for line in lines) == freight
    assert sum(line.insurance for line in lines) == insurance
    assert sum(line.discount for line in lines) == discount
    assert sum(line.onward_transport for line in lines) == onward
    assert all(line.discount <= line.goods for line in lines)
