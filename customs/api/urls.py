"""Routes under /api/v1/customs/."""

from django.urls import path

from customs.api import document_views, filing_views, views

urlpatterns = [
    path(
        "declarations/",
        filing_views.DeclarationListCreateApi.as_view(),
        name="customs-declarations",
    ),
    path(
        "declarations/validate/",
        filing_views.DeclarationValidateApi.as_view(),
        name="customs-declarations-validate",
    ),
    path("tax-quotes/", views.TaxQuoteCreateApi.as_view(), name="customs-tax-quotes"),
    path(
        "cbec-waybills/",
        document_views.CbecWaybillCreateApi.as_view(),
        name="customs-cbec-waybills",
    ),
    path(
        "cbec-waybills/<uuid:order_id>/",
        document_views.CbecWaybillDetailApi.as_view(),
        name="customs-cbec-waybill",
    ),
    path(
        "declarations/<uuid:declaration_id>/",
        views.DeclarationDetailApi.as_view(),
        name="customs-declaration",
    ),
    path(
        "declarations/<uuid:declaration_id>/amendments/",
        filing_views.DeclarationAmendApi.as_view(),
        name="customs-declaration-amendments",
    ),
    path(
        "declarations/<uuid:declaration_id>/cancel/",
        filing_views.DeclarationCancelApi.as_view(),
        name="customs-declaration-cancel",
    ),
    path(
        "declarations/<uuid:declaration_id>/exit-confirmation/",
        filing_views.DeclarationExitConfirmApi.as_view(),
        name="customs-declaration-exit-confirmation",
    ),
]
