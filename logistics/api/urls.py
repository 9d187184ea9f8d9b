"""Routes under /api/v1/logistics/ (the public tracking route is in public_urls)."""

from django.urls import path

from logistics.api import views

urlpatterns = [
    path("shipments/", views.ShipmentListApi.as_view(), name="logistics-shipments"),
    path(
        "shipments/<uuid:shipment_id>/",
        views.ShipmentDetailApi.as_view(),
        name="logistics-shipment",
    ),
    path(
        "shipments/<uuid:shipment_id>/offload/",
        views.ShipmentOffloadApi.as_view(),
        name="logistics-shipment-offload",
    ),
    path("flights/", views.FlightListApi.as_view(), name="logistics-flights"),
    path(
        "flights/<uuid:flight_id>/load-plan/",
        views.FlightLoadPlanApi.as_view(),
        name="logistics-flight-load-plan",
    ),
    path(
        "master-waybills/",
        views.MasterWaybillListCreateApi.as_view(),
        name="logistics-master-waybills",
    ),
    path(
        "master-waybills/<uuid:master_waybill_id>/",
        views.MasterWaybillDetailApi.as_view(),
        name="logistics-master-waybill",
    ),
    path(
        "tracking-events/",
        views.TrackingEventCreateApi.as_view(),
        name="logistics-tracking-events",
    ),
    path("fsu/", views.FsuMessageApi.as_view(), name="logistics-fsu"),
    path(
        "subscriptions/",
        views.MilestoneSubscriptionListCreateApi.as_view(),
        name="logistics-subscriptions",
    ),
    path(
        "subscriptions/<uuid:subscription_id>/",
        views.MilestoneSubscriptionDetailApi.as_view(),
        name="logistics-subscription",
    ),
    path(
        "tracking-events/batch/",
        views.TrackingEventBatchApi.as_view(),
        name="logistics-tracking-events-batch",
    ),
    path("manifests/", views.ManifestListCreateApi.as_view(), name="logistics-manifests"),
    path("manifests/csv/", views.ManifestCsvApi.as_view(), name="logistics-manifests-csv"),
    path(
        "manifests/<uuid:manifest_id>/",
        views.ManifestDetailApi.as_view(),
        name="logistics-manifest",
    ),
    path(
        "shipments/<uuid:shipment_id>/ics2-referrals/",
        views.ShipmentIcs2ReferralApi.as_view(),
        name="logistics-shipment-ics2-referrals",
    ),
    path(
        "shipments/<uuid:shipment_id>/ics2-referrals/lift/",
        views.ShipmentIcs2ReferralLiftApi.as_view(),
        name="logistics-shipment-ics2-referral-lift",
    ),
]
