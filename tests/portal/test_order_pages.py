"""The orders pages: each order placed with the merchant, where it stands at customs (and why,
if held) and in transit, its lines, history and tracking; another merchant's order is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.services import shipment_route, tracking_event_record
from marketplace.models import Order
from tests.marketplace.flows import (
    Trade,
    clear,
    cleared_order,
    declaration_of,
    flight,
    pay,
    place,
    product,
    shipment_of,
)

pytestmark = pytest.mark.django_db

ORDERS = "/marketplace/orders/"


def held_order(trade: Trade) -> Order:
    """Goods whose HS code left the nomenclature: the clearance job holds them."""
    product(trade, sku="OLD-CODE", hs_code="999999")
    order = place(trade, lines=[("OLD-CODE", 1)])
    pay(trade, order)
    clear(order)
    order.refresh_from_db()
    return order


def delivered_far(trade: Trade) -> Order:
    """An order released by customs, booked on a flight, that departed and arrived."""
    flight(trade)
    order = cleared_order(trade)
    shipment = shipment_route(shipment_id=shipment_of(order).pk)
    start = timezone.now() - timedelta(hours=2)
    for minutes, code in enumerate(["RCS", "DEP", "ARR"]):
        tracking_event_record(
            carrier=trade.carrier,
            tracking_number=shipment.tracking_number,
            partner_event_id=f"evt-{code}",
            code=code,
            occurred_at=start + timedelta(minutes=10 * minutes),
            location="LGG" if code != "ARR" else "HGH",
        )
    order.refresh_from_db()
    return order


def test_the_list_shows_each_orders_customs_and_shipment_status(trade: Trade, merchant_client):
    placed = place(trade)
    held = held_order(trade)
    flying = delivered_far(trade)
    tracking = shipment_of(flying).tracking_number

    page = merchant_client.get(ORDERS).content.decode()

    assert placed.reference in page
    assert "Not declared yet" in page
    assert held.reference in page
    assert "badge--held" in page
    assert tracking in page
    assert "Arrived at destination" in page
    assert "Li Wei" not in page
    assert "L*** W***" in page


def test_a_held_order_says_why(trade: Trade, merchant_client):
    held = held_order(trade)
    declaration = declaration_of(held)
    decision = declaration.decisions.order_by("decided_at").last()

    page = merchant_client.get(ORDERS).content.decode()
    detail = merchant_client.get(f"{ORDERS}{held.pk}/").content.decode()

    assert declaration.status == "held"
    assert decision is not None
    assert decision.reason
    assert decision.reason in page
    assert decision.reason in detail


def test_the_list_filters_by_status(trade: Trade, merchant_client):
    placed = place(trade)
    paid = place(trade)
    pay(trade, paid)

    page = merchant_client.get(ORDERS, {"status": "placed"}).content.decode()

    assert placed.reference in page
    assert paid.reference not in page


def test_the_list_reads_customs_and_logistics_once_per_page_not_once_per_order(
    trade: Trade, merchant_client
):
    for _ in range(3):
        cleared_order(trade)
    with CaptureQueriesContext(connection) as three:
        merchant_client.get(ORDERS)
    for _ in range(3):
        cleared_order(trade)

    with CaptureQueriesContext(connection) as six:
        merchant_client.get(ORDERS)

    assert len(six) == len(three)


def test_the_detail_shows_lines_history_declaration_and_tracking(trade: Trade, merchant_client):
    order = delivered_far(trade)
    shipment = shipment_of(order)

    response = merchant_client.get(f"{ORDERS}{order.pk}/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "PRL-250" in page
    assert "49.00 EUR" in page
    assert "Declared to customs" in page
    assert "Cleared by customs" in page
    assert "Released" in page
    assert shipment.tracking_number in page
    assert page.index("Arrived at destination") < page.index("Departed")  # newest first
    assert "L*** W***" in page
    assert "Li Wei" not in page


def test_another_merchants_order_is_not_found(trade: Trade, rival: Trade, merchant_client):
    theirs = place(rival, lines=[("RIVAL-1", 1)])

    response = merchant_client.get(f"{ORDERS}{theirs.pk}/")
    listed = merchant_client.get(ORDERS).content.decode()

    assert response.status_code == 404
    assert theirs.reference not in listed


def test_an_order_that_does_not_exist_is_not_found(trade: Trade, merchant_client):
    response = merchant_client.get(f"{ORDERS}00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
