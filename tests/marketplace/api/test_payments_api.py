from __future__ import annotations

import uuid

import pytest

from customs.models import Declaration
from ewtp.core.models import OrganizationKind
from marketplace.models import OrderStatus, Payment
from marketplace.services import order_cancel
from tests.marketplace.flows import place, resident_id

pytestmark = pytest.mark.django_db


def url(order_id):
    return f"/api/v1/marketplace/orders/{order_id}/payments/"


BUYER = resident_id(424242)
BODY = {
    "transaction_id": "2026112522001400001",
    "amount": "61.00",  # 49.00 of goods + 12.00 of freight
    "currency": "EUR",
    "payer_name": "Li Wei",
    "payer_id_number": BUYER,
}


def test_the_named_provider_confirms_payment(trade, partner_client):
    order = place(trade, buyer_id_number=BUYER)
    client = partner_client(trade.provider, scopes=["payments:write"])

    response = client.post(url(order.pk), BODY, format="json")
    again = client.post(url(order.pk), BODY, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "61.00"
    assert response.json()["order_status"] == "customs_submitted"
    assert again.status_code == 200
    assert again.json()["id"] == response.json()["id"]
    assert Payment.objects.count() == 1
    assert Declaration.objects.filter(order_id=order.pk).exists()


def test_a_payment_short_of_the_total_is_refused_and_nothing_is_written(trade, partner_client):
    order = place(trade, buyer_id_number=BUYER)
    client = partner_client(trade.provider, scopes=["payments:write"])

    response = client.post(url(order.pk), BODY | {"amount": "48.00"}, format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "payment_amount_mismatch"
    assert response.json()["errors"][0]["field"] == "amount"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not Payment.objects.exists()
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 49.0}, "amount"),
        ({"amount": "49.001"}, "amount"),
        ({"currency": "€"}, "currency"),
        ({"transaction_id": ""}, "transaction_id"),
        ({"paid_at": "2026-11-25T14:03:00"}, "paid_at"),  # no offset
        ({"tip": "1.00"}, "tip"),
    ],
)
def test_bad_input_is_a_400_problem(trade, partner_client, change, field):
    order = place(trade, buyer_id_number=BUYER)
    client = partner_client(trade.provider, scopes=["payments:write"])

    response = client.post(url(order.pk), BODY | change, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Payment.objects.exists()


def test_another_provider_or_an_unknown_order_is_not_found(trade, make_org, partner_client):
    order = place(trade, buyer_id_number=BUYER)
    other = partner_client(make_org(OrganizationKind.PAYMENT_PROVIDER), scopes=["payments:write"])
    named = partner_client(trade.provider, scopes=["payments:write"])

    assert other.post(url(order.pk), BODY, format="json").status_code == 404
    assert named.post(url(uuid.uuid4()), BODY, format="json").status_code == 404
    assert not Payment.objects.exists()


def test_only_payment_providers_confirm_payments(trade, partner_client):
    order = place(trade, buyer_id_number=BUYER)

    response = partner_client(trade.marketplace).post(url(order.pk), BODY, format="json")

    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_paying_a_cancelled_order_is_a_409(trade, partner_client):
    order = place(trade, buyer_id_number=BUYER)
    order_cancel(order=order)

    response = partner_client(trade.provider).post(url(order.pk), BODY, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "order_invalid_transition"
    assert not Payment.objects.exists()
