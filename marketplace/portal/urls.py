from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("catalog/", include("marketplace.portal.import_urls")),
]
