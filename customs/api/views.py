"""Customs API: the marketplace that filed a declaration and the merchant it covers read it;
any partner quotes taxes."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from customs import selectors, services
from customs.api.serializers import (
    DeclarationListQuery,
    DeclarationOutput,
    TaxQuoteInput,
    TaxQuoteOutput,
)
from customs.models import DeclarationStatus, Regime
from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope

READERS: set[str] = {
    OrganizationKind.MARKETPLACE,
    OrganizationKind.MERCHANT,
    OrganizationKind.CUSTOMS_BROKER,
    OrganizationKind.CARRIER,
}


class DeclarationListApi(PartnerApi):
    required_scopes = {"GET": Scope.DECLARATIONS_READ}
    allowed_kinds = READERS
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="declarations_list",
        parameters=[
            OpenApiParameter("order_id", uuid.UUID, required=False),
            OpenApiParameter("status", str, enum=DeclarationStatus.values, required=False),
            OpenApiParameter("regime", str, enum=Regime.values, required=False),
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
            regime=query.validated_data.get("regime"),
        )
        return self.paginated_response(request, declarations, DeclarationOutput)


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


class TaxQuoteCreateApi(PartnerApi):
    """Any valid API key may ask: a quote reads the published tariff and rules, nothing of a
    tenant's. With a buyer's ID it answers only whether the buyer's allowance still fits the
    order (admissible or CBEC_ANNUAL_LIMIT_EXCEEDED), never what the buyer has used."""

    required_scopes: dict[str, str] = {}
    allowed_kinds = None

    @extend_schema(
        operation_id="tax_quotes_create",
        summary="Quote the duty, consumption tax and VAT of goods under a customs regime",
        request=TaxQuoteInput,
        responses={
            200: TaxQuoteOutput,
            400: OpenApiResponse(
                description="Malformed input, or a buyer ID whose check character is wrong "
                "(`ID_CHECKSUM_INVALID`); `errors` names the field"
            ),
            422: OpenApiResponse(
                description="Well-formed but not a quotable request (`invalid_tax_quote_request`:"
                " e.g. a discount above the goods' value); `errors` names the field"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        given = TaxQuoteInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        quote_request = services.tax_quote_request_build(
            regime=data["regime"],
            destination_country=data["destination_country"],
            currency=data["currency"],
            acceptance_date=data.get("acceptance_date"),
            items=[
                services.QuoteItem(
                    code=item["code"],
                    description=item["description"],
                    quantity=item["quantity"],
                    unit_price=item["unit_price"],
                )
                for item in data["items"]
            ],
            freight=data["freight"],
            insurance=data["insurance"],
            discount=data["discount"],
            onward_transport=data["onward_transport"],
            ioss_number=data["ioss_number"],
        )
        result = services.tax_quote_compute(
            request=quote_request, buyer_id_number=data["buyer_id_number"]
        )
        return Response(TaxQuoteOutput(result).data)
