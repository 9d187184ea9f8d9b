"""Writes of the catalogue: a merchant's listings."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import IntegrityError, transaction

from ewtp.core.errors import Conflict, DomainError, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind
from marketplace.models import HS_CODE_PATTERN, Product, ProductStatus


@transaction.atomic
def product_create(
    *,
    merchant: Organization,
    sku: str,
    title: str,
    hs_code: str,
    origin_country: str,
    unit_price: Decimal,
    currency: str,
    stock: int,
    weight_kg: Decimal,
    status: str = ProductStatus.DRAFT,
) -> Product:
    """List a product for a merchant. SKUs are unique per merchant; price, weight and the
    6-digit HS code are checked here, whether the HS code exists is customs' call at clearance."""
    if merchant.kind != OrganizationKind.MERCHANT:
        raise PermissionDenied("Only merchants list products.", code="not_a_merchant")
    if not re.fullmatch(HS_CODE_PATTERN, hs_code):
        raise DomainError("An HS code is 6 digits.", code="hs_code_invalid", field="hs_code")
    if unit_price <= 0:
        raise DomainError(
            "The price must be positive.", code="price_not_positive", field="unit_price"
        )
    if weight_kg <= 0:
        raise DomainError(
            "The weight must be positive.", code="weight_not_positive", field="weight_kg"
        )
    if stock < 0:
        raise DomainError("Stock cannot be negative.", code="stock_negative", field="stock")
    if status not in ProductStatus.values:
        raise DomainError(f"Unknown status {status!r}.", code="status_invalid", field="status")
    if Product.objects.filter(merchant=merchant, sku=sku).exists():
        raise Conflict(f"SKU {sku!r} is already listed.", code="sku_exists", field="sku")
    try:
        with transaction.atomic():
            return Product.objects.create(
                merchant=merchant,
                sku=sku,
                title=title,
                hs_code=hs_code,
                origin_country=origin_country,
                unit_price=unit_price,
                currency=currency,
                stock=stock,
                weight_kg=weight_kg,
                status=status,
            )
    except IntegrityError:
        # a concurrent request listed the same SKU between the check and the insert
        raise Conflict(f"SKU {sku!r} is already listed.", code="sku_exists", field="sku") from None
