"""The merchant answers customs' requests for information on its orders, with documents.

Customs keeps the questions, answers and files (customs.services / customs.selectors); these
views only find the order's declaration for the signed-in merchant and call them."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from customs import selectors as customs
from customs import services as customs_services
from customs.attachments import AttachmentUpload, attachment_download
from customs.services.audit import audit_actor
from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization, User
from ewtp.portal.access import merchant_required
from marketplace.portal import selectors


def _declaration_id(merchant: Organization, order_id: uuid.UUID) -> uuid.UUID:
    try:
        order = selectors.merchant_order_get(merchant=merchant, order_id=order_id)
    except NotFound:
        raise Http404("No such order.") from None
    declaration = customs.declaration_list(organization=merchant, order_id=order.pk).first()
    if declaration is None:
        raise Http404("The order is not declared.")
    return declaration.pk


@merchant_required
@require_POST
def information_request_answer(
    request: HttpRequest, order_id: uuid.UUID, request_id: int, *, merchant: Organization
) -> HttpResponse:
    declaration_id = _declaration_id(merchant, order_id)
    try:
        rfi = customs.information_request_get(
            organization=merchant, declaration_id=declaration_id, request_id=request_id
        )
    except NotFound:
        raise Http404("No such request for information.") from None
    uploads = [
        AttachmentUpload(file_name=upload.name or "", content=upload.read())
        for upload in request.FILES.getlist("attachments")
    ]
    user = request.user
    try:
        with transaction.atomic():
            customs_services.information_request_answer(
                request=rfi,
                answer=request.POST.get("answer", ""),
                attachments=uploads,
                actor=audit_actor(user=user if isinstance(user, User) else None),
            )
    except DomainError as error:
        messages.error(request, error.detail)
        return render(
            request,
            "marketplace/portal/information_request_error.html",
            {"order_id": order_id, "error": error, "answer": request.POST.get("answer", "")},
            status=error.status if error.status < 500 else 422,
        )
    messages.success(request, "Your answer went to customs.")
    return redirect("portal:order-detail", order_id=order_id)


@merchant_required
@require_GET
def information_request_attachment(
    request: HttpRequest, order_id: uuid.UUID, attachment_id: int, *, merchant: Organization
) -> HttpResponse:
    declaration_id = _declaration_id(merchant, order_id)
    try:
        attachment = customs.information_request_attachment_get(
            organization=merchant, declaration_id=declaration_id, attachment_id=attachment_id
        )
    except NotFound:
        raise Http404("No such attachment.") from None
    return attachment_download(attachment)
