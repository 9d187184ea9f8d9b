"""Marketplaces ask for the landed cost of one listing or of a checkout basket."""

from __future__ import annotations

import uuid

import pytest

from ewtp.core.models import OrganizationKind
from logistics.services import airport_upsert
from marketplace.models import OrderLandedCost, ProductStatus
from tests.marketplace.flows import organization, product

pytestmark = pytest.mark.django_db

LISTING = "/api/v1/marketplace/listings/{}/landed-cost/"
BASKET = "/api/v1/marketplace/landed-cost/"
HGH_CNY = {"destination_country": "CN", "destination_airport": "HGH", "currency": "CNY"}


@pytest.fixture
def client(priced, partner_client):
    return partner_client(priced.trade.marketplace, scopes=["catalog:read"])


def test_a_listing_landed_cost_to_the_cent(client, priced):
    response = client.get(LISTING.format(priced.pralines.pk), {**HGH_CNY, "quantity": 2})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["goods"], body["freight"], body["taxes"], body["total"]) == (
        "382.20", "93.60", "43.30", "519.10",
    )  # fmt: skip
    [consignment] = body["consignments"]
    assert consignment["regime"] == "CN_CBEC"
    assert consignment["tax_lines"][0] | {"line": 1} == {
        "line": 1, "code": "180690", "customs_value": "475.80", "duty_rate": "8.0000",
        "duty": "0.00", "excise_rate": None, "excise": "0.00", "vat_rate": "13.0000",
        "vat": "43.30",
    }  # fmt: skip
    assert body["rates"][0]["base"] == "EUR"
    assert body["rates"][0]["rate"] == "7.800000"


def test_the_quantity_defaults_to_the_minimum_order(client, priced):
    response = client.get(LISTING.format(priced.pralines.pk), HGH_CNY)

    assert response.status_code == 200
    assert response.json()["consignments"][0]["goods_lines"][0]["quantity"] == 1


def test_a_basket_across_merchants(client, priced):
    brewer = organization(OrganizationKind.MERCHANT)
    beer = product(
        priced.trade, merchant=brewer, sku="BEER-33", hs_code="220300", unit_price="3.00",
        weight_kg="0.500",
    )  # fmt: skip

    response = client.post(
        BASKET,
        {
            **HGH_CNY,
            "lines": [
                {"listing": str(priced.pralines.pk), "quantity": 2},
                {"listing": str(beer.pk), "quantity": 6},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["total"] == "774.39"
    assert len(response.json()["consignments"]) == 2
    assert not OrderLandedCost.objects.exists()


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"destination_airport": "PEK"}, 422, "destination_not_served", "destination_airport"),
        ({"currency": "JPY"}, 422, "exchange_rate_unavailable", "currency"),
        ({"quantity": "0"}, 400, "validation_failed", "quantity"),
        ({"currency": "cny"}, 400, "validation_failed", "currency"),
        ({"destination_country": "China"}, 400, "validation_failed", "destination_country"),
    ],
)
def test_bad_listing_queries_are_coded_problems(client, priced, params, status, code, field):
    response = client.get(LISTING.format(priced.pralines.pk), {**HGH_CNY, **params})

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    fields = {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert field in fields


def test_under_the_minimum_order_quantity_is_refused(client, priced):
    boxed = product(priced.trade, sku="BOX-12", min_order_quantity=12)

    response = client.get(LISTING.format(boxed.pk), {**HGH_CNY, "quantity": 11})

    assert response.status_code == 422
    assert response.json()["code"] == "below_minimum_order_quantity"


def test_a_draft_listing_or_another_merchants_unpublished_one_is_not_found(client, priced):
    draft = product(priced.trade, sku="DRAFT-1", status=ProductStatus.DRAFT)

    assert client.get(LISTING.format(draft.pk), HGH_CNY).status_code == 404
    assert client.get(LISTING.format(uuid.uuid4()), HGH_CNY).status_code == 404


def test_a_basket_with_a_listing_not_on_sale_is_refused_naming_the_line(client, priced):
    draft = product(priced.trade, sku="DRAFT-1", status=ProductStatus.DRAFT)

    response = client.post(
        BASKET,
        {
            **HGH_CNY,
            "lines": [
                {"listing": str(priced.pralines.pk), "quantity": 2},
                {"listing": str(draft.pk), "quantity": 1},
            ],
        },
        format="json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "listing_not_on_sale"
    assert response.json()["errors"][0]["field"] == "lines.1.listing"


def test_an_empty_basket_or_unknown_field_is_a_validation_problem(client, priced):
    empty = client.post(BASKET, {**HGH_CNY, "lines": []}, format="json")
    unknown = client.post(BASKET, {**HGH_CNY, "lines": [], "coupon": "X"}, format="json")

    assert empty.status_code == 400
    assert unknown.status_code == 400
    assert "coupon" in {e["field"] for e in unknown.json()["errors"]}


def test_only_marketplaces_with_catalog_read_ask(priced, partner_client):
    merchant = partner_client(priced.trade.merchant)
    no_scope = partner_client(priced.trade.marketplace, scopes=["orders:read"])

    url = LISTING.format(priced.pralines.pk)
    assert merchant.get(url, HGH_CNY).status_code == 403
    assert no_scope.get(url, HGH_CNY).status_code == 403


def test_a_served_airport_without_freight_rate_or_outside_the_regimes_is_refused(client, priced):
    airport_upsert(
        iata="PVG", name="Pudong", city="Shanghai", country="CN", timezone_name="Asia/Shanghai"
    )
    airport_upsert(
        iata="JFK", name="JFK", city="New York", country="US", timezone_name="America/New_York"
    )
    url = LISTING.format(priced.pralines.pk)

    no_rate = client.get(url, {**HGH_CNY, "destination_airport": "PVG"})
    elsewhere = client.get(
        url, {**HGH_CNY, "destination_country": "US", "destination_airport": "JFK"}
    )

    assert (no_rate.status_code, no_rate.json()["code"]) == (422, "no_freight_rate")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (422, "destination_not_supported")
    assert elsewhere.json()["errors"][0]["field"] == "destination_country"
