"""Routes under /api/v1/logistics/."""

from django.urls import path

from logistics.api import views

urlpatterns = [
    path("shipments/", views.ShipmentListApi.as_view(), name="logistics-shipments"),
    path(
        "shipments/<uuid:shipment_id>/",
        views.ShipmentDetailApi.as_view(),
        name="logistics-shipment",
    ),
    path("flights/", views.FlightListApi.as_view(), name="logistics-flights"),
    path(
        "tracking-events/",
        views.TrackingEventCreateApi.as_view(),
        name="logistics-tracking-events",
    ),
]
