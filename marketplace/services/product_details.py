"""Writes of a listing's parts: variants, price tiers and certificates."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db import transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from marketplace.models import (
    CertificateKind,
    Product,
    ProductCertificate,
    ProductPriceTier,
    ProductStatus,
    ProductVariant,
)
from marketplace.services.products import sku_register

MAX_TIERS = 10
MAX_ATTRIBUTES = 10
VARIANT_FIELDS = frozenset({"attributes", "unit_price", "stock"})


@dataclass(frozen=True, slots=True)
class PriceTierRequest:
    min_quantity: int
    unit_price: Decimal


def _open_listing(product: Product) -> Product:
    """The listing, locked; an archived one takes no more changes."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.status == ProductStatus.ARCHIVED:
        raise Conflict("An archived listing cannot be changed.", code="listing_archived")
    return locked


def _check_attributes(attributes: Mapping[str, Any]) -> dict[str, str]:
    if not attributes or len(attributes) > MAX_ATTRIBUTES:
        raise DomainError(
            f"A variant has 1 to {MAX_ATTRIBUTES} attributes, e.g. size or flavour.",
            code="variant_attributes_invalid",
            field="attributes",
        )
    cleaned: dict[str, str] = {}
    for name, value in attributes.items():
        if not isinstance(value, str) or not str(name).strip() or not value.strip():
            raise DomainError(
                "Attribute names and values are non-empty text.",
                code="variant_attributes_invalid",
                field=f"attributes.{name}",
            )
        cleaned[str(name).strip()] = value.strip()
    return cleaned


def _check_variant(variant: ProductVariant) -> None:
    if variant.unit_price is not None and variant.unit_price <= 0:
        raise DomainError(
            "The price must be positive.", code="price_not_positive", field="unit_price"
        )
    if variant.stock < 0:
        raise DomainError("Stock cannot be negative.", code="stock_negative", field="stock")


@transaction.atomic
def product_variant_create(
    *,
    product: Product,
    sku: str,
    attributes: Mapping[str, Any],
    unit_price: Decimal | None = None,
    stock: int = 0,
) -> ProductVariant:
    """Add a variant with its own SKU (unique among all the merchant's listings and variants)
    and stock; without a price of its own it sells at the listing's price."""
    locked = _open_listing(product)
    variant = ProductVariant(
        product=locked,
        merchant_id=locked.merchant_id,
        sku=sku,
        attributes=_check_attributes(attributes),
        unit_price=unit_price,
        stock=stock,
    )
    _check_variant(variant)
    same = ProductVariant.objects.filter(product=locked, attributes=variant.attributes)
    if same.exists():
        raise Conflict(
            "A variant with these attributes exists.",
            code="variant_exists",
            field="attributes",
        )
    sku_register(merchant=locked.merchant, sku=sku)
    variant.save(force_insert=True)
    return variant


@transaction.atomic
def product_variant_update(
    *, variant: ProductVariant, changes: Mapping[str, Any]
) -> ProductVariant:
    """Change a variant's attributes, price or stock (its SKU stays)."""
    unknown = sorted(set(changes) - VARIANT_FIELDS)
    if unknown:
        raise DomainError(
            f"{unknown[0]!r} cannot be changed.", code="field_not_updatable", field=unknown[0]
        )
    _open_listing(variant.product)
    locked = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    for name, value in changes.items():
        setattr(locked, name, _check_attributes(value) if name == "attributes" else value)
    _check_variant(locked)
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*changes, "updated_at"])
    return locked


