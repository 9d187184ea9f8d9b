"""The merchant's catalogue API: create, change, publish, archive, and a listing's parts.
Bad input is a problem naming the field with nothing written; another merchant's listing is
a 404 on every endpoint."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.models import (
    Product,
    ProductCertificate,
    ProductPriceTier,
    ProductStatus,
    ProductTranslation,
    ProductVariant,
)
from tests.marketplace.flows import organization, product

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
    "translations": [{"language": "zh-Hans", "title": "什锦果仁糖巧克力 250克"}],
}


@pytest.fixture
def merchant(trade):
    return trade.merchant


@pytest.fixture
def client(merchant, partner_client):
    return partner_client(merchant, scopes=["catalog:read", "catalog:write"])


@pytest.fixture
def draft(trade):
    return product(trade, sku="DRAFT-1", status=ProductStatus.DRAFT)


def assert_problem(response, status, code, field=None):
    assert response.status_code == status, response.json()
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    if field is None:
        assert problem["code"] == code
    else:
        assert (field, code) in {(e["field"], e["code"]) for e in problem["errors"]}, problem


def test_an_approved_merchant_lists_and_publishes_a_product_in_one_call(client, merchant):
    response = client.post(
        URL,
        BODY
        | {
            "gtin": "5412345000013",
            "category": "chocolate",
            "national_codes": {"CN": "1806900000"},
            "net_weight_kg": "0.250",
            "length_cm": "20.0",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["unit_price"] == "24.50"
    assert body["weight_kg"] == "0.350"
    assert body["merchant"] == merchant.slug
    assert body["status"] == "published"
    assert body["markets"] == ["CN"]
    assert body["national_codes"] == {"CN": "1806900000"}
    assert body["translations"] == [
        {"language": "zh-Hans", "title": "什锦果仁糖巧克力 250克", "description": ""}
    ]
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
        ({"gtin": "12345"}, "gtin", "invalid"),
        ({"category": "toys"}, "category", "invalid_choice"),
        ({"markets": ["China"]}, "markets.0", "invalid"),
        ({"national_codes": {"CN": "18069000"}}, "national_codes.CN", "invalid"),
        ({"national_codes": {"US": "1806900000"}}, "national_codes.US", "unknown_field"),
        (
            {"translations": [{"language": "it", "title": "x"}]},
            "translations.0.language",
            "invalid_choice",
        ),
        ({"length_cm": "0"}, "length_cm", "min_value"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field_and_nothing_is_written(
    client, change, field, code
):
    before = Product.objects.count()

    response = client.post(URL, BODY | change, format="json")

    assert_problem(response, 400, code, field)
    assert response.json()["code"] == "validation_failed"
    assert Product.objects.count() == before


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"gtin": "5412345000014"}, 422, "gtin_invalid", "gtin"),
        ({"origin_country": "XX"}, 422, "origin_country_invalid", "origin_country"),
        ({"hs_code": "999999"}, 422, "hs_code_unknown", "hs_code"),
        ({"translations": []}, 422, "listing_missing_chinese_title", "translations.zh-Hans"),
        ({"net_weight_kg": "1.000"}, 422, "net_weight_invalid", "net_weight_kg"),
    ],
)
def test_refused_listings_are_coded_problems_and_nothing_is_written(
    client, change, status, code, field
):
    before = Product.objects.count()

    response = client.post(URL, BODY | change, format="json")

    assert_problem(response, status, code, field)
    assert Product.objects.count() == before
    assert not ProductTranslation.objects.filter(product__sku=BODY["sku"]).exists()


def test_a_merchant_not_approved_gets_a_403_problem_but_may_keep_drafts(partner_client):
    applicant = organization(OrganizationKind.MERCHANT, approved=False)
    client = partner_client(applicant, scopes=["catalog:write"])

    refused = client.post(URL, BODY, format="json")
    drafted = client.post(URL, BODY | {"status": "draft"}, format="json")

    assert_problem(refused, 403, "merchant_not_approved")
    assert drafted.status_code == 201
    assert Product.objects.filter(merchant=applicant).count() == 1


def test_a_duplicate_sku_is_a_409(client):
    client.post(URL, BODY, format="json")

    response = client.post(URL, BODY, format="json")

    assert_problem(response, 409, "sku_exists", "sku")
    assert Product.objects.filter(sku=BODY["sku"]).count() == 1


def test_only_merchants_with_the_scope_may_list_products(make_org, partner_client, merchant):
    marketplace_client = partner_client(make_org(OrganizationKind.MARKETPLACE))
    no_scope = partner_client(merchant, scopes=["catalog:read"])
    before = Product.objects.count()

    by_marketplace = marketplace_client.post(URL, BODY, format="json")
    without_scope = no_scope.post(URL, BODY, format="json")

    assert_problem(by_marketplace, 403, "organization_kind_not_allowed")
    assert_problem(without_scope, 403, "scope_missing")
    assert Product.objects.count() == before


def test_a_merchant_reads_only_its_own_products(trade, client):
    other = organization(OrganizationKind.MERCHANT)
    theirs = product(trade, sku="THEIRS", merchant=other)

    listing = client.get(URL)
    mine = client.get(f"{URL}{listing.json()['results'][0]['id']}/")
    not_mine = client.get(f"{URL}{theirs.pk}/")
    missing = client.get(f"{URL}{uuid.uuid4()}/")

    assert [p["sku"] for p in listing.json()["results"]] == ["PRL-250"]
    assert mine.status_code == 200
    assert_problem(not_mine, 404, "not_found")
    assert missing.status_code == 404


def test_the_product_list_is_cursor_paginated(trade, client):
    for n in range(3):
        product(trade, sku=f"EXTRA-{n}")

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert "cursor=" in first["next"]
    assert len(second["results"]) == 2
    skus = {p["sku"] for p in first["results"] + second["results"]}
    assert skus == {"PRL-250", "EXTRA-0", "EXTRA-1", "EXTRA-2"}


# --- change and move


def test_a_patch_changes_only_the_fields_sent(client, draft):
    response = client.patch(f"{URL}{draft.pk}/", {"stock": 7, "brand": "Van Acker"}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["stock"], response.json()["brand"]) == (7, "Van Acker")
    draft.refresh_from_db()
    assert (draft.stock, draft.unit_price) == (7, draft.unit_price)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"sku": "NEW"}, 400, "unknown_field", "sku"),
        ({"stock": -2}, 400, "min_value", "stock"),
        ({"gtin": "5412345000014"}, 422, "gtin_invalid", "gtin"),
    ],
)
def test_a_bad_patch_is_refused_whole(client, draft, body, status, code, field):
    response = client.patch(f"{URL}{draft.pk}/", body | {"title": "Changed"}, format="json")

    assert_problem(response, status, code, field)
    draft.refresh_from_db()
    assert draft.title != "Changed"


def test_an_empty_patch_is_refused(client, draft):
    assert_problem(client.patch(f"{URL}{draft.pk}/", {}, format="json"), 400, "empty", "body")


def test_publish_unpublish_and_archive_move_the_listing(client, draft):
    published = client.post(f"{URL}{draft.pk}/publish/")
    again = client.post(f"{URL}{draft.pk}/publish/")
    unpublished = client.post(
        f"{URL}{draft.pk}/unpublish/", {"reason": "Out of season"}, format="json"
    )
    archived = client.post(f"{URL}{draft.pk}/archive/", {}, format="json")
    patched = client.patch(f"{URL}{draft.pk}/", {"stock": 1}, format="json")

    assert (published.status_code, published.json()["status"]) == (200, "published")
    assert_problem(again, 409, "listing_invalid_transition")
    assert unpublished.json()["status"] == "draft"
    assert archived.json()["status"] == "archived"
    assert_problem(patched, 409, "listing_archived")


def test_publishing_without_a_chinese_title_is_a_422_problem(trade, client):
    bare = product(trade, sku="BARE", status=ProductStatus.DRAFT, translations=[])

    response = client.post(f"{URL}{bare.pk}/publish/")

    assert_problem(response, 422, "listing_missing_chinese_title", "translations.zh-Hans")
    bare.refresh_from_db()
    assert bare.status == ProductStatus.DRAFT


def test_a_translation_is_written_per_language(client, draft):
    url = f"{URL}{draft.pk}/translations/fr/"

    first = client.put(url, {"title": "Pralines assorties"}, format="json")
    second = client.put(
        url, {"title": "Pralines assorties (250 g)", "description": "Faites main"}, format="json"
    )
    unknown = client.put(f"{URL}{draft.pk}/translations/it/", {"title": "x"}, format="json")
    blank = client.put(url, {"title": ""}, format="json")

    assert first.status_code == second.status_code == 200
    assert second.json() == {
        "language": "fr",
        "title": "Pralines assorties (250 g)",
        "description": "Faites main",
    }
    assert_problem(unknown, 400, "invalid_choice", "language")
    assert_problem(blank, 400, "blank", "title")
    assert ProductTranslation.objects.get(product=draft, language="fr").description == "Faites main"


def test_variants_are_created_and_changed(client, draft):
    created = client.post(
        f"{URL}{draft.pk}/variants/",
        {"sku": "DRAFT-1-DARK", "attributes": {"flavour": "dark"}, "stock": 5},
        format="json",
    )
    variant_id = created.json()["id"]
    changed = client.patch(
        f"{URL}{draft.pk}/variants/{variant_id}/", {"unit_price": "26.00"}, format="json"
    )
    clash = client.post(
        f"{URL}{draft.pk}/variants/",
        {"sku": "PRL-250", "attributes": {"flavour": "milk"}},
        format="json",
    )
    bad = client.post(
        f"{URL}{draft.pk}/variants/",
        {"sku": "DRAFT-1-X", "attributes": {"flavour": 3}, "stock": -1},
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["unit_price"] is None
    assert changed.json()["unit_price"] == "26.00"
    assert_problem(clash, 409, "sku_exists", "sku")
    assert_problem(bad, 400, "min_value", "stock")
    assert ProductVariant.objects.filter(product=draft).count() == 1


def test_price_tiers_are_replaced_as_a_whole(client, draft):
    url = f"{URL}{draft.pk}/price-tiers/"

    done = client.put(
        url,
        {
            "tiers": [
                {"min_quantity": 10, "unit_price": "22.00"},
                {"min_quantity": 50, "unit_price": "20.00"},
            ]
        },
        format="json",
    )
    rising = client.put(
        url,
        {
            "tiers": [
                {"min_quantity": 10, "unit_price": "22.00"},
                {"min_quantity": 50, "unit_price": "23.00"},
            ]
        },
        format="json",
    )
    too_small = client.put(
        url, {"tiers": [{"min_quantity": 1, "unit_price": "1.00"}]}, format="json"
    )

    assert done.status_code == 200
    assert done.json() == [
        {"min_quantity": 10, "unit_price": "22.00"},
        {"min_quantity": 50, "unit_price": "20.00"},
    ]
    assert_problem(rising, 422, "price_tier_not_decreasing", "tiers.1.unit_price")
    assert_problem(too_small, 400, "min_value", "tiers.0.min_quantity")
    assert ProductPriceTier.objects.filter(product=draft).count() == 2


def test_certificates_are_recorded(client, draft):
    url = f"{URL}{draft.pk}/certificates/"
    body = {
        "kind": "gacc_registration",
        "number": "CBEL0001",
        "issuer": "GACC",
        "valid_from": "2026-01-01",
        "valid_until": "2030-12-31",
    }

    created = client.post(url, body, format="json")
    twice = client.post(url, body, format="json")
    backwards = client.post(url, body | {"number": "X", "valid_until": "2025-01-01"}, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["required"] is True
    assert_problem(twice, 409, "certificate_exists", "number")
    assert_problem(backwards, 400, "invalid", "valid_until")
    assert ProductCertificate.objects.filter(product=draft).count() == 1


ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "", None),
    ("patch", "", {"stock": 1}),
    ("post", "publish/", None),
    ("post", "unpublish/", {}),
    ("post", "archive/", {}),
    ("put", "translations/fr/", {"title": "Pralines"}),
    ("post", "variants/", {"sku": "V-1", "attributes": {"size": "1"}}),
    ("put", "price-tiers/", {"tiers": []}),
    (
        "post",
        "certificates/",
        {
            "kind": "organic",
            "number": "1",
            "issuer": "Certisys",
            "valid_from": "2026-01-01",
            "valid_until": "2027-01-01",
        },
    ),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_merchants_listing_is_not_found_on_every_endpoint(
    trade, partner_client, method, path, body
):
    other = organization(OrganizationKind.MERCHANT)
    theirs = product(trade, sku="THEIRS", merchant=other, status=ProductStatus.DRAFT)
    client = partner_client(trade.merchant, scopes=["catalog:read", "catalog:write"])

    response = getattr(client, method)(f"{URL}{theirs.pk}/{path}", body, format="json")

    assert_problem(response, 404, "not_found")
    theirs.refresh_from_db()
    assert (theirs.status, theirs.stock) == (ProductStatus.DRAFT, 100)
    assert not theirs.translations.filter(language="fr").exists()
    assert not theirs.variants.exists()
    assert not theirs.certificates.exists()


def test_another_merchants_variant_is_not_found(trade, partner_client):
    mine = product(trade, sku="MINE", status=ProductStatus.DRAFT)
    other = organization(OrganizationKind.MERCHANT)
    theirs = product(trade, sku="THEIRS", merchant=other, status=ProductStatus.DRAFT)
    client = partner_client(other, scopes=["catalog:write"])
    created = client.post(
        f"{URL}{theirs.pk}/variants/",
        {"sku": "T-1", "attributes": {"size": "1"}},
        format="json",
    )
    mine_client = partner_client(trade.merchant, scopes=["catalog:write"])

    response = mine_client.patch(
        f"{URL}{mine.pk}/variants/{created.json()['id']}/", {"stock": 9}, format="json"
    )

    assert_problem(response, 404, "not_found")
    assert ProductVariant.objects.get(sku="T-1").stock == 0
