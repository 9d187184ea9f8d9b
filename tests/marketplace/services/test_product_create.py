from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ewtp.core.errors import Conflict, DomainError, PermissionDenied
from ewtp.core.models import OrganizationKind
from marketplace.models import Product, ProductStatus
from marketplace.services import product_create
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


def test_a_sku_is_unique_per_merchant_not_across_merchants():
    first = organization(OrganizationKind.MERCHANT)
    second = organization(OrganizationKind.MERCHANT)
    create(first)
    create(second)  # another merchant may use the same SKU

    with pytest.raises(Conflict) as refused:
        create(first, title="Again")

    assert (refused.value.code, refused.value.field) == ("sku_exists", "sku")
    assert Product.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"hs_code": "1905"}, "hs_code_invalid"),
        ({"unit_price": Decimal("0")}, "price_not_positive"),
        ({"weight_kg": Decimal("0")}, "weight_not_positive"),
        ({"stock": -1}, "stock_negative"),
    ],
)
def test_impossible_listings_are_refused(overrides, code):
    merchant = organization(OrganizationKind.MERCHANT)

    with pytest.raises(DomainError) as refused:
        create(merchant, **overrides)

    assert refused.value.code == code
    assert not Product.objects.exists()


def test_only_merchants_list_products():
    with pytest.raises(PermissionDenied):
        create(organization(OrganizationKind.MARKETPLACE))


def test_the_database_refuses_negative_stock_whatever_the_code_does():
    product = create(organization(OrganizationKind.MERCHANT))

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)
