"""A checkout is split into one order per merchant whose totals add up to it, in the order
currency and in the buyer's; all of it is placed or none."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from logistics.services import airport_upsert
from marketplace.allocation import allocate
from marketplace.models import Checkout, ExchangeRate, Order, Product
from marketplace.services import (
    CheckoutLineRequest,
    PriceTierRequest,
    checkout_place,
    product_price_tiers_set,
)
from tests.marketplace.flows import Trade, hub_freight_rate, organization, product, resident_id

pytestmark = pytest.mark.django_db

D = Decimal
VALID_ID = resident_id(5)
BAD_CHECK = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")


def three_merchants(trade: Trade) -> tuple[str, str, str]:
    """The trade's merchant and two more, each with goods priced to round awkwardly."""
    second = organization(OrganizationKind.MERCHANT)
    third = organization(OrganizationKind.MERCHANT)
    product(trade, sku="BONBON-9", unit_price="3.33", merchant=second)
    product(trade, sku="WAFEL-1", unit_price="1.01", merchant=third)
    product(trade, sku="SPECU-4", unit_price="2.17", merchant=third)
    return trade.merchant.slug, second.slug, third.slug


def place_checkout(trade: Trade, lines: list[tuple[str, str, int]], **change: object) -> Checkout:
    arguments: dict[str, object] = {
        "marketplace": trade.marketplace,
        "reference": "CK-1",
        "payment_provider_slug": trade.provider.slug,
        "buyer_name": "Li Wei",
        "buyer_id_number": resident_id(31),
        "destination_country": "CN",
        "destination_airport": "HGH",
        "currency": "EUR",
        "lines": [CheckoutLineRequest(m, sku, q) for m, sku, q in lines],
    } | change
    return checkout_place(**arguments)  # type: ignore[arg-type]


def test_a_checkout_is_split_into_one_order_per_merchant_that_add_up(trade):
    first, second, third = three_merchants(trade)
    product_price_tiers_set(
        product=Product.objects.get(sku="PRL-250"),
        tiers=[PriceTierRequest(min_quantity=3, unit_price=D("22.99"))],
    )

    checkout = place_checkout(
        trade,
        [
            (first, "PRL-250", 3),
            (second, "BONBON-9", 7),
            (third, "WAFEL-1", 1),
            (third, "SPECU-4", 5),
        ],
    )

    orders = {o.merchant.slug: o for o in checkout.orders.select_related("merchant")}
    assert set(orders) == {first, second, third}
    assert orders[first].total == D("68.97")  # 3 x 22.99, the tier price
    assert orders[second].total == D("23.31")
    assert orders[third].total == D("11.86")  # 1.01 + 5 x 2.17
    assert checkout.total == D("104.14") == sum(o.total for o in orders.values())
    assert [line.line_number for line in orders[third].lines.all()] == [1, 2]
    assert {o.reference for o in orders.values()} == {"CK-1"}
    assert OutboxEvent.objects.filter(type="marketplace.order.placed").count() == 3


def test_presentment_totals_add_up_to_the_converted_checkout_total(trade):
    first, second, third = three_merchants(trade)
    ExchangeRate.objects.create(date=timezone.now().date(), currency="CNY", rate=D("7.777777"))

    checkout = place_checkout(
        trade,
        [
            (first, "PRL-250", 1),
            (second, "BONBON-9", 1),
            (third, "WAFEL-1", 1),
            (third, "SPECU-4", 1),
        ],
        presentment_currency="CNY",
    )

    orders = list(checkout.orders.prefetch_related("lines"))
    # 24.50 + 3.33 + 1.01 + 2.17 = 31.01 EUR; x 7.777777 = 241.1888... CNY, converted once.
    assert checkout.presentment_total == D("241.19")
    assert sum(o.presentment_total for o in orders) == checkout.presentment_total
    for order in orders:
        assert sum(line.presentment_line_total for line in order.lines.all()) == (
            order.presentment_total
        )
    # Rounding each line on its own would have lost a fen: the remainder was allocated.
    each_rounded = sum(
        (line.line_total * D("7.777777")).quantize(D("0.01"))
        for o in orders
        for line in o.lines.all()
    )
    assert each_rounded != checkout.presentment_total


