"""Logistics API: partners read shipments, carriers read their flights and report tracking."""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope
from logistics import selectors, services
from logistics.api.serializers import (
    FlightListQuery,
    FlightOutput,
    ShipmentDetailOutput,
    ShipmentListQuery,
    ShipmentOutput,
    TrackingEventCreateInput,
    TrackingEventRecordedOutput,
)
from logistics.models import ShipmentStatus

SHIPMENT_READERS: set[str] = {
    OrganizationKind.MARKETPLACE,
    OrganizationKind.MERCHANT,
    OrganizationKind.CARRIER,
}


class FlightPagination(CreatedCursorPagination):
    # A schedule reads in departure order.
    ordering = "departure_at"


class ShipmentListApi(PartnerApi):
    required_scopes = {"GET": Scope.SHIPMENTS_READ}
    allowed_kinds = SHIPMENT_READERS
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="shipments_list",
        parameters=[
            OpenApiParameter("order_id", uuid.UUID, required=False),
            OpenApiParameter("status", str, enum=ShipmentStatus.values, required=False),
        ],
        responses=ShipmentOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = ShipmentListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        shipments = selectors.shipment_list(
            organization=self.organization(request),
            order_id=query.validated_data.get("order_id"),
            status=query.validated_data.get("status"),
        )
        paginator = CreatedCursorPagination()
        page = paginator.paginate_queryset(shipments, request, view=self)
        return paginator.get_paginated_response(ShipmentOutput(page, many=True).data)


class ShipmentDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.SHIPMENTS_READ}
    allowed_kinds = SHIPMENT_READERS

    @extend_schema(
        operation_id="shipments_retrieve",
        responses={
            200: ShipmentDetailOutput,
            404: OpenApiResponse(description="No such shipment, or another organisation's"),
        },
    )
    def get(self, request: Request, shipment_id: uuid.UUID) -> Response:
        shipment = selectors.shipment_get(
            organization=self.organization(request), shipment_id=shipment_id
        )
        return Response(ShipmentDetailOutput(shipment).data)


class FlightListApi(PartnerApi):
    """A carrier's own flights out of the hub, in departure order."""

    required_scopes = {"GET": Scope.SHIPMENTS_READ}
    allowed_kinds = {OrganizationKind.CARRIER}
    pagination_class = FlightPagination

    @extend_schema(
        operation_id="flights_list",
        parameters=[
            OpenApiParameter("destination", str, required=False, description="IATA code"),
            OpenApiParameter("departing_after", OpenApiTypes.DATETIME, required=False),
        ],
        responses=FlightOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = FlightListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        flights = selectors.flight_list(
            carrier=self.organization(request),
            destination=query.validated_data.get("destination"),
            departing_after=query.validated_data.get("departing_after"),
        )
        paginator = FlightPagination()
        page = paginator.paginate_queryset(flights, request, view=self)
        return paginator.get_paginated_response(FlightOutput(page, many=True).data)


class TrackingEventCreateApi(PartnerApi):
    """A carrier reports what happened to a shipment it flies."""

    required_scopes = {"POST": Scope.TRACKING_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="tracking_events_create",
        request=TrackingEventCreateInput,
        responses={
            201: TrackingEventRecordedOutput,
            200: OpenApiResponse(
                TrackingEventRecordedOutput, description="This event id was already recorded"
            ),
            400: OpenApiResponse(description="Invalid fields (problem+json with `errors`)"),
            404: OpenApiResponse(description="No shipment with this number that you fly"),
            409: OpenApiResponse(description="The event id was used for another report"),
            422: OpenApiResponse(description="A business rule refused it"),
        },
    )
    def post(self, request: Request) -> Response:
        data = TrackingEventCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        record = services.tracking_event_record(
            carrier=self.organization(request),
            tracking_number=given["tracking_number"],
            partner_event_id=given["event_id"],
            code=given["code"],
            occurred_at=given["occurred_at"],
            location=given["location"],
            remarks=given["remarks"],
        )
        return Response(
            TrackingEventRecordedOutput(record.event).data,
            status=status.HTTP_201_CREATED if record.created else status.HTTP_200_OK,
        )