def price_tiers_check(
    *, tiers: Sequence[PriceTierRequest], unit_price: Decimal, min_order_quantity: int
) -> list[PriceTierRequest]:
    """The rules of a listing's quantity prices, without writing: each tier starts above the
    minimum order quantity and the tier before it, and buying more never costs more per unit.
    Returns the tiers in quantity order; raises on the first broken rule."""
    if len(tiers) > MAX_TIERS:
        raise DomainError(
            f"At most {MAX_TIERS} price tiers.", code="price_tiers_too_many", field="tiers"
        )
    ordered = sorted(tiers, key=lambda t: t.min_quantity)
    previous_price = unit_price
    previous_quantity = max(min_order_quantity, 1)
    for tier in ordered:
        index = list(tiers).index(tier)
        if tier.min_quantity <= previous_quantity:
            raise DomainError(
                "Each tier starts above the minimum order quantity and the tier before it.",
                code="price_tier_quantity_invalid",
                field=f"tiers.{index}.min_quantity",
            )
        if not 0 < tier.unit_price <= previous_price:
            raise DomainError(
                "A tier's unit price is positive and no higher than for fewer units.",
                code="price_tier_not_decreasing",
                field=f"tiers.{index}.unit_price",
            )
        previous_price, previous_quantity = tier.unit_price, tier.min_quantity
    return ordered


@transaction.atomic
def product_price_tiers_set(
    *, product: Product, tiers: Sequence[PriceTierRequest]
) -> list[ProductPriceTier]:
    """Replace a listing's quantity prices. Each tier starts above the minimum order quantity,
    and buying more never costs more per unit than buying less."""
    locked = _open_listing(product)
    ordered = price_tiers_check(
        tiers=tiers, unit_price=locked.unit_price, min_order_quantity=locked.min_order_quantity
    )
    ProductPriceTier.objects.filter(product=locked).delete()
    created = ProductPriceTier.objects.bulk_create(
        ProductPriceTier(product=locked, min_quantity=t.min_quantity, unit_price=t.unit_price)
        for t in ordered
    )
    locked.updated_at = timezone.now()
    locked.save(update_fields=["updated_at"])
    return created


@transaction.atomic
def product_certificate_add(
    *,
    product: Product,
    kind: str,
    number: str,
    issuer: str,
    valid_from: date,
    valid_until: date,
    required: bool = True,
) -> ProductCertificate:
    """Record a certificate the goods carry. A required one must be valid for the listing to
    be published; the daily check takes the listing off sale when it lapses."""
    locked = _open_listing(product)
    if kind not in CertificateKind.values:
        raise DomainError(f"Unknown certificate kind {kind!r}.", code="kind_invalid", field="kind")
    if not number.strip() or not issuer.strip():
        raise DomainError(
            "A certificate has a number and an issuer.", code="certificate_incomplete"
        )
    if valid_until < valid_from:
        raise DomainError(
            "A certificate is valid until a day after it starts.",
            code="certificate_dates_invalid",
            field="valid_until",
        )
    if ProductCertificate.objects.filter(product=locked, kind=kind, number=number).exists():
        raise Conflict(
            "This certificate is already recorded.", code="certificate_exists", field="number"
        )
    certificate = ProductCertificate.objects.create(
        product=locked,
        kind=kind,
        number=number.strip(),
        issuer=issuer.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        required=required,
    )
    certifications_refresh(product_ids=[locked.pk])
    return certificate


def certifications_refresh(
    *, product_ids: Sequence[uuid.UUID] | None = None, today: date | None = None
) -> int:
    """Recompute each listing's `certifications` (the kinds valid today, for search), for
    these listings or every listing that has (or had) one. Returns how many were recomputed."""
    today = today or timezone.localdate()
    valid_kinds = (
        ProductCertificate.objects.filter(
            product=OuterRef("pk"), valid_from__lte=today, valid_until__gte=today
        )
        .values("product")
        .annotate(kinds=ArrayAgg("kind", distinct=True, order_by="kind"))
        .values("kinds")
    )
    empty = Value([], output_field=ArrayField(CharField(max_length=32)))
    current = Coalesce(Subquery(valid_kinds), empty)
    products = Product.objects.all()
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    else:
        products = products.filter(
            Q(pk__in=ProductCertificate.objects.values("product_id")) | ~Q(certifications=[])
        )
    return products.update(certifications=current)
