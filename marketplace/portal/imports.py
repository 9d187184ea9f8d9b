"""The portal's catalogue import and export pages, for a signed-in merchant's users. They call
the same services as the API; another merchant's job page is not found (404)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization, OrganizationKind, User
from marketplace import catalog_io
from marketplace.models import ImportJob

RECENT_JOBS = 10
POLL_INTERVAL_MS = 1000


class CatalogFileForm(forms.Form):
    file = forms.FileField(
        label="Catalogue file",
        help_text="CSV (UTF-8, comma-separated) or XLSX, with a header row. One row per "
        "listing or variant.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _merchant(request: HttpRequest) -> Organization:
    user = request.user
    if not isinstance(user, User) or user.organization is None:
        raise PermissionDenied
    if user.organization.kind != OrganizationKind.MERCHANT:
        raise PermissionDenied
    return user.organization


def _job(merchant: Organization, job_id: uuid.UUID) -> ImportJob:
    try:
        return catalog_io.import_job_get(merchant=merchant, job_id=job_id)
    except NotFound:
        raise Http404("No such import job.") from None


@login_required
@require_http_methods(["GET", "POST"])
def catalog_import(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue: "Check" runs a dry run and shows its errors; "Import" starts the
    job and goes to its page."""
    merchant = _merchant(request)
    form = CatalogFileForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "merchant": merchant}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if request.POST.get("action") == "import":
                job = catalog_io.import_job_create(
                    merchant=merchant, file_name=upload.name or "", content=upload.read()
                )
                return redirect("portal:catalog-import-job", job_id=job.pk)
            context["summary"] = catalog_io.catalog_import_dry_run(
                merchant=merchant, stream=upload.file, size=upload.size
            )
            context["file_name"] = upload.name
        except DomainError as error:
            form.add_error("file", f"{error.detail} ({error.code})")
    if request.method == "POST" and not form.is_valid():
        status = 400
    context["jobs"] = catalog_io.import_job_list(merchant=merchant)[:RECENT_JOBS]
    return render(request, "marketplace/portal/imports/import.html", context, status=status)


@login_required
@require_GET
def catalog_import_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(_merchant(request), job_id)
    return render(
        request,
        "marketplace/portal/imports/job.html",
        {"job": job, "poll_interval_ms": POLL_INTERVAL_MS},
    )


@login_required
@require_GET
def catalog_import_job_progress(request: HttpRequest, job_id: uuid.UUID) -> JsonResponse:
    """What the job page polls: just enough to move the bar and know when to show the end."""
    job = _job(_merchant(request), job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "percent": job.percent,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "finished": job.finished,
        }
    )


@login_required
@require_GET
def catalog_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    merchant = _merchant(request)
    file_format = request.GET.get("format", "csv")
    name = f"catalogue-{merchant.slug}-{timezone.now():%Y%m%d}.{file_format}"
    if file_format == "xlsx":
        return FileResponse(
            catalog_io.catalog_xlsx(merchant=merchant),
            as_attachment=True,
            filename=name,
            content_type=catalog_io.XLSX_CONTENT_TYPE,
        )
    if file_format != "csv":
        raise Http404("Export as csv or xlsx.")
    response = StreamingHttpResponse(
        catalog_io.catalog_csv(merchant=merchant), content_type=catalog_io.CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
