"""Marketplace API: merchants list products, marketplaces place orders, payment providers
confirm payments. Parse, authorise, call one service, render."""

from __future__ import annotations

from marketplace.api.views.catalog import (
    CatalogExportApi,
    CatalogImportCreateApi,
    CatalogImportDetailApi,
)
from marketplace.api.views.listings import ListingDetailApi, ListingSearchApi
from marketplace.api.views.orders import (
    OrderCancelApi,
    OrderDetailApi,
    OrderListCreateApi,
    OrderPaymentCreateApi,
)
from marketplace.api.views.products import (
    ProductArchiveApi,
    ProductCertificateCreateApi,
    ProductDetailApi,
    ProductListCreateApi,
    ProductPriceTiersApi,
    ProductPublishApi,
    ProductTranslationApi,
    ProductUnpublishApi,
    ProductVariantCreateApi,
    ProductVariantDetailApi,
)

__all__ = [
    "CatalogExportApi",
    "CatalogImportCreateApi",
    "CatalogImportDetailApi",
    "ListingDetailApi",
    "ListingSearchApi",
    "OrderCancelApi",
    "OrderDetailApi",
    "OrderListCreateApi",
    "OrderPaymentCreateApi",
    "ProductArchiveApi",
    "ProductCertificateCreateApi",
    "ProductDetailApi",
    "ProductListCreateApi",
    "ProductPriceTiersApi",
    "ProductPublishApi",
    "ProductTranslationApi",
    "ProductUnpublishApi",
    "ProductVariantCreateApi",
    "ProductVariantDetailApi",
]
