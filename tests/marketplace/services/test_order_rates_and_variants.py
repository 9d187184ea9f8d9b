"""Order placement with the listings' cross-border rules: the exchange rate of the day kept on
each line, variants, quantity prices, minimum quantities, and only approved merchants."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.events.models import OutboxEvent
from marketplace.models import ExchangeRate, Product, ProductVariant
from marketplace.services import (
    PriceTierRequest,
    merchant_suspend,
    order_cancel,
    product_price_tiers_set,
    product_variant_create,
)
from tests.marketplace.flows import place, product

pytestmark = pytest.mark.django_db

D = Decimal


def rate(currency: str, value: str, days_ago: int = 0) -> None:
    ExchangeRate.objects.create(
        date=timezone.now().date() - timedelta(days=days_ago), currency=currency, rate=D(value)
    )


def test_each_line_keeps_the_rate_of_the_day_it_was_placed(trade):
    rate("CNY", "7.9000", days_ago=3)
    rate("CNY", "8.1234", days_ago=1)

    order = place(trade, lines=[("PRL-250", 3)], presentment_currency="CNY")

    line = order.lines.get()
    assert (order.currency, order.total) == ("EUR", D("73.50"))
    assert order.presentment_currency == "CNY"
    assert line.exchange_rate == D("8.123400")
    assert line.exchange_rate_date == timezone.now().date() - timedelta(days=1)
    assert line.presentment_unit_price == D("199.02")  # 24.50 x 8.1234, half-up
    assert line.presentment_line_total == D("597.07")  # 73.50 x 8.1234 = 597.0699
    assert order.presentment_total == D("597.07")
    event = OutboxEvent.objects.get(type="marketplace.order.placed")
    assert event.data["lines"][0]["exchange_rate"] == "8.123400"
    assert event.data["presentment_total"] == "597.07"


def test_a_later_rate_never_changes_a_placed_order(trade):
    rate("CNY", "8.1234", days_ago=1)
    order = place(trade, presentment_currency="CNY")

    rate("CNY", "9.0000")  # today's rate arrives after the order
    ExchangeRate.objects.filter(rate=D("8.1234")).update(rate=D("7.0"))  # even a correction
    order.refresh_from_db()

    line = order.lines.get()
    assert (line.exchange_rate, line.presentment_line_total) == (D("8.123400"), D("398.05"))
    assert order.presentment_total == D("398.05")


def test_without_a_presentment_currency_the_order_is_shown_in_its_own(trade):
    order = place(trade)

    line = order.lines.get()
    assert order.presentment_currency == "EUR"
    assert (line.exchange_rate, line.presentment_line_total) == (D("1"), line.line_total)


def test_no_rate_for_the_buyers_currency_refuses_the_order_and_reserves_nothing(trade):
    with pytest.raises(DomainError) as refused:
        place(trade, presentment_currency="JPY")

    assert (refused.value.code, refused.value.field) == (
        "exchange_rate_unavailable",
        "presentment_currency",
    )
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_a_variant_is_ordered_by_its_sku_with_its_own_price_and_stock(trade):
    listing = Product.objects.get(sku="PRL-250")
    dark = product_variant_create(
        product=listing, sku="PRL-250-DARK", attributes={"flavour": "dark"}, stock=5
    )
    large = product_variant_create(
        product=listing,
        sku="PRL-500",
        attributes={"size": "500 g"},
        unit_price=D("42.00"),
        stock=2,
    )

    order = place(trade, lines=[("PRL-250-DARK", 2), ("PRL-500", 1), ("PRL-250", 1)])

    assert order.total == D("115.50")  # 2 x 24.50 + 42.00 + 24.50
    lines = {line.sku: line for line in order.lines.all()}
    assert lines["PRL-250-DARK"].variant_id == dark.pk
    assert lines["PRL-500"].unit_price == D("42.00")
    assert lines["PRL-250"].variant_id is None
    assert ProductVariant.objects.get(pk=dark.pk).stock == 3
    assert ProductVariant.objects.get(pk=large.pk).stock == 1
    assert Product.objects.get(pk=listing.pk).stock == 99

    order_cancel(order=order, reason="Buyer changed their mind")

    assert ProductVariant.objects.get(pk=dark.pk).stock == 5
    assert ProductVariant.objects.get(pk=large.pk).stock == 2
    assert Product.objects.get(pk=listing.pk).stock == 100


def test_a_variant_short_of_stock_refuses_the_whole_order(trade):
    listing = Product.objects.get(sku="PRL-250")
    product_variant_create(product=listing, sku="PRL-DARK", attributes={"f": "dark"}, stock=1)

    with pytest.raises(DomainError) as refused:
        place(trade, lines=[("PRL-250", 1), ("PRL-DARK", 2)])

    assert (refused.value.code, refused.value.field) == ("insufficient_stock", "lines.1.quantity")
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_quantity_prices_apply_from_their_threshold(trade):
    listing = Product.objects.get(sku="PRL-250")
    product_price_tiers_set(
        product=listing, tiers=[PriceTierRequest(10, D("22.00")), PriceTierRequest(50, D("20.00"))]
    )

    nine = place(trade, lines=[("PRL-250", 9)])
    ten = place(trade, lines=[("PRL-250", 10)])
    sixty = place(trade, lines=[("PRL-250", 60)])

    assert [o.lines.get().unit_price for o in (nine, ten, sixty)] == [
        D("24.50"),
        D("22.00"),
        D("20.00"),
    ]
    assert sixty.total == D("1200.00")


def test_a_line_below_the_minimum_order_quantity_is_refused(trade):
    product(trade, sku="TRIPEL-24", hs_code="220300", min_order_quantity=6)

    with pytest.raises(DomainError) as refused:
        place(trade, lines=[("TRIPEL-24", 4)])

    assert (refused.value.code, refused.value.field) == (
        "below_minimum_order_quantity",
        "lines.0.quantity",
    )


def test_a_suspended_merchant_takes_no_orders(trade):
    merchant_suspend(profile=trade.merchant.merchant_profile, by=None, reason="Unpaid fees")

    with pytest.raises(DomainError) as refused:
        place(trade)

    assert (refused.value.code, refused.value.field) == ("merchant_not_approved", "merchant")
    assert Product.objects.get(sku="PRL-250").stock == 100
