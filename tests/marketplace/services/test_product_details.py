"""A listing's variants, quantity prices and certificates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import OrganizationKind
from marketplace.models import ProductPriceTier, ProductVariant, SkuRegistration
from marketplace.services import (
    PriceTierRequest,
    certifications_refresh,
    product_archive,
    product_certificate_add,
    product_price_tiers_set,
    product_variant_create,
    product_variant_update,
)
from tests.marketplace.flows import organization, product

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_variant_has_its_own_sku_stock_and_optional_price(trade):
    listing = product(trade, sku="PRL")

    dark = product_variant_create(
        product=listing, sku="PRL-DARK", attributes={"flavour": "dark"}, stock=12
    )
    large = product_variant_create(
        product=listing,
        sku="PRL-500",
        attributes={"size": "500 g"},
        unit_price=D("42.00"),
        stock=3,
    )

    assert (dark.unit_price, dark.stock, dark.merchant_id) == (None, 12, trade.merchant.pk)
    assert large.unit_price == D("42.00")
    assert set(listing.variants.values_list("sku", flat=True)) == {"PRL-DARK", "PRL-500"}


def test_a_sku_names_one_thing_across_listings_and_variants(trade):
    first = product(trade, sku="PRL")
    product(trade, sku="TRF")
    product_variant_create(product=first, sku="PRL-DARK", attributes={"flavour": "dark"})
    other_merchant = organization(OrganizationKind.MERCHANT)

    with pytest.raises(Conflict) as same_as_listing:
        product_variant_create(product=first, sku="TRF", attributes={"flavour": "milk"})
    with pytest.raises(Conflict) as same_as_variant:
        product(trade, sku="PRL-DARK")
    product(trade, sku="PRL-DARK", merchant=other_merchant)  # another merchant's SKUs are apart

    assert same_as_listing.value.code == same_as_variant.value.code == "sku_exists"
    assert ProductVariant.objects.count() == 1
    assert SkuRegistration.objects.filter(merchant=trade.merchant).count() == 4  # PRL-250 too


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"attributes": {}}, "variant_attributes_invalid", "attributes"),
        ({"attributes": {"size": ""}}, "variant_attributes_invalid", "attributes.size"),
        (
            {"attributes": {"size": "1 kg"}, "unit_price": D("0")},
            "price_not_positive",
            "unit_price",
        ),
        ({"attributes": {"size": "1 kg"}, "stock": -1}, "stock_negative", "stock"),
    ],
)
def test_impossible_variants_are_refused(trade, kwargs, code, field):
    listing = product(trade, sku="PRL")

    with pytest.raises(DomainError) as refused:
        product_variant_create(product=listing, sku="PRL-X", **kwargs)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert not ProductVariant.objects.exists()
    assert not SkuRegistration.objects.filter(sku="PRL-X").exists()


def test_two_variants_of_one_listing_differ_in_their_attributes(trade):
    listing = product(trade, sku="PRL")
    product_variant_create(product=listing, sku="PRL-1", attributes={"size": "250 g"})

    with pytest.raises(Conflict) as refused:
        product_variant_create(product=listing, sku="PRL-2", attributes={"size": "250 g"})

    assert refused.value.code == "variant_exists"


def test_a_variant_update_changes_stock_and_price(trade):
    variant = product_variant_create(
        product=product(trade, sku="PRL"), sku="PRL-1", attributes={"size": "250 g"}
    )

    updated = product_variant_update(variant=variant, changes={"stock": 9, "unit_price": D("30")})

    assert (updated.stock, updated.unit_price) == (9, D("30"))


def test_price_tiers_replace_each_other_and_must_fall_with_quantity(trade):
    listing = product(trade, sku="PRL", unit_price="24.50", min_order_quantity=2)

    product_price_tiers_set(
        product=listing, tiers=[PriceTierRequest(10, D("22.00")), PriceTierRequest(50, D("20.00"))]
    )
    with pytest.raises(DomainError) as rising:
        product_price_tiers_set(
            product=listing,
            tiers=[PriceTierRequest(10, D("22.00")), PriceTierRequest(50, D("23.00"))],
        )
    with pytest.raises(DomainError) as below_moq:
        product_price_tiers_set(product=listing, tiers=[PriceTierRequest(2, D("22.00"))])
    with pytest.raises(DomainError) as dearer:
        product_price_tiers_set(product=listing, tiers=[PriceTierRequest(5, D("25.00"))])

    assert (rising.value.code, rising.value.field) == (
        "price_tier_not_decreasing",
        "tiers.1.unit_price",
    )
    assert (below_moq.value.code, below_moq.value.field) == (
        "price_tier_quantity_invalid",
        "tiers.0.min_quantity",
    )
    assert dearer.value.code == "price_tier_not_decreasing"
    assert list(ProductPriceTier.objects.values_list("min_quantity", "unit_price")) == [
        (10, D("22.00")),
        (50, D("20.00")),
    ]
    product_price_tiers_set(product=listing, tiers=[])
    assert not ProductPriceTier.objects.exists()


def test_certificates_feed_the_listing_certifications_while_valid(trade):
    listing = product(trade, sku="PRL")
    today = timezone.localdate()

    product_certificate_add(
        product=listing,
        kind="organic",
        number="BE-BIO-01",
        issuer="Certisys",
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=100),
        required=False,
    )
    product_certificate_add(
        product=listing,
        kind="halal",
        number="H-1",
        issuer="HFCE",
        valid_from=today + timedelta(days=5),
        valid_until=today + timedelta(days=400),
        required=False,
    )
    listing.refresh_from_db()
    before = list(listing.certifications)
    certifications_refresh(today=today + timedelta(days=101))
    listing.refresh_from_db()

    assert before == ["organic"]
    assert listing.certifications == ["halal"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "made_up"}, "kind_invalid"),
        ({"valid_until": date(2025, 12, 31)}, "certificate_dates_invalid"),
        ({"number": " "}, "certificate_incomplete"),
    ],
)
def test_impossible_certificates_are_refused(trade, kwargs, code):
    listing = product(trade, sku="PRL")
    arguments = {
        "kind": "organic",
        "number": "BE-BIO-01",
        "issuer": "Certisys",
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2027, 1, 1),
    } | kwargs

    with pytest.raises(DomainError) as refused:
        product_certificate_add(product=listing, **arguments)

    assert refused.value.code == code
    assert not listing.certificates.exists()


def test_an_archived_listing_takes_no_new_parts(trade):
    listing = product(trade, sku="PRL")
    product_archive(product=listing)

    with pytest.raises(Conflict) as refused:
        product_variant_create(product=listing, sku="PRL-1", attributes={"size": "1"})

    assert refused.value.code == "listing_archived"
