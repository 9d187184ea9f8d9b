"""Routes under /api/v1/marketplace/."""

from django.urls import path

from marketplace.api import views
from marketplace.api.views.payouts import PayoutDetailApi, PayoutListApi

PRODUCT = "products/<uuid:product_id>/"
CAMPAIGN = "agency/campaigns/<uuid:campaign_id>/"

urlpatterns = [
    path("products/", views.ProductListCreateApi.as_view(), name="marketplace-products"),
    path(PRODUCT, views.ProductDetailApi.as_view(), name="marketplace-product"),
    path(
        f"{PRODUCT}publish/", views.ProductPublishApi.as_view(), name="marketplace-product-publish"
    ),
    path(
        f"{PRODUCT}unpublish/",
        views.ProductUnpublishApi.as_view(),
        name="marketplace-product-unpublish",
    ),
    path(
        f"{PRODUCT}archive/", views.ProductArchiveApi.as_view(), name="marketplace-product-archive"
    ),
    path(
        f"{PRODUCT}translations/<str:language>/",
        views.ProductTranslationApi.as_view(),
        name="marketplace-product-translation",
    ),
    path(
        f"{PRODUCT}variants/",
        views.ProductVariantCreateApi.as_view(),
        name="marketplace-product-variants",
    ),
    path(
        f"{PRODUCT}variants/<uuid:variant_id>/",
        views.ProductVariantDetailApi.as_view(),
        name="marketplace-product-variant",
    ),
    path(
        f"{PRODUCT}price-tiers/",
        views.ProductPriceTiersApi.as_view(),
        name="marketplace-product-price-tiers",
    ),
    path(
        f"{PRODUCT}certificates/",
        views.ProductCertificateCreateApi.as_view(),
        name="marketplace-product-certificates",
    ),
    path(
        "catalog/imports/",
        views.CatalogImportCreateApi.as_view(),
        name="marketplace-catalog-imports",
    ),
    path(
        "catalog/imports/<uuid:job_id>/",
        views.CatalogImportDetailApi.as_view(),
        name="marketplace-catalog-import",
    ),
    path("catalog/export/", views.CatalogExportApi.as_view(), name="marketplace-catalog-export"),
    path("listings/search/", views.ListingSearchApi.as_view(), name="marketplace-listings-search"),
    path(
        "listings/<uuid:listing_id>/",
        views.ListingDetailApi.as_view(),
        name="marketplace-listing",
    ),
    path(
        "listings/<uuid:listing_id>/landed-cost/",
        views.ListingLandedCostApi.as_view(),
        name="marketplace-listing-landed-cost",
    ),
    path("landed-cost/", views.BasketLandedCostApi.as_view(), name="marketplace-landed-cost"),
    path("orders/", views.OrderListCreateApi.as_view(), name="marketplace-orders"),
    path("orders/<uuid:order_id>/", views.OrderDetailApi.as_view(), name="marketplace-order"),
    path(
        "orders/<uuid:order_id>/cancel/",
        views.OrderCancelApi.as_view(),
        name="marketplace-order-cancel",
    ),
    path(
        "orders/<uuid:order_id>/payments/",
        views.OrderPaymentCreateApi.as_view(),
        name="marketplace-order-payments",
    ),
    path("campaigns/", views.RunningCampaignListApi.as_view(), name="marketplace-campaigns"),
    path(
        "campaigns/<uuid:campaign_id>/opt-out/",
        views.CampaignOptOutApi.as_view(),
        name="marketplace-campaign-opt-out",
    ),
    path(
        "agency/campaigns/",
        views.CampaignListCreateApi.as_view(),
        name="marketplace-agency-campaigns",
    ),
    path(CAMPAIGN, views.CampaignDetailApi.as_view(), name="marketplace-agency-campaign"),
    path(
        f"{CAMPAIGN}activate/",
        views.CampaignActivateApi.as_view(),
        name="marketplace-agency-campaign-activate",
    ),
    path(f"{CAMPAIGN}end/", views.CampaignEndApi.as_view(), name="marketplace-agency-campaign-end"),
    path(
        f"{CAMPAIGN}listings/",
        views.CampaignListingAddApi.as_view(),
        name="marketplace-agency-campaign-listings",
    ),
    path(
        f"{CAMPAIGN}listings/<uuid:listing_id>/",
        views.CampaignListingRemoveApi.as_view(),
        name="marketplace-agency-campaign-listing",
    ),
    path(
        f"{CAMPAIGN}results/",
        views.CampaignResultsApi.as_view(),
        name="marketplace-agency-campaign-results",
    ),
    path(
        "orders/<uuid:order_id>/refunds/",
        views.OrderRefundCreateApi.as_view(),
        name="marketplace-order-refunds",
    ),
    path(
        "orders/<uuid:order_id>/return/",
        views.OrderReturnRequestApi.as_view(),
        name="marketplace-order-return",
    ),
    path(
        "orders/<uuid:order_id>/return-received/",
        views.OrderReturnReceivedApi.as_view(),
        name="marketplace-order-return-received",
    ),
    path(
        "orders/<uuid:order_id>/complete/",
        views.OrderCompleteApi.as_view(),
        name="marketplace-order-complete",
    ),
    path("checkouts/", views.CheckoutListCreateApi.as_view(), name="marketplace-checkouts"),
    path(
        "checkouts/<uuid:checkout_id>/",
        views.CheckoutDetailApi.as_view(),
        name="marketplace-checkout",
    ),
    path("payouts/", PayoutListApi.as_view(), name="marketplace-payouts"),
    path(
        "payouts/<uuid:statement_id>/",
        PayoutDetailApi.as_view(),
        name="marketplace-payout",
    ),
]
