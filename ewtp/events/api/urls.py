"""Routes under /api/v1/webhooks/."""

from django.urls import path

from ewtp.events.api import views

urlpatterns = [
    path(
        "endpoints/",
        views.WebhookEndpointListCreateApi.as_view(),
        name="webhook-endpoints",
    ),
    path(
        "endpoints/<uuid:endpoint_id>/",
        views.WebhookEndpointDetailApi.as_view(),
        name="webhook-endpoint",
    ),
    path(
        "endpoints/<uuid:endpoint_id>/rotate-secret/",
        views.WebhookSecretRotateApi.as_view(),
        name="webhook-endpoint-rotate-secret",
    ),
    path(
        "endpoints/<uuid:endpoint_id>/deliveries/",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook-endpoint-deliveries",
    ),
    path(
        "deliveries/<uuid:delivery_id>/redeliver/",
        views.WebhookDeliveryRedeliverApi.as_view(),
        name="webhook-delivery-redeliver",
    ),
]
