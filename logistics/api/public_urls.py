"""Public routes, mounted at /api/v1/track/: no authentication, throttled per client IP."""

from django.urls import path

from logistics.api import views

urlpatterns = [
    path("<str:tracking_number>/", views.PublicTrackingApi.as_view(), name="public-tracking"),
]
