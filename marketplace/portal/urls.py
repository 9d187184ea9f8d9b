"""The merchant's pages of the marketplace, under /marketplace/ in the portal."""

from django.urls import include, path

from marketplace.portal import information_requests, listing_parts, listings, orders, payouts

urlpatterns = [
    path("listings/", listings.listing_list, name="listings"),
    path("listings/new/", listings.listing_create, name="listing-create"),
    path("listings/<uuid:product_id>/", listings.listing_edit, name="listing-edit"),
    path("listings/<uuid:product_id>/publish/", listings.listing_publish, name="listing-publish"),
    path(
        "listings/<uuid:product_id>/unpublish/",
        listings.listing_unpublish,
        name="listing-unpublish",
    ),
    path("listings/<uuid:product_id>/archive/", listings.listing_archive, name="listing-archive"),
    path(
        "listings/<uuid:product_id>/variants/",
        listing_parts.listing_variant_add,
        name="listing-variant-add",
    ),
    path(
        "listings/<uuid:product_id>/variants/<uuid:variant_id>/",
        listing_parts.listing_variant_change,
        name="listing-variant-change",
    ),
    path(
        "listings/<uuid:product_id>/price-tiers/",
        listing_parts.listing_price_tiers,
        name="listing-price-tiers",
    ),
    path(
        "listings/<uuid:product_id>/certificates/",
        listing_parts.listing_certificate_add,
        name="listing-certificate-add",
    ),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<uuid:order_id>/", orders.order_detail, name="order-detail"),
    path(
        "orders/<uuid:order_id>/information-requests/<int:request_id>/answer/",
        information_requests.information_request_answer,
        name="order-information-answer",
    ),
    path(
        "orders/<uuid:order_id>/attachments/<int:attachment_id>/",
        information_requests.information_request_attachment,
        name="order-attachment",
    ),
    path("payouts/", payouts.payout_list, name="payouts"),
    path("payouts/<uuid:statement_id>/", payouts.payout_detail, name="payout-detail"),
    path("catalog/", include("marketplace.portal.import_urls")),
]
