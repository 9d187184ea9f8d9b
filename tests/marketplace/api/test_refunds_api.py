"""POST orders/{id}/refunds/ by the payment provider; POST orders/{id}/complete/ by the
marketplace; payments name the payer, who must be the buyer for China."""

from __future__ import annotations

import uuid

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.models import Order, OrderStatus, Payment, Refund
from tests.marketplace.flows import pay, place, resident_id

pytestmark = pytest.mark.django_db

BUYER = resident_id(1357)
# The order's 61.00: 49.00 of goods + 12.00 of freight.
BODY = {"transaction_id": "RF-2026-1", "amount": "61.00", "currency": "EUR", "reason": "lost"}


def url(order_id, action="refunds"):
    return f"/api/v1/marketplace/orders/{order_id}/{action}/"


def delivered(trade) -> Order:
    order = pay(trade, place(trade, buyer_id_number=BUYER))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)  # arrange
    return order


def test_the_provider_refunds_a_delivered_order_in_full(trade, partner_client):
    order = delivered(trade)
    client = partner_client(trade.provider, scopes=["payments:write"])

    response = client.post(url(order.pk), BODY, format="json")
    again = client.post(url(order.pk), BODY, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["order_status"], response.json()["order_refunded_total"]) == (
        "refunded",
        "61.00",
    )
    assert again.status_code == 200
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"amount": "0.00"}, 400, "min_value", "amount"),
        ({"amount": 1.5}, 400, "invalid", "amount"),
        ({"reason": ""}, 400, "blank", "reason"),
        ({"amount": "61.01"}, 409, "refund_exceeds_capture", "amount"),
        ({"currency": "USD"}, 422, "refund_currency_mismatch", "currency"),
    ],
)
def test_bad_refunds_are_problems_and_nothing_is_written(
    trade, partner_client, change, status, code, field
):
    order = delivered(trade)
    client = partner_client(trade.provider, scopes=["payments:write"])

    response = client.post(url(order.pk), BODY | change, format="json")

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert (field, code) in {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert not Refund.objects.exists()
    order.refresh_from_db()
    assert order.refunded_total == 0


def test_another_provider_or_an_unknown_order_is_not_found(trade, make_org, partner_client):
    order = delivered(trade)
    other = partner_client(make_org(OrganizationKind.PAYMENT_PROVIDER), scopes=["payments:write"])
    named = partner_client(trade.provider, scopes=["payments:write"])

    refused = other.post(url(order.pk), BODY, format="json")
    unknown = named.post(url(uuid.uuid4()), BODY, format="json")

    assert (refused.status_code, refused.json()["code"]) == (404, "unknown_order")
    assert unknown.status_code == 404
    assert not Refund.objects.exists()


def test_a_marketplace_completes_its_delivered_order_and_only_its_own(
    trade, make_org, partner_client
):
    order = delivered(trade)
    placed = place(trade)
    own = partner_client(trade.marketplace, scopes=["orders:write"])
    other = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=["orders:write"])

    assert other.post(url(order.pk, "complete"), {}, format="json").status_code == 404
    too_early = own.post(url(placed.pk, "complete"), {}, format="json")
    done = own.post(url(order.pk, "complete"), {"reason": "14 days passed"}, format="json")
    late_refund = partner_client(trade.provider, scopes=["payments:write"]).post(
        url(order.pk), BODY, format="json"
    )

    assert (too_early.status_code, too_early.json()["code"]) == (409, "order_invalid_transition")
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert (late_refund.status_code, late_refund.json()["code"]) == (409, "order_not_refundable")


def test_for_china_the_payer_must_be_the_buyer_and_is_shown_masked(trade, partner_client):
    order = place(trade, buyer_id_number=BUYER)
    client = partner_client(trade.provider, scopes=["payments:write"])
    payment = {"transaction_id": "TX-9", "amount": "61.00", "currency": "EUR", "payer_name": "Li"}

    missing = client.post(url(order.pk, "payments"), payment, format="json")
    stranger = client.post(
        url(order.pk, "payments"), payment | {"payer_id_number": resident_id(1)}, format="json"
    )
    paid = client.post(
        url(order.pk, "payments"), payment | {"payer_id_number": BUYER}, format="json"
    )

    assert (missing.status_code, missing.json()["code"]) == (400, "payer_id_required")
    assert (stranger.status_code, stranger.json()["code"]) == (422, "payer_not_buyer")
    assert paid.status_code == 201, paid.json()
    assert paid.json()["payer_id_number_masked"] == BUYER[:6] + "********" + BUYER[-4:]
    assert BUYER.encode() not in paid.content
    assert Payment.objects.count() == 1
