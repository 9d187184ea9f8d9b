"""Routes under /api/v1/marketplace/."""

from django.urls import path

from marketplace.api import views

urlpatterns = [
    path("products/", views.ProductListCreateApi.as_view(), name="marketplace-products"),
    path(
        "products/<uuid:product_id>/", views.ProductDetailApi.as_view(), name="marketplace-product"
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
