"""Catalogue import and export pages, under /marketplace/catalog/."""

from django.urls import path

from marketplace.portal import imports

urlpatterns = [
    path("imports/", imports.catalog_import, name="catalog-import"),
    path("imports/<uuid:job_id>/", imports.catalog_import_job, name="catalog-import-job"),
    path(
        "imports/<uuid:job_id>/progress/",
        imports.catalog_import_job_progress,
        name="catalog-import-job-progress",
    ),
    path("export/", imports.catalog_export, name="catalog-export"),
]
