"""Top-level routes: the partner API under /api/v1/, the portal, the officers' admin, health."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from ewtp.core import health

api_v1: list[URLPattern | URLResolver] = [
    path("", include("ewtp.core.api.urls")),
    path("webhooks/", include("ewtp.events.api.urls")),
    path("marketplace/", include("marketplace.api.urls")),
    path("customs/", include("customs.api.urls")),
    path("logistics/", include("logistics.api.urls")),
    path("track/", include("logistics.api.public_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("ewtp.portal.urls")),
]

# Problem documents for API paths; HTML for the portal (see ewtp.core.api.problems).
handler400 = "ewtp.core.errors_http.bad_request"
handler403 = "ewtp.core.errors_http.permission_denied"
handler404 = "ewtp.core.errors_http.page_not_found"
handler500 = "ewtp.core.errors_http.server_error"
