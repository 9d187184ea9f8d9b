"""Routes under /api/v1/customs/."""

from django.urls import path

from customs.api import views

urlpatterns = [
    path("declarations/", views.DeclarationListApi.as_view(), name="customs-declarations"),
    path("tax-quotes/", views.TaxQuoteCreateApi.as_view(), name="customs-tax-quotes"),
    path(
        "declarations/<uuid:declaration_id>/",
        views.DeclarationDetailApi.as_view(),
        name="customs-declaration",
    ),
]
