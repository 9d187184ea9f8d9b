"""Bulk catalogue import and export: a merchant's whole catalogue as one CSV or XLSX file.
Another merchant's import job is not found (404)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.scopes import Scope
from marketplace import catalog_io
from marketplace.api.serializers.catalog import (
    CatalogDryRunOutput,
    CatalogExportQuery,
    CatalogImportInput,
    CatalogImportQuery,
    ImportJobOutput,
)
from marketplace.api.views.common import FORBIDDEN, INVALID, NOT_FOUND
from marketplace.api.views.products import MerchantApi

FILE_REFUSED = OpenApiResponse(
    description=(
        "The file as a whole cannot be imported (problem+json; `code` is one of "
        "`file_type_unsupported`, `file_not_utf8`, `file_malformed`, `file_empty`, "
        "`column_unknown`, `column_missing`, `column_duplicate`, `file_too_large`, "
        "`file_too_many_rows`), or invalid fields"
    )
)


class CatalogImportCreateApi(MerchantApi):
    required_scopes = {"POST": Scope.CATALOG_WRITE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="catalog_imports_create",
        description=(
            "Upload a catalogue file (multipart field `file`). With `dry_run=true` the file is "
            "checked row by row and the answer (200) says what an import would create, update "
            "or leave unchanged, with every row's errors; nothing is written. Without it the "
            "file is accepted (202) and imported by a job: rows are upserted by your SKU, a "
            "row with an error is skipped and reported, the others land. Poll the job."
        ),
        parameters=[CatalogImportQuery],
        request={"multipart/form-data": CatalogImportInput},
        responses={
            200: CatalogDryRunOutput,
            202: ImportJobOutput,
            400: FILE_REFUSED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        query = CatalogImportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = CatalogImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        merchant = self.organization(request)
        if query.validated_data["dry_run"]:
            summary = catalog_io.catalog_import_dry_run(
                merchant=merchant, stream=upload.file, size=upload.size
            )
            return Response(CatalogDryRunOutput(summary).data)
        if upload.size > catalog_io.max_bytes():
            catalog_io.inspect(upload.file, size=upload.size)  # refuses it, with its code
        job = catalog_io.import_job_create(
            merchant=merchant, file_name=upload.name or "", content=upload.read()
        )
        location = reverse("marketplace-catalog-import", kwargs={"job_id": job.pk})
        return Response(
            ImportJobOutput(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )


class CatalogImportDetailApi(MerchantApi):
    required_scopes = {"GET": Scope.CATALOG_READ}

    @extend_schema(
        operation_id="catalog_imports_retrieve",
        description="An import job's progress and, once it has finished, its outcome.",
        responses={200: ImportJobOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, job_id: uuid.UUID) -> Response:
        job = catalog_io.import_job_get(merchant=self.organization(request), job_id=job_id)
        return Response(ImportJobOutput(job).data)


class _PassThroughRenderer(BaseRenderer):
    """Names a download's media type for content negotiation; the view streams the bytes."""

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data


class CsvRenderer(_PassThroughRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(_PassThroughRenderer):
    media_type = catalog_io.XLSX_CONTENT_TYPE
    format = "xlsx"


class CatalogExportApi(MerchantApi):
    required_scopes = {"GET": Scope.CATALOG_READ}
    # Errors are problem+json; the file itself is streamed past the renderers.
    renderer_classes = [JSONRenderer, CsvRenderer, XlsxRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # `format` picks the file, not the renderer: every answer that is not the file is JSON.
        return (JSONRenderer(), JSONRenderer.media_type)

    @extend_schema(
        operation_id="catalog_export",
        description=(
            "Your whole catalogue (every listing but the archived ones, each followed by its "
            "variants) in the import format: importing the file back changes nothing."
        ),
        parameters=[CatalogExportQuery],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, catalog_io.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            400: INVALID,
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse | FileResponse:
        query = CatalogExportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        merchant = self.organization(request)
        file_format = query.validated_data["format"]
        name = f"catalogue-{merchant.slug}-{timezone.now():%Y%m%d}.{file_format}"
        if file_format == "xlsx":
            return FileResponse(
                catalog_io.catalog_xlsx(merchant=merchant),
                as_attachment=True,
                filename=name,
                content_type=catalog_io.XLSX_CONTENT_TYPE,
            )
        response = StreamingHttpResponse(
            catalog_io.catalog_csv(merchant=merchant), content_type=catalog_io.CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
