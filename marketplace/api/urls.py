"""Routes under /api/v1/marketplace/."""

from django.urls import path

from marketplace.api import views

PRODUCT = "products/<uuid:product_id>/"

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
]
