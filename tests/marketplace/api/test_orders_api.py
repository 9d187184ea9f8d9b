from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from marketplace.models import ExchangeRate, Order, OrderStatus, Product
from tests.marketplace.flows import pay, place, resident_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/marketplace/orders/"
BUYER = resident_id(515151)


def order_body(trade, **change):
    return {
        "reference": "TM-2026-0001",
        "merchant": trade.merchant.slug,
        "payment_provider": trade.provider.slug,
        "buyer_name": "Li Wei",
        "buyer_id_number": BUYER,
        "destination_country": "CN",
        "destination_airport": "HGH",
        "currency": "EUR",
        "lines": [{"sku": "PRL-250", "quantity": 2}],
    } | change


def test_a_marketplace_places_an_order(trade, partner_client):
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(URL, order_body(trade), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "placed"
    assert body["total"] == "49.00"
    assert body["lines"][0]["line_total"] == "49.00"
    assert response["Location"] == f"{URL}{body['id']}/"
    assert Product.objects.get(sku="PRL-250").stock == 98


def test_a_retried_placement_with_the_same_idempotency_key_is_replayed(trade, partner_client):
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    first = client.post(URL, order_body(trade), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, order_body(trade), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    assert Product.objects.get(sku="PRL-250").stock == 98


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"lines": []}, "lines", "empty"),
        ({"lines": [{"sku": "PRL-250", "quantity": 0}]}, "lines.0.quantity", "min_value"),
        ({"lines": [{"sku": "PRL-250", "qty": 1}]}, "lines.0.qty", "unknown_field"),
        ({"destination_airport": "hgh"}, "destination_airport", "invalid"),
        ({"reference": ""}, "reference", "blank"),
        ({"buyer_name": None}, "buyer_name", "null"),
    ],
)
def test_bad_input_is_a_400_problem_and_nothing_is_reserved(
    trade, partner_client, change, field, code
):
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(URL, order_body(trade, **change), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert (field, code) in {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"merchant": "nobody"}, 422, "unknown_merchant", "merchant"),
        ({"destination_airport": "JFK"}, 422, "destination_not_served", "destination_airport"),
        ({"lines": [{"sku": "PRL-250", "quantity": 101}]}, 409, "insufficient_stock",
         "lines.0.quantity"),
    ],
)  # fmt: skip
def test_business_refusals_are_problems_with_a_code_and_nothing_is_written(
    trade, partner_client, change, status, code, field
):
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(URL, order_body(trade, **change), format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["field"] == field
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_merchants_read_orders_but_do_not_place_them(trade, partner_client):
    client = partner_client(trade.merchant)

    response = client.post(URL, order_body(trade), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_a_marketplace"
    assert not Order.objects.exists()


def test_each_party_lists_only_its_own_orders(trade, make_org, partner_client):
    ours = place(trade)
    other_marketplace = make_org(OrganizationKind.MARKETPLACE)

    as_marketplace = partner_client(trade.marketplace, scopes=["orders:read"]).get(URL).json()
    as_merchant = partner_client(trade.merchant, scopes=["orders:read"]).get(URL).json()
    as_other = partner_client(other_marketplace, scopes=["orders:read"]).get(URL).json()

    assert [o["id"] for o in as_marketplace["results"]] == [str(ours.pk)]
    assert [o["id"] for o in as_merchant["results"]] == [str(ours.pk)]
    assert as_other["results"] == []


def test_orders_filter_by_status_and_refuse_an_unknown_one(trade, partner_client):
    paid = place(trade)
    pay(trade, paid)
    place(trade)
    client = partner_client(trade.marketplace, scopes=["orders:read"])

    placed = client.get(URL, {"status": "placed"}).json()["results"]
    unknown = client.get(URL, {"status": "lost"})

    assert [o["status"] for o in placed] == ["placed"]
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "status"


def test_another_marketplaces_order_is_not_found(trade, make_org, partner_client):
    order = place(trade)
    other = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=["orders:read"])
    unrelated_merchant = partner_client(make_org(OrganizationKind.MERCHANT), scopes=["orders:read"])
    own = partner_client(trade.marketplace, scopes=["orders:read"])

    assert own.get(f"{URL}{order.pk}/").json()["reference"] == order.reference
    assert other.get(f"{URL}{order.pk}/").status_code == 404
    assert unrelated_merchant.get(f"{URL}{order.pk}/").status_code == 404
    assert own.get(f"{URL}{uuid.uuid4()}/").status_code == 404


def test_a_marketplace_cancels_its_order_and_only_its_own(trade, make_org, partner_client):
    order = place(trade)
    other = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=["orders:write"])
    own = partner_client(trade.marketplace, scopes=["orders:write"])

    refused = other.post(f"{URL}{order.pk}/cancel/", {"reason": "x"}, format="json")
    bad = own.post(f"{URL}{order.pk}/cancel/", {"reason": "x" * 501}, format="json")
    done = own.post(f"{URL}{order.pk}/cancel/", {"reason": "buyer withdrew"}, format="json")

    assert refused.status_code == 404
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "reason"
    assert done.status_code == 200
    assert done.json()["status"] == "cancelled"
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_cancelling_an_order_customs_already_has_is_a_409(trade, partner_client):
    order = pay(trade, place(trade))
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(f"{URL}{order.pk}/cancel/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "order_invalid_transition"
    order.refresh_from_db()
    assert order.status == OrderStatus.CUSTOMS_SUBMITTED


def test_an_order_shown_in_yuan_carries_the_rate_it_was_placed_at(trade, partner_client):
    ExchangeRate.objects.create(date=timezone.now().date(), currency="CNY", rate=Decimal("8.1"))
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(URL, order_body(trade, presentment_currency="CNY"), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["presentment_currency"], body["presentment_total"]) == ("CNY", "396.90")
    line = body["lines"][0]
    assert line["exchange_rate"] == "8.100000"
    assert line["exchange_rate_date"] == timezone.now().date().isoformat()
    assert (line["presentment_unit_price"], line["presentment_line_total"]) == (
        "198.45",
        "396.90",
    )


@pytest.mark.parametrize(
    ("currency", "status", "code"),
    [("cny", 400, "invalid"), ("XYZ", 422, "exchange_rate_unavailable")],
)
def test_an_unusable_presentment_currency_places_nothing(
    trade, partner_client, currency, status, code
):
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(URL, order_body(trade, presentment_currency=currency), format="json")

    assert response.status_code == status
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        ("presentment_currency", code)
    }
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100
