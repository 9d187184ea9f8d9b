"""Logistics pages of the portal: public parcel tracking, and the hub staff's flights view."""

from django.urls import path

from logistics.portal import views

urlpatterns = [
    path("track/", views.track_lookup, name="track"),
    path("track/<str:tracking_number>/", views.track_detail, name="track-detail"),
    path("hub/flights/", views.hub_flights, name="hub-flights"),
    path("hub/flights/replan/", views.hub_replan, name="hub-replan"),
]
