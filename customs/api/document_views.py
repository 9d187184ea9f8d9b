"""Carriers send the CBEC waybill of an order, the third of the three documents customs matches
(the order and the payment come from the marketplace when the order is paid), and read back
the match of their own waybills."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from customs import selectors, services
from customs.models import DocumentMatch, DocumentMatchStatus
from customs.three_documents import MatchCode
from ewtp.core.api.base import PartnerApi
from ewtp.core.api.serializers import StrictSerializer
from ewtp.core.errors import NotFound
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope


class CbecWaybillInput(StrictSerializer):
    order_id = serializers.UUIDField(help_text="The marketplace order the waybill carries")
    waybill_number = serializers.RegexField(
        r"^[A-Za-z0-9-]{1,64}$", help_text="The carrier's own waybill number"
    )
    consignee_name = serializers.CharField(max_length=200)
    consignee_address = serializers.CharField(max_length=500, required=False, default="")
    consignee_country = serializers.RegexField(
        r"^[A-Z]{2}$", required=False, default="", help_text="ISO 3166-1 alpha-2"
    )


class DocumentMismatchOutput(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=[(c.value, c.value) for c in MatchCode])
    detail = serializers.CharField()


class CbecWaybillOutput(serializers.Serializer[Any]):
    order_id = serializers.UUIDField()
    waybill_number = serializers.CharField()
    status = serializers.ChoiceField(
        choices=DocumentMatchStatus.choices,
        help_text="`waiting` until the order, the payment and the waybill are all there",
    )
    codes = serializers.ListField(child=serializers.CharField())
    mismatches = DocumentMismatchOutput(many=True)
    received_at = serializers.DateTimeField()
    matched_at = serializers.DateTimeField(allow_null=True)


def _own(match: DocumentMatch | None, carrier_id: Any) -> DocumentMatch:
    if match is None or match.carrier_id != carrier_id:
        raise NotFound("No waybill of yours for this order.", code="not_found")
    return match


class CbecWaybillCreateApi(PartnerApi):
    required_scopes = {"POST": Scope.DECLARATIONS_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="cbec_waybills_create",
        summary="Send the waybill of a CBEC order for the three-document match",
        request=CbecWaybillInput,
        responses={
            202: CbecWaybillOutput,
            404: OpenApiResponse(
                description="`unknown_order`: another carrier sent this order's waybill"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        given = CbecWaybillInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        match = services.cbec_waybill_receive(
            carrier=self.organization(request),
            order_id=data["order_id"],
            waybill_number=data["waybill_number"],
            consignee_name=data["consignee_name"],
            consignee_address=data["consignee_address"],
            consignee_country=data["consignee_country"],
        )
        # Accepted: the match runs as a job once the documents are in.
        return Response(CbecWaybillOutput(match).data, status=202)


class CbecWaybillDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.DECLARATIONS_READ}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="cbec_waybills_retrieve",
        summary="The three-document match of an order whose waybill you sent",
        responses={200: CbecWaybillOutput, 404: OpenApiResponse(description="Not your waybill")},
    )
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        match = _own(selectors.document_match_of(order_id=order_id), self.organization(request).pk)
        return Response(CbecWaybillOutput(match).data)
