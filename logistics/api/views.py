"""Logistics API: partners read shipments, carriers read their flights and report tracking."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi, PublicApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope
from logistics import awb, jsonld, selectors, services
from logistics.api.parsers import MAX_CSV_BYTES, MAX_MESSAGE_BYTES, CsvParser, PlainTextParser
from logistics.api.serializers import (
    FlightListQuery,
    FlightLoadPlanOutput,
    FlightOutput,
    FsuOutcomeOutput,
    Ics2ReferralInput,
    Ics2ReferralLiftInput,
    Ics2ReferralOutput,
    InboundParcelOutput,
    ManifestCreateInput,
    ManifestCsvQuery,
    ManifestDetailOutput,
    ManifestHeaderInput,
    ManifestOutcomeOutput,
    ManifestOutput,
    MasterWaybillCreateInput,
    MasterWaybillListQuery,
    MasterWaybillOutput,
    MilestoneSubscriptionCreateInput,
    MilestoneSubscriptionOutput,
    PublicTrackingOutput,
    ShipmentDetailOutput,
    ShipmentListQuery,
    ShipmentOffloadInput,
    ShipmentOutput,
    TrackingEventBatchInput,
    TrackingEventBatchOutput,
    TrackingEventCreateInput,
    TrackingEventRecordedOutput,
)
from logistics.models import ShipmentStatus
from logistics.public_cache import public_payload
from logistics.services import manifests
from logistics.services.tracking_batch import ACCEPTED, MAX_BATCH
from logistics.tracking_numbers import S10

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
        return self.paginated_response(request, shipments, ShipmentOutput)


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
        timeline = selectors.tracking_timeline(shipment=shipment)
        return Response(ShipmentDetailOutput(shipment, context={"timeline": timeline}).data)


class ShipmentOffloadApi(PartnerApi):
    """The carrier flying a parcel takes it off a flight that has not left; the routing job
    books it on another flight at once (never the same one) and moves nothing else."""

    required_scopes = {"POST": Scope.SHIPMENTS_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="shipments_offload",
        request=ShipmentOffloadInput,
        responses={
            200: ShipmentOutput,
            400: OpenApiResponse(description="Malformed body (problem+json)"),
            404: OpenApiResponse(description="No such shipment, or not on your flight"),
            409: OpenApiResponse(description="Not booked, or the flight has left (problem+json)"),
        },
    )
    def post(self, request: Request, shipment_id: uuid.UUID) -> Response:
        data = ShipmentOffloadInput(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_offload(
            carrier=self.organization(request),
            shipment_id=shipment_id,
            reason=data.validated_data["reason"],
        )
        return Response(ShipmentOutput(shipment).data)


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
        return self.paginated_response(request, flights, FlightOutput)


class FlightLoadPlanApi(PartnerApi):
    """The load plan of one of the carrier's flights: its ULD positions, each unit built up
    with its bags and weights, and what rides in bulk. Another carrier's flight is 404."""

    required_scopes = {"GET": Scope.SHIPMENTS_READ}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="flights_load_plan",
        responses={
            200: FlightLoadPlanOutput,
            404: OpenApiResponse(description="No such flight, or another carrier's"),
        },
    )
    def get(self, request: Request, flight_id: uuid.UUID) -> Response:
        plan = selectors.flight_load_plan(carrier=self.organization(request), flight_id=flight_id)
        return Response(FlightLoadPlanOutput(plan).data)


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
            503: OpenApiResponse(
                description="tracking_partition_missing: this month's reports cannot be stored "
                "yet; send it again later"
            ),
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


