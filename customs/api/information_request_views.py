"""Partners answer customs' requests for information through the API, as merchants do in the
portal: the broker or carrier that filed a declaration, the marketplace that filed it from an
order, or the merchant whose goods it covers (whoever may read the declaration, and was sent
the request's webhook). Another organisation's declaration is not found."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from customs import selectors, services
from customs.api.information_request_serializers import (
    InformationRequestAnswerInput,
    InformationRequestOutput,
)
from customs.api.views import READERS
from customs.attachments import attachment_download
from customs.services.audit import audit_actor
from ewtp.core.api.base import PartnerApi
from ewtp.core.scopes import Scope

NOT_FOUND = OpenApiResponse(description="No such declaration or request, or another's")


class InformationRequestListApi(PartnerApi):
    required_scopes = {"GET": Scope.DECLARATIONS_READ}
    allowed_kinds = READERS

    @extend_schema(
        operation_id="declaration_information_requests_list",
        summary="Customs' requests for information on a declaration, oldest first",
        responses={200: InformationRequestOutput(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, declaration_id: uuid.UUID) -> Response:
        organization = self.organization(request)
        selectors.declaration_get(organization=organization, declaration_id=declaration_id)
        requests = selectors.information_requests_of(
            organization=organization, declaration_id=declaration_id
        )
        return Response(InformationRequestOutput(requests, many=True).data)


class InformationRequestAnswerApi(PartnerApi):
    required_scopes = {"POST": Scope.DECLARATIONS_WRITE}
    allowed_kinds = READERS

    @extend_schema(
        operation_id="declaration_information_request_answer",
        summary="Answer a request for information, with documents",
        description=(
            "The answer closes the request. Documents are PDF, PNG or JPEG, checked by their "
            "content, each within the attachment size limit, and the whole request within "
            "the API's body limit (413 beyond it)."
        ),
        request=InformationRequestAnswerInput,
        responses={
            200: InformationRequestOutput,
            404: NOT_FOUND,
            409: OpenApiResponse(description="`information_request_closed`"),
            422: OpenApiResponse(
                description="`answer_required`, `too_many_attachments`, `attachment_empty`, "
                "`attachment_too_large`, `attachment_type_not_allowed`"
            ),
        },
    )
    def post(self, request: Request, declaration_id: uuid.UUID, request_id: int) -> Response:
        given = InformationRequestAnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        client = self.client(request)
        rfi = selectors.information_request_get(
            organization=client.organization, declaration_id=declaration_id, request_id=request_id
        )
        services.information_request_answer(
            request=rfi,
            answer=given.validated_data["answer"],
            attachments=given.uploads(),
            actor=audit_actor(api_key=client.api_key),
        )
        answered = selectors.information_requests_of(
            organization=client.organization, declaration_id=declaration_id
        )
        return Response(InformationRequestOutput(next(r for r in answered if r.pk == rfi.pk)).data)


class InformationRequestAttachmentApi(PartnerApi):
    required_scopes = {"GET": Scope.DECLARATIONS_READ}
    allowed_kinds = READERS

    @extend_schema(
        operation_id="declaration_attachment_download",
        summary="Download a document sent with an answer",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, declaration_id: uuid.UUID, attachment_id: int) -> HttpResponse:
        attachment = selectors.information_request_attachment_get(
            organization=self.organization(request),
            declaration_id=declaration_id,
            attachment_id=attachment_id,
        )
        return attachment_download(attachment)
