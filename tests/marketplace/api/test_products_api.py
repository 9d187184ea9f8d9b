from __future__ import annotations

import uuid

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.models import Product
from tests.marketplace.flows import product

pytestmark = pytest.mark.django_db

URL = "/api/v1/marketplace/products/"
BODY = {
    "sku": "PRL-ASSORT-250",
    "title": "Assorted pralines (250 g)",
    "hs_code": "180690",
    "origin_country": "BE",
    "unit_price": "24.50",
    "currency": "EUR",
    "stock": 40,
    "weight_kg": "0.350",
    "status": "published",
}


def test_a_merchant_lists_a_product(make_org, partner_client):
    merchant = make_org(OrganizationKind.MERCHANT)
    client = partner_client(merchant, scopes=["catalog:write"])

    response = client.post(URL, BODY, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["unit_price"] == "24.50"
    assert body["weight_kg"] == "0.350"
    assert body["merchant"] == merchant.slug
    assert response["Location"] == f"{URL}{body['id']}/"
    assert Product.objects.get(pk=body["id"]).stock == 40


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"hs_code": "18069"}, "hs_code", "invalid"),
        ({"unit_price": 24.5}, "unit_price", "invalid"),  # floats cannot carry exact cents
        ({"unit_price": "0.00"}, "unit_price", "min_value"),
        ({"stock": -1}, "stock", "min_value"),
        ({"currency": "eur"}, "currency", "invalid"),
        ({"origin_country": "Belgium"}, "origin_country", "invalid"),
        ({"status": "archived"}, "status", "invalid_choice"),
        ({"colour": "brown"}, "colour", "unknown_field"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field_and_nothing_is_written(
    make_org, partner_client, change, field, code
):
    client = partner_client(make_org(OrganizationKind.MERCHANT))

    response = client.post(URL, BODY | change, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert {(e["field"], e["code"]) for e in problem["errors"]} == {(field, code)}
    assert not Product.objects.exists()


def test_a_duplicate_sku_is_a_409(make_org, partner_client):
    client = partner_client(make_org(OrganizationKind.MERCHANT))
    client.post(URL, BODY, format="json")

    response = client.post(URL, BODY, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "sku_exists"
    assert response.json()["errors"][0]["field"] == "sku"
    assert Product.objects.count() == 1


def test_only_merchants_with_the_scope_may_list_products(make_org, partner_client):
    marketplace_client = partner_client(make_org(OrganizationKind.MARKETPLACE))
    no_scope = partner_client(make_org(OrganizationKind.MERCHANT), scopes=["catalog:read"])

    by_marketplace = marketplace_client.post(URL, BODY, format="json")
    without_scope = no_scope.post(URL, BODY, format="json")

    assert by_marketplace.status_code == 403
    assert by_marketplace.json()["code"] == "organization_kind_not_allowed"
    assert without_scope.status_code == 403
    assert without_scope.json()["code"] == "scope_missing"
    assert not Product.objects.exists()


def test_a_merchant_reads_only_its_own_products(trade, make_org, partner_client):
    other = make_org(OrganizationKind.MERCHANT)
    theirs = product(trade, sku="THEIRS", merchant=other)
    client = partner_client(trade.merchant, scopes=["catalog:read"])

    listing = client.get(URL)
    mine = client.get(f"{URL}{listing.json()['results'][0]['id']}/")
    not_mine = client.get(f"{URL}{theirs.pk}/")
    missing = client.get(f"{URL}{uuid.uuid4()}/")

    assert [p["sku"] for p in listing.json()["results"]] == ["PRL-250"]
    assert mine.status_code == 200
    assert not_mine.status_code == 404
    assert not_mine.json()["code"] == "not_found"
    assert missing.status_code == 404


def test_the_product_list_is_cursor_paginated(trade, partner_client):
    for n in range(3):
        product(trade, sku=f"EXTRA-{n}")
    client = partner_client(trade.merchant, scopes=["catalog:read"])

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert "cursor=" in first["next"]
    assert len(second["results"]) == 2
    skus = {p["sku"] for p in first["results"] + second["results"]}
    assert skus == {"PRL-250", "EXTRA-0", "EXTRA-1", "EXTRA-2"}
