from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from customs.services import commodity_codes_load
from ewtp.core.errors import Conflict, DomainError, PermissionDenied
from ewtp.core.models import OrganizationKind
from marketplace.models import Product, ProductStatus, SkuRegistration
from marketplace.services import TranslationRequest, product_create, product_update
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db


def create(merchant, **overrides):
    arguments = {
        "merchant": merchant,
        "sku": "GAUFRE-10",
        "title": "Liège waffles, pack of 10",
        "hs_code": "190532",
        "origin_country": "BE",
        "unit_price": Decimal("12.90"),
        "currency": "EUR",
        "stock": 50,
        "weight_kg": Decimal("0.900"),
    } | overrides
    return product_create(**arguments)


def test_a_merchant_lists_a_product_as_a_draft_by_default():
    merchant = organization(OrganizationKind.MERCHANT)

    product = create(merchant)

    assert product.status == ProductStatus.DRAFT
    assert product.price.amount == Decimal("12.90")
    assert product.merchant == merchant
    assert product.markets == ["CN"]
    assert product.min_order_quantity == 1


def test_a_draft_may_be_incomplete_even_for_a_merchant_not_yet_approved():
    # Drafts are work in progress: an unknown HS code or a missing Chinese title only stop
    # publishing, and a merchant still applying can prepare its catalogue.
    merchant = organization(OrganizationKind.MERCHANT, approved=False)

    product = create(merchant, hs_code="999999")

    assert product.status == ProductStatus.DRAFT


def test_the_cross_border_data_is_kept_and_the_gtin_compacted():
    merchant = organization(OrganizationKind.MERCHANT)
    commodity_codes_load(codes=[("190532", "Waffles and wafers")])

    product = create(
        merchant,
        gtin="541234 700001 1",
        brand="Lambotte",
        category="bakery",
        national_codes={"CN": "1905320000", "EU": "19053219"},
        markets=["CN", "FR"],
        min_order_quantity=6,
        unit_of_measure="pack",
        net_weight_kg=Decimal("0.800"),
        length_cm=Decimal("25.0"),
        width_cm=Decimal("12.5"),
        height_cm=Decimal("6.0"),
        translations=[
            TranslationRequest("zh-Hans", "列日珍珠糖华夫饼 10个装"),
            TranslationRequest("fr", "Gaufres de Liège, paquet de 10"),
        ],
        status=ProductStatus.PUBLISHED,
    )

    product.refresh_from_db()
    assert product.gtin == "5412347000011"
    assert product.status == ProductStatus.PUBLISHED
    assert product.national_codes == {"CN": "1905320000", "EU": "19053219"}
    assert sorted(product.translations.values_list("language", flat=True)) == ["fr", "zh-Hans"]
    assert "华夫饼" in product.search_titles
    assert "gaufres de liège" in product.search_titles


def test_a_sku_is_unique_per_merchant_not_across_merchants():
    first = organization(OrganizationKind.MERCHANT)
    second = organization(OrganizationKind.MERCHANT)
    create(first)
    create(second)  # another merchant may use the same SKU

    with pytest.raises(Conflict) as refused:
        create(first, title="Again")

    assert (refused.value.code, refused.value.field) == ("sku_exists", "sku")
    assert Product.objects.count() == 2
    assert SkuRegistration.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"hs_code": "1905"}, "hs_code_invalid", "hs_code"),
        ({"unit_price": Decimal("0")}, "price_not_positive", "unit_price"),
        ({"weight_kg": Decimal("0")}, "weight_not_positive", "weight_kg"),
        ({"stock": -1}, "stock_negative", "stock"),
        ({"origin_country": "XX"}, "origin_country_invalid", "origin_country"),
        ({"gtin": "5412347000012"}, "gtin_invalid", "gtin"),
        ({"net_weight_kg": Decimal("1.000")}, "net_weight_invalid", "net_weight_kg"),
        ({"height_cm": Decimal("0")}, "dimension_not_positive", "height_cm"),
        ({"min_order_quantity": 0}, "moq_invalid", "min_order_quantity"),
        ({"national_codes": {"CN": "19053200"}}, "national_code_invalid", "national_codes.CN"),
        ({"national_codes": {"EU": "18069019"}}, "national_code_invalid", "national_codes.EU"),
        ({"markets": []}, "markets_invalid", "markets"),
        ({"markets": ["CN", "ZZ"]}, "markets_invalid", "markets.1"),
        ({"category": "toys"}, "category_invalid", "category"),
        ({"title": "  "}, "title_required", "title"),
        ({"status": ProductStatus.ARCHIVED}, "status_invalid", "status"),
    ],
)
def test_impossible_listings_are_refused_naming_the_field(overrides, code, field):
    merchant = organization(OrganizationKind.MERCHANT)

    with pytest.raises(DomainError) as refused:
        create(merchant, **overrides)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Product.objects.exists()
    assert not SkuRegistration.objects.exists()


def test_only_merchants_list_products():
    with pytest.raises(PermissionDenied):
        create(organization(OrganizationKind.MARKETPLACE))


def test_the_database_refuses_negative_stock_whatever_the_code_does():
    product = create(organization(OrganizationKind.MERCHANT))

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)


def test_an_update_changes_only_what_is_sent_and_refreshes_the_search_text():
    product = create(organization(OrganizationKind.MERCHANT))

    updated = product_update(
        product=product, changes={"title": "Sugar waffles from Liège", "stock": 70}
    )

    updated.refresh_from_db()
    assert (updated.title, updated.stock, updated.unit_price) == (
        "Sugar waffles from Liège",
        70,
        Decimal("12.90"),
    )
    assert "sugar waffles" in updated.search_titles


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"sku": "OTHER"}, "field_not_updatable"),
        ({"currency": "USD"}, "field_not_updatable"),
        ({"gtin": "123"}, "gtin_invalid"),
    ],
)
def test_an_update_is_refused_whole(changes, code):
    product = create(organization(OrganizationKind.MERCHANT))

    with pytest.raises(DomainError) as refused:
        product_update(product=product, changes=changes | {"stock": 1})

    assert refused.value.code == code
    product.refresh_from_db()
    assert product.stock == 50
