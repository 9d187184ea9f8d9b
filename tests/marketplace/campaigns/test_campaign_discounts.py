"""The discount a running campaign gives a checkout line: the best single one, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.models import Product
from marketplace.services.campaigns import (
    DiscountLine,
    LineDiscount,
    campaign_discounts,
    campaign_end,
)
from tests.marketplace.campaigns.conftest import campaign
from tests.marketplace.flows import product

pytestmark = pytest.mark.django_db

D = Decimal


def pralines(trade) -> Product:
    return Product.objects.get(merchant=trade.merchant, sku="PRL-250")


def discounts(trade, quantity: int, *, country: str = "CN", on=None):
    return campaign_discounts(
        destination_country=country,
        on=on or timezone.now().date(),
        lines=[(pralines(trade).pk, D("24.50"), quantity)],
    )


def test_a_percentage_is_rounded_half_up_on_the_line(trade, agency):
    running = campaign(agency, listings=[pralines(trade)], value="15.00")

    # 3 x 24.50 = 73.50; 15 % = 11.025 -> 11.03
    assert discounts(trade, 3) == [LineDiscount(running.pk, D("11.03"), "agency")]


def test_a_fixed_amount_is_per_unit_and_never_more_than_the_price(trade, agency):
    fixed = campaign(
        agency, listings=[pralines(trade)], kind="fixed_amount", value="30.00", currency="EUR",
        funded_by="merchant",
    )  # fmt: skip

    # 30.00 off a 24.50 unit takes the unit to zero, not below: 2 x 24.50
    assert discounts(trade, 2) == [LineDiscount(fixed.pk, D("49.00"), "merchant")]


def test_the_best_single_campaign_wins(trade, agency):
    campaign(agency, listings=[pralines(trade)], value="10.00")  # 4.90 on 2 units
    better = campaign(
        agency, listings=[pralines(trade)], kind="fixed_amount", value="3.00", currency="EUR",
        funded_by="merchant",
    )  # fmt: skip

    [found] = discounts(trade, 2)

    assert found == LineDiscount(better.pk, D("6.00"), "merchant")


def test_only_running_campaigns_in_the_market_featuring_the_listing_count(trade, agency):
    listing = pralines(trade)
    campaign(agency, listings=[listing], active=False)  # a draft
    campaign(agency, listings=[listing], starts_in=2)  # not started
    campaign_end(campaign=campaign(agency, listings=[listing]))  # ended
    other = product(trade, sku="OTHER-1")
    campaign(agency, listings=[other])  # another listing

    assert discounts(trade, 2) == [None]


def test_a_campaign_runs_in_its_own_market_only(trade, agency):
    campaign(agency, listings=[pralines(trade)])

    assert discounts(trade, 2, country="DE") == [None]


def test_lines_keep_their_order_and_typed_lines_are_taken(trade, agency):
    other = product(trade, sku="OTHER-1", unit_price="10.00")
    running = campaign(agency, listings=[other], value="50.00")

    found = campaign_discounts(
        destination_country="CN",
        on=timezone.now().date(),
        lines=[
            DiscountLine(pralines(trade).pk, D("24.50"), 1),
            DiscountLine(other.pk, D("10.00"), 3),
        ],
    )

    assert found == [None, LineDiscount(running.pk, D("15.00"), "agency")]
