"""Routes under /api/v1/customs/."""

from django.urls import path

from customs.api import document_views, filing_views, information_request_views, views

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
    path(
        "declarations/<uuid:declaration_id>/information-requests/",
        information_request_views.InformationRequestListApi.as_view(),
        name="customs-declaration-information-requests",
    ),
    path(
        "declarations/<uuid:declaration_id>/information-requests/<int:request_id>/answer/",
        information_request_views.InformationRequestAnswerApi.as_view(),
        name="customs-declaration-information-request-answer",
    ),
    path(
        "declarations/<uuid:declaration_id>/attachments/<int:attachment_id>/",
        information_request_views.InformationRequestAttachmentApi.as_view(),
        name="customs-declaration-attachment",
    ),
]
