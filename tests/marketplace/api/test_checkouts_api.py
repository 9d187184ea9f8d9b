"""POST/GET /api/v1/marketplace/checkouts/: one buyer, one or more merchants, one order each."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.test import Client

from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from marketplace.models import Checkout, Order, Product
from tests.marketplace.flows import organization, pay, product, resident_id, staff_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/marketplace/checkouts/"
BUYER = resident_id(2468)
BAD_CHECK = BUYER[:-1] + ("0" if BUYER[-1] != "0" else "1")


def body(trade, second, **change):
    return {
        "reference": "CK-2026-0001",
        "payment_provider": trade.provider.slug,
        "buyer_name": "Li Wei",
        "buyer_id_number": BUYER,
        "destination_country": "CN",
        "destination_airport": "HGH",
        "currency": "EUR",
        "lines": [
            {"merchant": trade.merchant.slug, "sku": "PRL-250", "quantity": 2},
            {"merchant": second.slug, "sku": "BONBON-9", "quantity": 3},
        ],
    } | change


@pytest.fixture
def second(trade):
    merchant = organization(OrganizationKind.MERCHANT)
    product(trade, sku="BONBON-9", unit_price="3.33", merchant=merchant)
    return merchant


def test_a_marketplace_places_a_checkout_split_by_merchant(trade, second, partner_client):
    client = partner_client(trade.marketplace, scopes=["orders:write", "orders:read"])

    response = client.post(URL, body(trade, second), format="json")

    assert response.status_code == 201, response.json()
    checkout = response.json()
    assert checkout["total"] == "58.99"
    assert [(o["merchant"], o["total"]) for o in checkout["orders"]] == sorted(
        [(trade.merchant.slug, "49.00"), (second.slug, "9.99")]
    )
    assert sum(Decimal(o["total"]) for o in checkout["orders"]) == Decimal(checkout["total"])
    assert checkout["buyer_id_number_masked"] == BUYER[:6] + "********" + BUYER[-4:]
    assert response["Location"] == f"{URL}{checkout['id']}/"
    assert client.get(response["Location"]).json() == checkout
    assert [c["id"] for c in client.get(URL).json()["results"]] == [checkout["id"]]
    # Each merchant sees its own order of it, through the orders API.
    merchant_view = partner_client(second, scopes=["orders:read"]).get(
        "/api/v1/marketplace/orders/"
    )
    assert [o["total"] for o in merchant_view.json()["results"]] == ["9.99"]


def test_the_checkout_shows_what_the_buyer_pays(trade, second, partner_client):
    client = partner_client(trade.marketplace, scopes=["orders:write", "orders:read"])

    checkout = client.post(
        URL, body(trade, second, presentment_currency="CNY"), format="json"
    ).json()

    # Each merchant's consignment flies at the 12.00 minimum; no tariff line is held, so
    # customs' quote assesses no tax. In yuan at 8: 82.99 EUR = 663.92 CNY, split by order.
    by_merchant = {o["merchant"]: o for o in checkout["orders"]}
    mine = by_merchant[trade.merchant.slug]
    assert (mine["total"], mine["freight"], mine["taxes"], mine["amount_due"]) == (
        "49.00",
        "12.00",
        "0.00",
        "61.00",
    )
    assert (checkout["total"], checkout["freight"], checkout["amount_due"]) == (
        "58.99",
        "24.00",
        "82.99",
    )
    assert checkout["presentment_amount_due"] == "663.92"
    assert sum(Decimal(o["presentment_amount_due"]) for o in checkout["orders"]) == Decimal(
        "663.92"
    )
    for order in checkout["orders"]:
        assert Decimal(order["presentment_amount_due"]) == (
            Decimal(order["presentment_total"])
            + Decimal(order["presentment_freight"])
            + Decimal(order["presentment_taxes"])
        )


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"lines": []}, "lines", "empty"),
        ({"lines": [{"merchant": "x", "sku": "PRL-250"}]}, "lines.0.quantity", "required"),
        ({"buyer_id_number": BAD_CHECK}, "buyer_id_number", "ID_CHECKSUM_INVALID"),
        ({"buyer_id_number": "12345"}, "buyer_id_number", "ID_FORMAT_INVALID"),
        ({"buyer_id_number": BUYER + "1"}, "buyer_id_number", "max_length"),
        ({"reference": ""}, "reference", "blank"),
    ],
)
def test_bad_input_is_a_400_problem_and_nothing_is_written(
    trade, second, partner_client, change, field, code
):
    client = partner_client(trade.marketplace, scopes=["orders:write"])

    response = client.post(URL, body(trade, second, **change), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert (field, code) in {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert BUYER not in response.content.decode()
    assert not Checkout.objects.exists()
    assert not OutboxEvent.objects.filter(type__startswith="marketplace.order.").exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_a_missing_buyer_id_for_china_is_a_400_naming_it(trade, second, partner_client):
    client = partner_client(trade.marketplace, scopes=["orders:write"])
    without = body(trade, second)
    del without["buyer_id_number"]

    response = client.post(URL, without, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "buyer_id_required"
    assert response.json()["errors"][0]["field"] == "buyer_id_number"
    assert not Checkout.objects.exists()


def test_one_short_line_refuses_every_merchants_order(trade, second, partner_client):
    client = partner_client(trade.marketplace, scopes=["orders:write"])
    change = {
        "lines": [
            *body(trade, second)["lines"][:1],
            {**body(trade, second)["lines"][1], "quantity": 101},
        ]
    }

    response = client.post(URL, body(trade, second, **change), format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["errors"][0]["field"]) == (
        "insufficient_stock",
        "lines.1.quantity",
    )
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_another_marketplaces_checkout_is_not_found(trade, second, make_org, partner_client):
    own = partner_client(trade.marketplace, scopes=["orders:write", "orders:read"])
    created = own.post(URL, body(trade, second), format="json").json()
    other = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=["orders:read"])

    assert other.get(f"{URL}{created['id']}/").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert own.get(f"{URL}{uuid.uuid4()}/").status_code == 404
    # Merchants see their own orders, never the buyer's whole checkout.
    assert (
        partner_client(second, scopes=["orders:read"]).get(f"{URL}{created['id']}/").status_code
        == 403
    )


def test_the_full_id_number_never_leaves_in_a_response_an_event_or_the_admin(
    trade, second, partner_client
):
    own = partner_client(trade.marketplace)
    created = own.post(URL, body(trade, second), format="json")
    order = Order.objects.get(merchant=trade.merchant)
    pay(trade, order)
    admin = Client()
    admin.force_login(staff_user_with_all_rights())

    pages = [
        created.content,
        own.get(f"{URL}{created.json()['id']}/").content,
        own.get(f"/api/v1/marketplace/orders/{order.pk}/").content,
        own.get("/api/v1/marketplace/orders/").content,
        *(
            admin.get(path).content
            for path in (
                "/admin/marketplace/checkout/",
                f"/admin/marketplace/checkout/{order.checkout_id}/change/",
                "/admin/marketplace/order/",
                f"/admin/marketplace/order/{order.pk}/change/",
                "/admin/marketplace/payment/",
                f"/admin/marketplace/payment/{order.payments.get().pk}/change/",
            )
        ),
        *(str(event.data).encode() for event in OutboxEvent.objects.all()),
    ]

    masked = (BUYER[:6] + "********" + BUYER[-4:]).encode()
    assert all(BUYER.encode() not in page for page in pages)
    assert sum(masked in page for page in pages) >= 8


def staff_user_with_all_rights():
    user = staff_user("staff")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user