class TrackingEventBatchApi(PartnerApi):
    """Bulk ingest of tracking reports: the hub's hot path.

    Up to 10,000 reports per request, each answered in order as `accepted`, `duplicate` (this
    event id was already stored: replaying a batch adds nothing) or `rejected` with a stable
    `code` and the `field` at fault. The good reports are stored even when others are bad; a
    malformed body stores nothing. Items are validated without DRF serializers (see
    `logistics.services.tracking_batch`); the schema below documents them."""

    required_scopes = {"POST": Scope.TRACKING_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER, OrganizationKind.GROUND_HANDLER}
    top_level_fields = frozenset({"events"})

    @extend_schema(
        operation_id="tracking_events_batch_create",
        request=TrackingEventBatchInput,
        responses={
            200: OpenApiResponse(
                TrackingEventBatchOutput, description="One result per event, in order"
            ),
            400: OpenApiResponse(description='The body is not {"events": [...]}'),
            413: OpenApiResponse(description=f"More than {MAX_BATCH:,} events: BATCH_TOO_LARGE"),
            503: OpenApiResponse(
                description="PARTITION_MISSING: this month's partition went away while the "
                "batch was stored; nothing was stored, send it again later"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("events"), list):
            raise DomainError(
                'Send {"events": [...]}, a list of tracking events.',
                code="BATCH_INVALID",
                field="events",
                status=400,
            )
        unknown = sorted(set(body) - self.top_level_fields)
        if unknown:
            raise DomainError(
                "Unknown field.", code="FIELD_UNKNOWN", field=str(unknown[0]), status=400
            )
        outcome = services.tracking_events_ingest(
            reporter=self.organization(request), events=body["events"]
        )
        return Response(
            {
                "accepted": outcome.accepted,
                "duplicates": outcome.duplicates,
                "rejected": outcome.rejected,
                "shipments_moved": outcome.shipments_moved,
                "results": [_result_body(r) for r in outcome.results],
            }
        )


_RESULT_KEYS = ("result", "event_id", "id", "code", "field", "message")


def _result_body(result: services.ItemResult) -> dict[str, Any]:
    """One item's answer without its empty keys (a thousand per batch: the common ones first)."""
    if result.result == ACCEPTED and result.event_id is not None and result.id is not None:
        return {"result": ACCEPTED, "event_id": result.event_id, "id": result.id}
    row = (result.result, result.event_id, result.id, result.code, result.field, result.message)
    return {k: v for k, v in zip(_RESULT_KEYS, row, strict=True) if v is not None}


class FsuMessageApi(PartnerApi):
    """A Cargo-IMP FSU message about one of your master air waybills, as `text/plain`.

    Each status line (RCS, MAN, DEP, ARR, RCF, NFD, DLV, ...) is stored as a tracking report of
    the MAWB and answered in order as `accepted`, `duplicate` (sending a message again adds
    nothing) or `rejected` with the bulk ingest's code. A message that is not an FSU is refused
    whole, with a code and the line at fault (`errors[0].field` is `line.<n>`)."""

    required_scopes = {"POST": Scope.TRACKING_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER, OrganizationKind.GROUND_HANDLER}
    parser_classes = [PlainTextParser]

    @extend_schema(
        operation_id="fsu_messages_create",
        request={"text/plain": OpenApiTypes.STR},
        responses={
            200: OpenApiResponse(FsuOutcomeOutput, description="One result per status line"),
            400: OpenApiResponse(
                description="Not an FSU message: FSU_HEADER_INVALID, FSU_AWB_LINE_INVALID, "
                "FSU_STATUS_UNKNOWN, FSU_LINE_INVALID, FSU_DATE_INVALID, FSU_STATION_UNKNOWN, "
                "FSU_NO_STATUS, FSU_TOO_LONG, AWB_MALFORMED, AWB_CHECK_DIGIT_INVALID or "
                "MESSAGE_NOT_TEXT, naming the line"
            ),
            404: OpenApiResponse(
                description="MAWB_UNKNOWN: no such air waybill of yours (or another's)"
            ),
            413: OpenApiResponse(description=f"More than {MAX_MESSAGE_BYTES:,} bytes"),
            415: OpenApiResponse(description="Send the message as text/plain"),
        },
    )
    def post(self, request: Request) -> Response:
        text = request.data
        if not isinstance(text, str):
            raise DomainError(
                "Send one FSU message as text/plain.", code="MESSAGE_NOT_TEXT", status=400
            )
        outcome = services.fsu_message_ingest(reporter=self.organization(request), text=text)
        return Response(
            {
                "awb_number": outcome.awb_number,
                "accepted": outcome.accepted,
                "duplicates": outcome.duplicates,
                "rejected": outcome.rejected,
                "shipments_moved": outcome.shipments_moved,
                "lines": [
                    {k: v for k, v in vars_.items() if v is not None}
                    for vars_ in (asdict(line) for line in outcome.lines)
                ],
            }
        )


FOLLOWER_KINDS: set[str] = {
    OrganizationKind.MARKETPLACE,
    OrganizationKind.MERCHANT,
    OrganizationKind.CARRIER,
    OrganizationKind.GROUND_HANDLER,
    OrganizationKind.CUSTOMS_BROKER,
}


class MilestoneSubscriptionListCreateApi(PartnerApi):
    """Follow a MAWB's or a shipment's milestones (departed, arrived) by webhook. A MAWB
    milestone is one `logistics.master_waybill.milestone` per subscriber listing its house
    waybills, never one per house waybill; a shipment's is `logistics.shipment.milestone`."""

    required_scopes = {"GET": Scope.SHIPMENTS_READ, "POST": Scope.WEBHOOKS_MANAGE}
    allowed_kinds = FOLLOWER_KINDS
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="milestone_subscriptions_list",
        responses=MilestoneSubscriptionOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        subscriptions = selectors.milestone_subscription_list(
            organization=self.organization(request)
        )
        return self.paginated_response(request, subscriptions, MilestoneSubscriptionOutput)

    @extend_schema(
        operation_id="milestone_subscriptions_create",
        request=MilestoneSubscriptionCreateInput,
        responses={
            201: MilestoneSubscriptionOutput,
            200: OpenApiResponse(
                MilestoneSubscriptionOutput, description="You already follow it: that one"
            ),
            400: OpenApiResponse(
                description="Invalid fields, or not exactly one of master_waybill_id and "
                "shipment_id (subscription_target_required)"
            ),
            404: OpenApiResponse(description="No such MAWB or shipment, or not one you see"),
        },
    )
    def post(self, request: Request) -> Response:
        data = MilestoneSubscriptionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, created = services.milestone_subscription_create(
            organization=self.organization(request),
            master_waybill_id=data.validated_data["master_waybill_id"],
            shipment_id=data.validated_data["shipment_id"],
        )
        return Response(
            MilestoneSubscriptionOutput(subscription).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": f"{request.path}{subscription.pk}/"},
        )


class MilestoneSubscriptionDetailApi(PartnerApi):
    required_scopes = {"DELETE": Scope.WEBHOOKS_MANAGE}
    allowed_kinds = FOLLOWER_KINDS

    @extend_schema(
        operation_id="milestone_subscriptions_destroy",
        responses={
            204: OpenApiResponse(description="No longer followed"),
            404: OpenApiResponse(description="No such subscription, or another organisation's"),
        },
    )
    def delete(self, request: Request, subscription_id: uuid.UUID) -> Response:
        services.milestone_subscription_delete(
            organization=self.organization(request), subscription_id=subscription_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


WAYBILL_KINDS: set[str] = {
    OrganizationKind.CARRIER,
    OrganizationKind.GROUND_HANDLER,
    OrganizationKind.CUSTOMS_BROKER,
}


class MasterWaybillListCreateApi(PartnerApi):
    """Master air waybills the organisation records (carriers, ground handlers, brokers)."""

    required_scopes = {"GET": Scope.SHIPMENTS_READ, "POST": Scope.SHIPMENTS_WRITE}
    allowed_kinds = WAYBILL_KINDS
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="master_waybills_list",
        parameters=[
            OpenApiParameter("awb_number", str, required=False, description="PPP-SSSSSSSC"),
        ],
        responses=MasterWaybillOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = MasterWaybillListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        number = query.validated_data.get("awb_number")
        waybills = selectors.master_waybill_list(
            organization=self.organization(request),
            awb_number=awb.parse(number).digits if number else None,
        )
        return self.paginated_response(request, waybills, MasterWaybillOutput)

    @extend_schema(
        operation_id="master_waybills_create",
        request=MasterWaybillCreateInput,
        responses={
            201: MasterWaybillOutput,
            400: OpenApiResponse(
                description="Invalid fields; an AWB number is refused with AWB_MALFORMED, "
                "AWB_CHECK_DIGIT_INVALID or AWB_UNKNOWN_PREFIX on field awb_number"
            ),
            409: OpenApiResponse(description="You already recorded this AWB"),
        },
    )
    def post(self, request: Request) -> Response:
        data = MasterWaybillCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        waybill = services.master_waybill_create(
            organization=self.organization(request),
            awb_number=given["awb_number"],
            pieces=given["pieces"],
            weight_kg=given["weight_kg"],
            origin=given["origin"],
            destination=given["destination"],
            flight_id=given["flight_id"],
        )
        return Response(
            MasterWaybillOutput(waybill).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{waybill.pk}/"},
        )


class MasterWaybillDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.SHIPMENTS_READ}
    allowed_kinds = WAYBILL_KINDS

    @extend_schema(
        operation_id="master_waybills_retrieve",
        responses={
            200: MasterWaybillOutput,
            404: OpenApiResponse(description="No such air waybill, or another organisation's"),
        },
    )
    def get(self, request: Request, master_waybill_id: uuid.UUID) -> Response:
        waybill = selectors.master_waybill_get(
            organization=self.organization(request), master_waybill_id=master_waybill_id
        )
        return Response(MasterWaybillOutput(waybill).data)


class JsonLdRenderer(JSONRenderer):
    media_type = jsonld.MEDIA_TYPE
    format = "jsonld"


class PublicTrackingApi(PublicApi):
    """Where a parcel is, for anyone holding its tracking number: the timeline in normalised
    statuses with places and local times, and the ETA of its flight. No personal data and
    nothing of any tenant. Throttled per client IP; partners get the full view with their key
    at /api/v1/logistics/shipments/{id}/."""

    # Same as PublicApi's empty list at run time; declared so the schema shows it as anonymous.
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, JsonLdRenderer]

    @extend_schema(
        operation_id="public_tracking_retrieve",
        responses={
            (200, "application/json"): PublicTrackingOutput,
            (200, jsonld.MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="With Accept: application/ld+json, a schema.org ParcelDelivery",
            ),
            404: OpenApiResponse(description="No parcel with this tracking number"),
        },
    )
    def get(self, request: Request, tracking_number: str) -> Response:
        if not S10.fullmatch(tracking_number):
            raise NotFound("No parcel with this tracking number.")
        if request.accepted_renderer.media_type == jsonld.MEDIA_TYPE:
            tracking = selectors.public_tracking(tracking_number=tracking_number)
            url = request.build_absolute_uri(reverse("portal:track-detail", args=[tracking_number]))
            return Response(jsonld.parcel_delivery(tracking, tracking_url=url))
        # Rendered by hand: the most-read page, and DRF's nested serializers cost more than the
        # two queries. PublicTrackingOutput documents the same shape (a test holds them equal).
        # Cached until a report about the parcel arrives (see logistics.public_cache).
        return Response(
            public_payload(
                tracking_number,
                lambda: public_tracking_body(
                    selectors.public_tracking(tracking_number=tracking_number)
                ),
            )
        )


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _place(place: selectors.PublicPlace | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "iata": place.iata,
        "name": place.name,
        "country": place.country,
        "time_zone": place.time_zone,
    }


def public_tracking_body(tracking: selectors.PublicTracking) -> dict[str, Any]:
    eta = tracking.eta
    return {
        "tracking_number": tracking.tracking_number,
        "status": tracking.status,
        "status_label": tracking.status_label,
        "status_at": _utc(tracking.status_at),
        "origin": _place(tracking.origin),
        "destination": _place(tracking.destination),
        "eta": None
        if eta is None
        else {"utc": _utc(eta.utc), "local": eta.local, "time_zone": eta.time_zone},
        "events": [
            {
                "status": event.status,
                "code": event.code,
                "description": event.description,
                "place": _place(event.place),
                "occurred_at": _utc(event.occurred_at),
                "local_time": event.local_time,
            }
            for event in tracking.events
        ],
    }


# --- Inbound manifests and ICS2 referrals

MANIFEST_HEADER_CODES = (
    "AWB_MALFORMED, AWB_CHECK_DIGIT_INVALID or AWB_UNKNOWN_PREFIX (awb_number), "
    "FLIGHT_NUMBER_INVALID or FLIGHT_AIRLINE_UNKNOWN (flight_number), FLIGHT_DATE_OUT_OF_RANGE "
    "(flight_date), AIRPORT_UNKNOWN or ORIGIN_IS_HUB (origin)"
)


def _manifest_answer(outcome: services.ManifestOutcome) -> Response:
    manifest = outcome.manifest
    body: dict[str, Any] = {
        "manifest": None,
        "created": outcome.created,
        "duplicates": outcome.duplicates,
        "rejected": outcome.rejected,
        "results": [
            {k: v for k, v in asdict(result).items() if v is not None} for result in outcome.results
        ],
    }
    if manifest.pk is not None and manifest.parcels.exists():
        body["manifest"] = ManifestOutput(
            selectors.manifest_get(carrier=manifest.carrier, manifest_id=manifest.pk)
        ).data
    return Response(body)


class ManifestListCreateApi(PartnerApi):
    """A carrier's manifests of inbound parcels flown into the hub.

    `POST` records one MAWB's manifest with up to 1,000 parcels. The header is checked whole (a
    bad one stores nothing); each parcel is answered in order as `created`, `duplicate` (its
    reference is already on this manifest: sending a manifest again adds nothing) or
    `rejected` with a stable `code` and the `field` at fault. The good parcels are stored even
    when others are bad. Each new parcel is an inbound shipment held until customs releases
    the H7/H1 filing that names its reference."""

    required_scopes = {"GET": Scope.SHIPMENTS_READ, "POST": Scope.SHIPMENTS_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}
    pagination_class = CreatedCursorPagination

    @extend_schema(operation_id="manifests_list", responses=ManifestOutput(many=True))
    def get(self, request: Request) -> Response:
        found = selectors.manifest_list(carrier=self.organization(request))
        return self.paginated_response(request, found, ManifestOutput)

    @extend_schema(
        operation_id="manifests_create",
        request=ManifestCreateInput,
        responses={
            200: OpenApiResponse(
                ManifestOutcomeOutput, description="One result per parcel, in order"
            ),
            400: OpenApiResponse(
                description="Not a manifest, or a bad header: " + MANIFEST_HEADER_CODES
            ),
            409: OpenApiResponse(
                description="MANIFEST_FLIGHT_DIFFERS: this MAWB was manifested on another flight"
            ),
            413: OpenApiResponse(
                description=f"More than {manifests.MAX_MANIFEST_PARCELS:,} parcels: "
                "MANIFEST_TOO_LARGE"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("parcels"), list):
            raise DomainError(
                'Send a manifest: {"awb_number", "flight_number", "flight_date", "origin", '
                '"parcels": [...]}.',
                code="MANIFEST_INVALID",
                field="parcels",
                status=400,
            )
        header = ManifestHeaderInput(data={k: v for k, v in body.items() if k != "parcels"})
        header.is_valid(raise_exception=True)
        given = header.validated_data
        outcome = services.manifest_record(
            carrier=self.organization(request),
            awb_number=given["awb_number"],
            flight_number=given["flight_number"],
            flight_date=given["flight_date"],
            origin=given["origin"],
            parcels=body["parcels"],
        )
        return _manifest_answer(outcome)


# The CSV's columns: the JSON parcel's fields; hs_codes separated by spaces or semicolons.
CSV_COLUMNS = manifests.PARCEL_FIELDS
CSV_REQUIRED = frozenset(
    {"parcel_reference", "consignee_country", "weight_kg", "declared_value", "currency"}
)


def _csv_parcels(text: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The CSV's rows as parcels, with the line each starts on; a bad header is a 400."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        unknown = sorted(set(header) - set(CSV_COLUMNS))
        if unknown:
            raise DomainError(
                f"Unknown column {unknown[0]!r}; the columns are {', '.join(CSV_COLUMNS)}.",
                code="CSV_COLUMN_UNKNOWN",
                field=unknown[0],
                status=400,
            )
        missing = sorted(CSV_REQUIRED - set(header))
        if missing or len(set(header)) != len(header):
            raise DomainError(
                "The first line names the columns, each once: "
                f"{', '.join(sorted(CSV_REQUIRED))} at least.",
                code="CSV_HEADER_INVALID",
                field=missing[0] if missing else None,
                status=400,
            )
        parcels: list[dict[str, Any]] = []
        lines: list[int] = []
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
                parcel: dict[str, Any] = {k: v for k, v in cells.items() if v != ""}
                if "hs_codes" in parcel:
                    parcel["hs_codes"] = parcel["hs_codes"].replace(";", " ").split()
                parcels.append(parcel)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as broken:
        raise DomainError(
            f"Not CSV: {broken}.", code="CSV_MALFORMED", field=f"line.{reader.line_num}", status=400
        ) from None
    return parcels, lines


class ManifestCsvApi(PartnerApi):
    """The same manifest as CSV (`text/csv`, UTF-8): the header in the query string, one
    parcel per row under a first line naming the columns (`parcel_reference,
    consignee_country, weight_kg, length_cm, width_cm, height_cm, declared_value, currency,
    hs_codes`; hs_codes separated by spaces or semicolons; empty cells are absent). The same
    rules and codes as the JSON manifest; `line` in each result is the row's line in the file."""

    required_scopes = {"POST": Scope.SHIPMENTS_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}
    parser_classes = [CsvParser]

    @extend_schema(
        operation_id="manifests_csv_create",
        parameters=[
            OpenApiParameter("awb_number", str, required=True, description="PPP-SSSSSSSC"),
            OpenApiParameter("flight_number", str, required=True),
            OpenApiParameter("flight_date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("origin", str, required=True, description="IATA code"),
        ],
        request={"text/csv": OpenApiTypes.STR},
        responses={
            200: OpenApiResponse(ManifestOutcomeOutput, description="One result per row"),
            400: OpenApiResponse(
                description="Bad query or header line: CSV_COLUMN_UNKNOWN, CSV_HEADER_INVALID, "
                "CSV_MALFORMED, CSV_NOT_TEXT, " + MANIFEST_HEADER_CODES
            ),
            409: OpenApiResponse(description="MANIFEST_FLIGHT_DIFFERS"),
            413: OpenApiResponse(
                description=f"More than {manifests.MAX_MANIFEST_PARCELS:,} rows or "
                f"{MAX_CSV_BYTES:,} bytes: MANIFEST_TOO_LARGE"
            ),
            415: OpenApiResponse(description="Send the manifest as text/csv"),
        },
    )
    def post(self, request: Request) -> Response:
        query = ManifestCsvQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = request.data
        if not isinstance(text, str):
            raise DomainError("Send the manifest as text/csv.", code="CSV_NOT_TEXT", status=400)
        header = ManifestHeaderInput(data=query.validated_data)
        header.is_valid(raise_exception=True)
        given = header.validated_data
        parcels, lines = _csv_parcels(text)
        outcome = services.manifest_record(
            carrier=self.organization(request),
            awb_number=given["awb_number"],
            flight_number=given["flight_number"],
            flight_date=given["flight_date"],
            origin=given["origin"],
            parcels=parcels,
            lines=lines,
        )
        return _manifest_answer(outcome)


class ManifestDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.SHIPMENTS_READ}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="manifests_retrieve",
        responses={
            200: ManifestDetailOutput,
            404: OpenApiResponse(description="No such manifest, or another carrier's"),
        },
    )
    def get(self, request: Request, manifest_id: uuid.UUID) -> Response:
        manifest = selectors.manifest_get(
            carrier=self.organization(request), manifest_id=manifest_id
        )
        parcels = selectors.manifest_parcels(manifest=manifest)
        return Response(
            {
                **ManifestOutput(manifest).data,
                "parcels": InboundParcelOutput(parcels, many=True).data,
            }
        )


class ShipmentIcs2ReferralApi(PartnerApi):
    """The carrier records an ICS2 referral on one of its parcels (manifested inbound, or
    booked on its flight): `do_not_load` (final: never loaded; a booked parcel comes off its
    flight), or `request_for_information` / `request_for_screening` (loading blocked until
    lifted). Sending one already active answers it unchanged (200)."""

    required_scopes = {"POST": Scope.SHIPMENTS_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="shipments_ics2_referrals_create",
        request=Ics2ReferralInput,
        responses={
            201: Ics2ReferralOutput,
            200: OpenApiResponse(Ics2ReferralOutput, description="Already active: that one"),
            400: OpenApiResponse(description="Invalid fields (problem+json with `errors`)"),
            404: OpenApiResponse(description="No such shipment of yours"),
            409: OpenApiResponse(description="shipment_delivered"),
        },
    )
    def post(self, request: Request, shipment_id: uuid.UUID) -> Response:
        data = Ics2ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        outcome = services.shipment_ics2_referral_place(
            shipment_id=shipment_id,
            kind=given["kind"],
            reference=given["reference"],
            reason=given["reason"],
            carrier=self.organization(request),
        )
        return Response(
            Ics2ReferralOutput(outcome.block).data,
            status=status.HTTP_201_CREATED if outcome.changed else status.HTTP_200_OK,
        )


class ShipmentIcs2ReferralLiftApi(PartnerApi):
    """The carrier lifts an ICS2 request for information or screening (ICS2 cleared it); only
    that block goes. Lifting one already lifted answers it unchanged."""

    required_scopes = {"POST": Scope.SHIPMENTS_WRITE}
    allowed_kinds = {OrganizationKind.CARRIER}

    @extend_schema(
        operation_id="shipments_ics2_referrals_lift",
        request=Ics2ReferralLiftInput,
        responses={
            200: Ics2ReferralOutput,
            400: OpenApiResponse(description="Invalid fields (problem+json with `errors`)"),
            404: OpenApiResponse(description="No such shipment of yours"),
            409: OpenApiResponse(
                description="do_not_load_final (a do-not-load is never lifted) or "
                "referral_not_active (none was placed)"
            ),
        },
    )
    def post(self, request: Request, shipment_id: uuid.UUID) -> Response:
        data = Ics2ReferralLiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        outcome = services.shipment_ics2_referral_lift(
            shipment_id=shipment_id,
            kind=given["kind"],
            reason=given["reason"],
            carrier=self.organization(request),
        )
        return Response(Ics2ReferralOutput(outcome.block).data)
