"""Reads of the marketplace, scoped to the organisation asking. Another tenant's row is NotFound."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from marketplace.models import Order, Product


def product_list(*, merchant: Organization) -> QuerySet[Product]:
    return Product.objects.for_merchant(merchant).select_related("merchant")


def product_get(*, merchant: Organization, product_id: uuid.UUID) -> Product:
    product = product_list(merchant=merchant).filter(pk=product_id).first()
    if product is None:
        raise NotFound("No such product.")
    return product


def product_find_by_sku(*, merchant: Organization, sku: str) -> Product | None:
    return product_list(merchant=merchant).filter(sku=sku).first()


def order_list(*, organization: Organization, status: str | None = None) -> QuerySet[Order]:
    """Orders the organisation placed (marketplace) or sells (merchant), newest first."""
    orders = (
        Order.objects.visible_to(organization)
        .select_related("marketplace", "merchant", "payment_provider")
        .prefetch_related("lines")
    )
    if status is not None:
        orders = orders.filter(status=status)
    return orders


def order_get(*, organization: Organization, order_id: uuid.UUID) -> Order:
    order = order_list(organization=organization).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order
