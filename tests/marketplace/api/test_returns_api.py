"""POST orders/{id}/return/ and orders/{id}/return-received/ by the marketplace that placed the
order: a CBEC return within its windows, coded refusals, and another tenant's order is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from marketplace.models import Order, OrderStatus, OrderStatusChange
from marketplace.services import order_deliver
from tests.marketplace.flows import cleared_order, declaration_of, place

pytestmark = pytest.mark.django_db


def url(order_id, action):
    return f"/api/v1/marketplace/orders/{order_id}/{action}/"


def delivered(trade) -> Order:
    order = cleared_order(trade)
    return order_deliver(order_id=order.pk, delivered_at=timezone.now())


def test_a_marketplace_takes_goods_back_within_the_windows(trade, partner_client):
    order = delivered(trade)
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    asked = client.post(url(order.pk, "return"), {"reason": "Wrong size"}, format="json")
    back = client.post(url(order.pk, "return-received"), {}, format="json")

    assert asked.status_code == 200, asked.json()
    assert asked.json()["status"] == "return_requested"
    assert back.status_code == 200, back.json()
    assert back.json()["status"] == "returned"
    assert declaration_of(order).tax_cancelled_at is not None


def test_bad_returns_are_coded_problems_and_change_nothing(trade, partner_client):
    order = delivered(trade)
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    no_reason = client.post(url(order.pk, "return"), {}, format="json")
    unknown_field = client.post(url(order.pk, "return"), {"reason": "x", "why": 1}, format="json")
    received_first = client.post(url(order.pk, "return-received"), {}, format="json")
    OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.CLEARED).update(
        changed_at=timezone.now() - timedelta(days=31)
    )
    too_late = client.post(url(order.pk, "return"), {"reason": "Late"}, format="json")
    not_delivered = client.post(url(place(trade).pk, "return"), {"reason": "x"}, format="json")

    assert no_reason.status_code == 400
    assert no_reason["Content-Type"] == "application/problem+json"
    assert unknown_field.status_code == 400
    assert received_first.status_code == 409
    assert received_first.json()["code"] == "order_invalid_transition"
    assert too_late.status_code == 422
    assert too_late.json()["code"] == "return_window_closed"
    assert not_delivered.status_code == 409
    assert not_delivered.json()["code"] == "order_invalid_transition"
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_another_marketplaces_order_is_not_found(trade, make_org, partner_client):
    order = delivered(trade)
    other = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=["orders:write"])

    assert other.post(url(order.pk, "return"), {"reason": "x"}, format="json").status_code == 404
    assert other.post(url(order.pk, "return-received"), {}, format="json").status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
