from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from ewtp.core.errors import Conflict, DomainError, PermissionDenied
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from marketplace.models import Order, OrderStatus, Product, ProductStatus
from marketplace.services import OrderLineRequest, order_place
from tests.marketplace.flows import organization, place, product, resident_id, trade_setup

pytestmark = pytest.mark.django_db


def test_placing_reserves_stock_snapshots_prices_and_publishes(trade):
    product(trade, sku="TRIPEL-6", hs_code="220300", unit_price="14.95", weight_kg="2.400")

    order = place(trade, lines=[("PRL-250", 3), ("TRIPEL-6", 1)])

    assert order.status == OrderStatus.PLACED
    assert order.total == Decimal("88.45")  # 3 x 24.50 + 14.95
    lines = list(order.lines.order_by("line_number"))
    assert [(line.sku, line.quantity, line.unit_price, line.line_total) for line in lines] == [
        ("PRL-250", 3, Decimal("24.50"), Decimal("73.50")),
        ("TRIPEL-6", 1, Decimal("14.95"), Decimal("14.95")),
    ]
    assert Product.objects.get(sku="PRL-250").stock == 97
    event = OutboxEvent.objects.get(type="marketplace.order.placed")
    assert event.data["id"] == str(order.pk)
    assert event.data["total"] == "88.45"
    assert set(event.recipient_ids) == {trade.marketplace.pk, trade.merchant.pk}


def test_a_price_change_after_placement_does_not_change_the_order(trade):
    order = place(trade)
    Product.objects.filter(sku="PRL-250").update(unit_price=Decimal("99.00"))

    order.refresh_from_db()

    assert order.total == Decimal("49.00")
    assert order.lines.get().unit_price == Decimal("24.50")


def test_an_order_for_more_than_the_stock_is_refused_and_nothing_is_reserved(trade):
    product(trade, sku="LAST-3", stock=3)

    with pytest.raises(Conflict) as refused:
        place(trade, lines=[("PRL-250", 5), ("LAST-3", 4)])

    assert refused.value.code == "insufficient_stock"
    assert refused.value.field == "lines.1.quantity"
    assert Product.objects.get(sku="PRL-250").stock == 100
    assert Product.objects.get(sku="LAST-3").stock == 3
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"merchant_slug": "nobody"}, "unknown_merchant", "merchant"),
        ({"payment_provider_slug": "nobody"}, "unknown_payment_provider", "payment_provider"),
        ({"destination_airport": "JFK"}, "destination_not_served", "destination_airport"),
        ({"destination_country": "JP"}, "destination_not_served", "destination_airport"),
        ({"currency": "CNY"}, "currency_mismatch", "currency"),
        ({"lines": [OrderLineRequest("NOPE", 1)]}, "unknown_product", "lines.0.sku"),
        ({"lines": [OrderLineRequest("DRAFT-1", 1)]}, "unknown_product", "lines.0.sku"),
        ({"lines": []}, "order_empty", "lines"),
        ({"lines": [OrderLineRequest("PRL-250", 0)]}, "quantity_not_positive", "lines.0.quantity"),
        (
            {"lines": [OrderLineRequest("PRL-250", 1), OrderLineRequest("PRL-250", 2)]},
            "duplicate_sku",
            "lines.1.sku",
        ),
    ],
)
def test_bad_orders_are_refused_with_a_field_and_a_code(trade, change, code, field):
    product(trade, sku="DRAFT-1", status=ProductStatus.DRAFT)
    arguments = {
        "marketplace": trade.marketplace,
        "reference": "MP-1",
        "merchant_slug": trade.merchant.slug,
        "payment_provider_slug": trade.provider.slug,
        "buyer_name": "Li Wei",
        "buyer_id_number": resident_id(7),
        "destination_country": "CN",
        "destination_airport": "HGH",
        "currency": "EUR",
        "lines": [OrderLineRequest("PRL-250", 1)],
    } | change

    with pytest.raises(DomainError) as refused:
        order_place(**arguments)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_another_merchants_sku_is_not_for_sale_under_this_merchant(trade):
    other = organization(OrganizationKind.MERCHANT)
    product(trade, sku="OTHER-1", merchant=other)

    with pytest.raises(DomainError) as refused:
        place(trade, lines=[("OTHER-1", 1)])

    assert refused.value.code == "unknown_product"


def test_a_reference_is_placed_once_per_marketplace(trade):
    place(trade, reference="MP-7")

    with pytest.raises(Conflict) as refused:
        place(trade, reference="MP-7")

    assert refused.value.code == "order_reference_exists"
    assert Order.objects.count() == 1


def test_only_marketplaces_place_orders(trade):
    with pytest.raises(PermissionDenied):
        order_place(
            marketplace=trade.merchant, reference="X", merchant_slug=trade.merchant.slug,
            payment_provider_slug=trade.provider.slug, buyer_name="B",
            destination_country="CN", destination_airport="HGH", currency="EUR",
            lines=[OrderLineRequest("PRL-250", 1)],
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_orders_racing_for_the_last_units_cannot_both_win():
    # Placement queues no job, so nothing is left on the broker by this committing test.
    trade = trade_setup()
    product(trade, sku="LAST-5", stock=5)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def buy(reference: str) -> None:
        try:
            barrier.wait(timeout=5)
            place(trade, reference=reference, lines=[("LAST-5", 3)])
            outcomes.append("placed")
        except Conflict as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(f"RACE-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["insufficient_stock", "placed"]
    assert Product.objects.get(sku="LAST-5").stock == 2
    assert Order.objects.count() == 1
