"""A listing's parts in the portal: the merchant adds and changes variants, sets quantity
prices and records certificates through the listing services, sees each refusal next to its
input with nothing written, and never reaches another merchant's listing."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.models import (
    Product,
    ProductCertificate,
    ProductPriceTier,
    ProductStatus,
    ProductVariant,
)
from marketplace.services import product_archive, product_variant_create
from tests.marketplace.flows import Trade

pytestmark = pytest.mark.django_db


def listing(trade: Trade) -> Product:
    return Product.objects.get(merchant=trade.merchant)


def page_of(product: Product) -> str:
    return f"/marketplace/listings/{product.pk}/"


def error_of(page: str, name: str) -> str:
    match = re.search(rf'<p class="field__error" id="id_{name}_error">([^<]*)</p>', page)
    assert match, f"no error shown for {name}"
    return match.group(1)


def variant_post(**changes: Any) -> dict[str, Any]:
    return {
        "variant-sku": "PRL-250-DARK",
        "variant-attributes": "flavour: dark\nsize: 250 g",
        "variant-unit_price": "26.00",
        "variant-stock": "40",
    } | changes


def tiers_post(rows: list[tuple[str, str]], *, total: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "tiers-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "tiers-INITIAL_FORMS": "0",
    }
    for index, (quantity, price) in enumerate(rows):
        data[f"tiers-{index}-min_quantity"] = quantity
        data[f"tiers-{index}-unit_price"] = price
    return data


def certificate_post(**changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "certificate-kind": "health_certificate",
        "certificate-number": "FAVV-2026-00417",
        "certificate-issuer": "FAVV-AFSCA",
        "certificate-valid_from": (today - timedelta(days=10)).isoformat(),
        "certificate-valid_until": (today + timedelta(days=365)).isoformat(),
        "certificate-required": "on",
    } | changes


# --- variants


def test_a_variant_added_in_the_portal_is_shown_with_its_attributes(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    response = merchant_client.post(f"{page_of(product)}variants/", variant_post())

    assert response.status_code == 302
    variant = ProductVariant.objects.get(product=product)
    assert variant.sku == "PRL-250-DARK"
    assert variant.attributes == {"flavour": "dark", "size": "250 g"}
    assert variant.unit_price == Decimal("26.00")
    assert variant.stock == 40
    page = merchant_client.get(page_of(product)).content.decode()
    assert "Variant PRL-250-DARK added." in page
    assert "flavour: dark" in page


def test_a_variant_line_without_a_colon_is_refused_in_place(trade: Trade, merchant_client: Client):
    product = listing(trade)
    response = merchant_client.post(
        f"{page_of(product)}variants/", variant_post(**{"variant-attributes": "dark"})
    )

    assert response.status_code == 422
    assert "Line 1: write “name: value”." in error_of(
        response.content.decode(), "variant-attributes"
    )
    assert not ProductVariant.objects.filter(product=product).exists()


def test_a_variant_sku_the_merchant_already_uses_is_refused_by_the_service(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    response = merchant_client.post(
        f"{page_of(product)}variants/", variant_post(**{"variant-sku": product.sku})
    )

    assert response.status_code in (409, 422)
    page = response.content.decode()
    assert product.sku in page
    assert error_of(page, "variant-sku")
    assert not ProductVariant.objects.filter(product=product).exists()


def test_a_variants_price_and_stock_change_in_place(trade: Trade, merchant_client: Client):
    product = listing(trade)
    variant = product_variant_create(
        product=product, sku="PRL-250-MILK", attributes={"flavour": "milk"}, stock=5
    )
    prefix = f"variant-{variant.pk}"
    response = merchant_client.post(
        f"{page_of(product)}variants/{variant.pk}/",
        {
            f"{prefix}-attributes": "flavour: milk",
            f"{prefix}-unit_price": "23.00",
            f"{prefix}-stock": "75",
        },
    )

    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.unit_price, variant.stock, variant.sku) == (
        Decimal("23.00"),
        75,
        "PRL-250-MILK",
    )


def test_a_negative_variant_stock_is_refused_and_nothing_changes(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    variant = product_variant_create(
        product=product, sku="PRL-250-MILK", attributes={"flavour": "milk"}, stock=5
    )
    prefix = f"variant-{variant.pk}"
    response = merchant_client.post(
        f"{page_of(product)}variants/{variant.pk}/",
        {f"{prefix}-attributes": "flavour: white", f"{prefix}-stock": "-1"},
    )

    assert response.status_code == 422
    assert error_of(response.content.decode(), f"{prefix}-stock")
    variant.refresh_from_db()
    assert (variant.attributes, variant.stock) == ({"flavour": "milk"}, 5)


# --- quantity prices


def test_quantity_prices_are_saved_in_quantity_order_and_empty_rows_ignored(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    response = merchant_client.post(
        f"{page_of(product)}price-tiers/",
        tiers_post([("50", "21.00"), ("10", "23.00"), ("", "")]),
    )

    assert response.status_code == 302
    tiers = list(ProductPriceTier.objects.filter(product=product).order_by("min_quantity"))
    assert [(t.min_quantity, t.unit_price) for t in tiers] == [
        (10, Decimal("23.00")),
        (50, Decimal("21.00")),
    ]
    page = merchant_client.get(page_of(product)).content.decode()
    assert 'name="tiers-0-min_quantity" value="10"' in page


def test_a_tier_dearer_than_fewer_units_is_refused_on_its_row_and_old_tiers_stay(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    merchant_client.post(f"{page_of(product)}price-tiers/", tiers_post([("10", "23.00")]))

    response = merchant_client.post(
        f"{page_of(product)}price-tiers/",
        tiers_post([("", ""), ("10", "23.00"), ("20", "30.00")]),
    )

    assert response.status_code == 422
    # The service numbers the filled rows (the dear one is its tier 1): the page's row 2.
    assert "no higher than for fewer units" in error_of(
        response.content.decode(), "tiers-2-unit_price"
    )
    assert list(ProductPriceTier.objects.filter(product=product).values_list("min_quantity")) == [
        (10,)
    ]


def test_a_tier_row_with_a_quantity_but_no_price_is_refused(trade: Trade, merchant_client: Client):
    product = listing(trade)
    response = merchant_client.post(f"{page_of(product)}price-tiers/", tiers_post([("10", "")]))

    assert response.status_code == 422
    assert "Give both the quantity and its price" in response.content.decode()


def test_more_tier_rows_than_allowed_are_refused(trade: Trade, merchant_client: Client):
    product = listing(trade)
    rows = [(str(10 * (n + 1)), f"{24 - n}.00") for n in range(11)]
    response = merchant_client.post(f"{page_of(product)}price-tiers/", tiers_post(rows))

    assert response.status_code == 422
    assert not ProductPriceTier.objects.filter(product=product).exists()


def test_emptying_every_row_removes_the_quantity_prices(trade: Trade, merchant_client: Client):
    product = listing(trade)
    merchant_client.post(f"{page_of(product)}price-tiers/", tiers_post([("10", "23.00")]))

    response = merchant_client.post(f"{page_of(product)}price-tiers/", tiers_post([("", "")]))

    assert response.status_code == 302
    assert not ProductPriceTier.objects.filter(product=product).exists()


# --- certificates


def test_a_certificate_recorded_in_the_portal_shows_its_validity(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    response = merchant_client.post(f"{page_of(product)}certificates/", certificate_post())

    assert response.status_code == 302
    certificate = ProductCertificate.objects.get(product=product)
    assert (certificate.number, certificate.required) == ("FAVV-2026-00417", True)
    page = merchant_client.get(page_of(product)).content.decode()
    assert "FAVV-2026-00417" in page
    assert "badge--valid" in page
    product.refresh_from_db()
    assert "health_certificate" in product.certifications


def test_a_certificate_lapsing_within_30_days_is_marked_as_expiring(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    soon = (timezone.localdate() + timedelta(days=12)).isoformat()
    merchant_client.post(
        f"{page_of(product)}certificates/",
        certificate_post(**{"certificate-valid_until": soon, "certificate-required": ""}),
    )

    page = merchant_client.get(page_of(product)).content.decode()
    assert "Expires in 12 days" in page
    assert "badge--expiring" in page


def test_a_certificate_ending_before_it_starts_is_refused_in_place(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    today = timezone.localdate()
    response = merchant_client.post(
        f"{page_of(product)}certificates/",
        certificate_post(**{"certificate-valid_until": (today - timedelta(days=30)).isoformat()}),
    )

    assert response.status_code == 422
    assert "cannot end before it starts" in error_of(
        response.content.decode(), "certificate-valid_until"
    )
    assert not ProductCertificate.objects.filter(product=product).exists()


def test_the_same_certificate_twice_is_refused_by_the_service(
    trade: Trade, merchant_client: Client
):
    product = listing(trade)
    merchant_client.post(f"{page_of(product)}certificates/", certificate_post())

    response = merchant_client.post(f"{page_of(product)}certificates/", certificate_post())

    assert response.status_code == 422
    assert "already recorded" in error_of(response.content.decode(), "certificate-number")
    assert ProductCertificate.objects.filter(product=product).count() == 1


# --- archived listings and other merchants


def test_an_archived_listing_takes_no_more_parts(trade: Trade, merchant_client: Client):
    product = listing(trade)
    product_archive(product=product, reason="discontinued")

    response = merchant_client.post(f"{page_of(product)}variants/", variant_post())

    assert response.status_code == 422
    assert "archived listing cannot be changed" in response.content.decode()
    assert not ProductVariant.objects.filter(product=product).exists()
    assert Product.objects.get(pk=product.pk).status == ProductStatus.ARCHIVED


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("variants/", variant_post()),
        ("price-tiers/", tiers_post([("10", "1.00")])),
        ("certificates/", certificate_post()),
    ],
)
def test_another_merchants_listing_is_not_found(
    trade: Trade, rival: Trade, merchant_client: Client, path: str, data: dict[str, Any]
):
    theirs = Product.objects.get(merchant=rival.merchant)

    response = merchant_client.post(f"{page_of(theirs)}{path}", data)

    assert response.status_code == 404
    assert not ProductVariant.objects.filter(product=theirs).exists()
    assert not ProductPriceTier.objects.filter(product=theirs).exists()
    assert not ProductCertificate.objects.filter(product=theirs).exists()


def test_another_merchants_variant_is_not_found_through_ones_own_listing(
    trade: Trade, rival: Trade, merchant_client: Client
):
    mine = listing(trade)
    theirs = product_variant_create(
        product=Product.objects.get(merchant=rival.merchant),
        sku="RIVAL-1-BIG",
        attributes={"size": "big"},
    )

    response = merchant_client.post(
        f"{page_of(mine)}variants/{theirs.pk}/",
        {f"variant-{theirs.pk}-attributes": "size: small", f"variant-{theirs.pk}-stock": "1"},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.attributes == {"size": "big"}