def test_allocation_is_exact_and_deterministic():
    assert allocate(D("1.00"), [D(1), D(1), D(1)]) == [D("0.34"), D("0.33"), D("0.33")]
    assert allocate(D("10.00"), [D("3"), D("0")]) == [D("10.00"), D("0.00")]
    assert allocate(D("0.05"), [D("1"), D("3")]) == [D("0.01"), D("0.04")]
    assert allocate(D("0.00"), [D("0"), D("0")]) == [D("0.00"), D("0.00")]
    parts = allocate(D("241.19"), [D("24.50"), D("3.33"), D("3.18")])
    assert sum(parts) == D("241.19")


def test_one_short_line_refuses_the_whole_checkout(trade):
    first, second, _ = three_merchants(trade)
    product(trade, sku="LAST-2", stock=2)

    with pytest.raises(Conflict) as refused:
        place_checkout(
            trade, [(first, "PRL-250", 5), (first, "LAST-2", 3), (second, "BONBON-9", 1)]
        )

    assert (refused.value.code, refused.value.field) == ("insufficient_stock", "lines.1.quantity")
    assert not Checkout.objects.exists()
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100
    assert Product.objects.get(sku="BONBON-9").stock == 100


@pytest.mark.parametrize(
    ("lines", "change", "code", "field"),
    [
        ([("nobody", "PRL-250", 1)], {}, "unknown_merchant", "lines.0.merchant"),
        ([("$m", "NOPE", 1)], {}, "unknown_product", "lines.0.sku"),
        ([("$m", "PRL-250", 1), ("$m", "PRL-250", 2)], {}, "duplicate_sku", "lines.1.sku"),
        ([("$m", "PRL-250", 1)], {"buyer_id_number": None}, "buyer_id_required", "buyer_id_number"),
        ([("$m", "PRL-250", 1)], {"buyer_id_number": BAD_CHECK}, "ID_CHECKSUM_INVALID",
         "buyer_id_number"),
    ],
)  # fmt: skip
def test_bad_checkouts_are_refused_with_a_field_and_a_code(trade, lines, change, code, field):
    lines = [(trade.merchant.slug if m == "$m" else m, sku, q) for m, sku, q in lines]

    with pytest.raises(DomainError) as refused:
        place_checkout(trade, lines, **change)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Checkout.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_outside_china_the_buyer_id_is_optional(trade):
    airport_upsert(
        iata="FRA", name="Frankfurt", city="Frankfurt", country="DE", timezone_name="Europe/Berlin"
    )
    hub_freight_rate("FRA")

    checkout = place_checkout(
        trade,
        [(trade.merchant.slug, "PRL-250", 1)],
        buyer_id_number=None,
        destination_country="DE",
        destination_airport="FRA",
    )

    assert checkout.buyer_id_masked == ""
    assert checkout.orders.get().cbec_value_cny is None


def test_a_destination_without_a_freight_rate_is_refused(trade):
    airport_upsert(
        iata="FRA", name="Frankfurt", city="Frankfurt", country="DE", timezone_name="Europe/Berlin"
    )

    with pytest.raises(DomainError) as refused:
        place_checkout(
            trade,
            [(trade.merchant.slug, "PRL-250", 1)],
            buyer_id_number=None,
            destination_country="DE",
            destination_airport="FRA",
        )

    assert (refused.value.code, refused.value.field) == ("no_freight_rate", "destination_airport")
    assert not Checkout.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_a_reference_is_placed_once(trade):
    place_checkout(trade, [(trade.merchant.slug, "PRL-250", 1)])

    with pytest.raises(Conflict) as refused:
        place_checkout(trade, [(trade.merchant.slug, "PRL-250", 1)])

    assert refused.value.code == "order_reference_exists"
    assert Product.objects.get(sku="PRL-250").stock == 99


def test_the_checkout_keeps_the_buyer_id_sealed(trade):
    number = resident_id(31)

    checkout = place_checkout(trade, [(trade.merchant.slug, "PRL-250", 1)])

    stored = Checkout.objects.values().get(pk=checkout.pk)
    assert number not in str(stored)
    assert checkout.buyer_id_masked == number[:6] + "********" + number[-4:]
    event = OutboxEvent.objects.get(type="marketplace.order.placed")
    assert number not in str(event.data)
    assert event.data["buyer_id_number_masked"] == checkout.buyer_id_masked
    assert timezone.now() - checkout.created_at < timedelta(minutes=1)
