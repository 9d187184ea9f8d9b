"""Customs API: the marketplace that filed a declaration and the merchant it covers read it."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from customs import selectors
from customs.api.serializers import DeclarationListQuery, DeclarationOutput
from customs.models import DeclarationStatus
from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope

READERS: set[str] = {OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT}


class DeclarationListApi(PartnerApi):
    required_scopes = {"GET": Scope.DECLARATIONS_READ}
    allowed_kinds = READERS
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="declarations_list",
        parameters=[
            OpenApiParameter("order_id", uuid.UUID, required=False),
            OpenApiParameter("status", str, enum=DeclarationStatus.values, required=False),
        ],
        responses=DeclarationOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = DeclarationListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        declarations = selectors.declaration_list(
            organization=self.organization(request),
            order_id=query.validated_data.get("order_id"),
            status=query.validated_data.get("status"),
        )
        paginator = CreatedCursorPagination()
        page = paginator.paginate_queryset(declarations, request, view=self)
        return paginator.get_paginated_response(DeclarationOutput(page, many=True).data)


class DeclarationDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.DECLARATIONS_READ}
    allowed_kinds = READERS

    @extend_schema(
        operation_id="declarations_retrieve",
        responses={
            200: DeclarationOutput,
            404: OpenApiResponse(description="No such declaration, or another organisation's"),
        },
    )
    def get(self, request: Request, declaration_id: uuid.UUID) -> Response:
        declaration = selectors.declaration_get(
            organization=self.organization(request), declaration_id=declaration_id
        )
        return Response(DeclarationOutput(declaration).data)
