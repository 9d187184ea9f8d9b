"""Marketplace API: merchants list products, marketplaces place orders, payment providers
confirm payments. Parse, authorise, call one service, render."""

from __future__ import annotations

from marketplace.api.views.campaigns import (
    CampaignActivateApi,
    CampaignDetailApi,
    CampaignEndApi,
    CampaignListCreateApi,
    CampaignListingAddApi,
    CampaignListingRemoveApi,
    CampaignOptOutApi,
    CampaignResultsApi,
    RunningCampaignListApi,
)
from marketplace.api.views.catalog import (
    CatalogExportApi,
    CatalogImportCreateApi,
    CatalogImportDetailApi,
)
from marketplace.api.views.landed_cost import BasketLandedCostApi, ListingLandedCostApi
from marketplace.api.views.listings import ListingDetailApi, ListingSearchApi
from marketplace.api.views.orders import (
    CheckoutDetailApi,
    CheckoutListCreateApi,
    OrderCancelApi,
    OrderCompleteApi,
    OrderDetailApi,
    OrderListCreateApi,
    OrderPaymentCreateApi,
    OrderRefundCreateApi,
    OrderReturnReceivedApi,
    OrderReturnRequestApi,
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
    "BasketLandedCostApi",
    "CampaignActivateApi",
    "CampaignDetailApi",
    "CampaignEndApi",
    "CampaignListCreateApi",
    "CampaignListingAddApi",
    "CampaignListingRemoveApi",
    "CampaignOptOutApi",
    "CampaignResultsApi",
    "CatalogExportApi",
    "CatalogImportCreateApi",
    "CatalogImportDetailApi",
    "CheckoutDetailApi",
    "CheckoutListCreateApi",
    "ListingDetailApi",
    "ListingLandedCostApi",
    "ListingSearchApi",
    "OrderCancelApi",
    "OrderCompleteApi",
    "OrderDetailApi",
    "OrderListCreateApi",
    "OrderPaymentCreateApi",
    "OrderRefundCreateApi",
    "OrderReturnReceivedApi",
    "OrderReturnRequestApi",
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
    "RunningCampaignListApi",
]
