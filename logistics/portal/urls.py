"""Logistics pages of the portal: public parcel tracking, and the hub staff's flights view and
exception queue."""

from django.urls import path

from logistics.portal import views

urlpatterns = [
    path("track/", views.track_lookup, name="track"),
    path("track/<str:tracking_number>/", views.track_detail, name="track-detail"),
    path("hub/flights/", views.hub_flights, name="hub-flights"),
    path("hub/flights/replan/", views.hub_replan, name="hub-replan"),
    path(
        "hub/flights/replan/<uuid:run_id>/",
        views.hub_replan_progress,
        name="hub-replan-progress",
    ),
    path("hub/exceptions/", views.hub_exceptions, name="hub-exceptions"),
    path(
        "hub/exceptions/<int:exception_id>/resolve/",
        views.hub_exception_resolve,
        name="hub-exception-resolve",
    ),
]
