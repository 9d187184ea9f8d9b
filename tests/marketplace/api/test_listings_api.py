"""Marketplaces search the listings on sale and read one; nothing else is found."""

from __future__ import annotations

import uuid

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.models import ProductStatus
from marketplace.services import TranslationRequest, merchant_suspend
from tests.marketplace.flows import organization, product

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/marketplace/listings/search/"
DETAIL = "/api/v1/marketplace/listings/{}/"


@pytest.fixture
def shelf(trade):
    for n, (title, zh, price) in enumerate(
        [
            ("Assorted pralines", "什锦果仁糖巧克力", "24.50"),
            ("Dark chocolate bar", "黑巧克力", "5.90"),
            ("Milk chocolate bar", "牛奶巧克力", "4.90"),
        ]
    ):
        product(
            trade,
            sku=f"CHOC-{n}",
            title=title,
            unit_price=price,
            category="chocolate",
            translations=[TranslationRequest("zh-Hans", zh)],
        )
    return trade


@pytest.fixture
def marketplace_client(shelf, partner_client):
    return partner_client(shelf.marketplace, scopes=["catalog:read"])


def test_a_marketplace_searches_with_facets_and_pages(marketplace_client, shelf):
    first = marketplace_client.get(
        SEARCH, {"q": "巧克力", "origin": "BE", "price_max": "10.00", "limit": 1, "lang": "zh-Hans"}
    )

    assert first.status_code == 200, first.json()
    body = first.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["results"][0]["title"] in {"黑巧克力", "牛奶巧克力"}
    assert body["results"][0]["title_language"] == "zh-Hans"
    assert body["results"][0]["merchant"]["slug"] == shelf.merchant.slug
    assert body["facets"]["origin"] == [{"value": "BE", "label": "BE", "count": 2}]
    assert body["facets"]["price"] == [{"value": "EUR:0:10", "label": "0-10 EUR", "count": 2}]
    second = marketplace_client.get(body["next"])
    assert second.status_code == 200
    assert second.json()["facets"] is None
    assert second.json()["next"] is None
    titles = {body["results"][0]["title"], second.json()["results"][0]["title"]}
    assert titles == {"黑巧克力", "牛奶巧克力"}


def test_without_q_the_newest_listings_come_first_in_the_default_title(marketplace_client):
    body = marketplace_client.get(SEARCH, {"category": "chocolate"}).json()

    assert [r["sku"] for r in body["results"]] == ["CHOC-2", "CHOC-1", "CHOC-0"]
    assert body["results"][0]["title"] == "Milk chocolate bar"
    assert body["results"][0]["title_language"] is None


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"origin": "Belgium"}, "origin", "invalid"),
        ({"price_min": "20", "price_max": "10"}, "price_max", "invalid"),
        ({"limit": "0"}, "limit", "min_value"),
        ({"limit": "101"}, "limit", "max_value"),
        ({"sort": "relevance"}, "sort", "invalid"),
        ({"sort": "cheapest"}, "sort", "invalid_choice"),
        ({"colour": "brown"}, "colour", "unknown_field"),
        ({"certification": "gold"}, "certification", "invalid_choice"),
        ({"hs_chapter": "1"}, "hs_chapter", "invalid"),
        ({"cursor": "garbage"}, "cursor", "cursor_invalid"),
    ],
)
def test_bad_search_parameters_are_problems_naming_the_field(
    marketplace_client, params, field, code
):
    response = marketplace_client.get(SEARCH, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {(field, code)}


def test_only_marketplaces_with_catalog_read_search(shelf, partner_client):
    merchant = partner_client(shelf.merchant, scopes=["catalog:read"])
    no_scope = partner_client(shelf.marketplace, scopes=["orders:read"])

    by_merchant = merchant.get(SEARCH, {"q": "chocolate"})
    without_scope = no_scope.get(SEARCH, {"q": "chocolate"})

    assert by_merchant.status_code == 403
    assert by_merchant.json()["code"] == "organization_kind_not_allowed"
    assert without_scope.json()["code"] == "scope_missing"


def test_a_listing_on_sale_is_read_whole_and_anything_else_is_not_found(marketplace_client, shelf):
    on_sale = product(shelf, sku="ON-SALE", title="Truffles")
    draft = product(shelf, sku="DRAFT", status=ProductStatus.DRAFT)
    other = organization(OrganizationKind.MERCHANT)
    suspended = product(shelf, sku="GONE", merchant=other)
    merchant_suspend(profile=other.merchant_profile, by=None, reason="Fraud check")

    found = marketplace_client.get(DETAIL.format(on_sale.pk))
    responses = [
        marketplace_client.get(DETAIL.format(pk)) for pk in (draft.pk, suspended.pk, uuid.uuid4())
    ]

    assert found.status_code == 200
    body = found.json()
    assert body["merchant"]["slug"] == shelf.merchant.slug
    assert body["translations"][0]["language"] == "zh-Hans"
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {r.json()["code"] for r in responses} == {"not_found"}
    searched = marketplace_client.get(SEARCH, {"q": "GONE"}).json()
    assert searched["count"] == 0
