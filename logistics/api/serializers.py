"""Input (strict) and output shapes of the logistics API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ewtp.core.api.serializers import StrictSerializer
from logistics import awb
from logistics.models import (
    ICS2_KINDS,
    BlockKind,
    BlockSource,
    FlightStatus,
    ShipmentDirection,
    ShipmentStatus,
)
from logistics.services import manifests
from logistics.services.subscriptions import MILESTONES
from logistics.services.tracking_batch import (
    ACCEPTED,
    DUPLICATE,
    MAX_BATCH,
    REJECTED,
    REJECTION_CODES,
)
from logistics.tracking_codes import TRACKING_CODE_TABLE, TRACKING_CODES, TrackingStatus

TRACKING_CODE_HELP = "Raw tracking code: IATA Cargo-IMP (MAWB level) or a hub/last-mile scan. " + (
    "; ".join(f"{spec.code} → {spec.status.value}" for spec in TRACKING_CODE_TABLE)
)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its offset; a time without one is ambiguous and refused."""

    default_error_messages = {"naive": "Give the UTC offset, e.g. 2026-11-25T14:03:00Z."}

    def enforce_timezone(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            self.fail("naive")
        return super().enforce_timezone(value)


class WeightField(serializers.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "enum": FlightStatus.values}, component_name="FlightStatus")
class FlightStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=FlightStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ShipmentStatus.values}, component_name="ShipmentStatus"
)
class ShipmentStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ShipmentStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": TrackingStatus.values}, component_name="TrackingStatus"
)
class TrackingStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TrackingStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(TRACKING_CODES), "description": TRACKING_CODE_HELP},
    component_name="TrackingCode",
)
class TrackingCodeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[(code, code) for code in TRACKING_CODES], **kwargs)


class FlightOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    number = serializers.CharField()
    service_date = serializers.DateField()
    carrier = serializers.CharField(source="carrier.slug")
    origin = serializers.CharField(source="origin_id")
    destination = serializers.CharField(source="destination_id")
    departure_at = serializers.DateTimeField()
    cutoff_at = serializers.DateTimeField()
    capacity_kg = WeightField()
    booked_kg = WeightField()
    status = FlightStatusField()


class FlightListQuery(serializers.Serializer[Any]):
    destination = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    departing_after = AwareDateTimeField(required=False)


class FlightSummaryOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    number = serializers.CharField()
    departure_at = serializers.DateTimeField()
    cutoff_at = serializers.DateTimeField()
    origin = serializers.CharField(source="origin_id")
    destination = serializers.CharField(source="destination_id")


class TrackingEventOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    event_id = serializers.CharField(source="partner_event_id")
    code = TrackingCodeField()
    status = TrackingStatusField()
    location = serializers.CharField(allow_blank=True)
    remarks = serializers.CharField(allow_blank=True)
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()


@extend_schema_field(
    {"type": "string", "enum": ShipmentDirection.values}, component_name="ShipmentDirection"
)
class ShipmentDirectionField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ShipmentDirection.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": BlockKind.values}, component_name="BlockKind")
class BlockKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=BlockKind.choices, **kwargs)


class ShipmentBlockOutput(serializers.Serializer[Any]):
    kind = BlockKindField()
    # The output key is "source"; the stubs type Field.source as the attribute path.
    source = serializers.ChoiceField(choices=BlockSource.choices)  # type: ignore[assignment]
    reference = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    placed_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)
    lifted_reason = serializers.CharField(allow_blank=True)


class ShipmentOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    direction = ShipmentDirectionField(
        help_text="outbound: an order's goods from the hub; inbound: a manifested parcel"
    )
    order_id = serializers.UUIDField(allow_null=True, help_text="Empty for an inbound parcel")
    order_reference = serializers.CharField(allow_blank=True)
    tracking_number = serializers.CharField()
    status = ShipmentStatusField()
    loading_blocked = serializers.BooleanField(
        source="customs_hold",
        help_text="A customs hold or an ICS2 referral is active: the parcel is not loaded",
    )
    marketplace = serializers.CharField(source="marketplace.slug", allow_null=True, default=None)
    merchant = serializers.CharField(source="merchant.slug", allow_null=True, default=None)
    consignee_country = serializers.CharField()
    destination_airport = serializers.CharField(source="destination_id")
    weight_kg = WeightField()
    carrier = serializers.CharField(source="carrier.slug", allow_null=True, default=None)
    flight = FlightSummaryOutput(allow_null=True)
    tracking_status = TrackingStatusField()
    tracking_status_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    routed_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class ShipmentTrackingEventOutput(TrackingEventOutput):
    awb_number = serializers.CharField(
        source="master_waybill.awb_display",
        allow_null=True,
        default=None,
        help_text="Set when the report is about the parcel's master air waybill",
    )


class ShipmentDetailOutput(ShipmentOutput):
    house_waybill = serializers.CharField(
        source="house_waybill.number", allow_null=True, default=None
    )
    awb_number = serializers.CharField(
        source="house_waybill.master_waybill.awb_display", allow_null=True, default=None
    )
    tracking_events = serializers.SerializerMethodField(
        help_text="The parcel's reports and its MAWB's, in time order"
    )
    blocks = serializers.SerializerMethodField(
        help_text="Customs holds and ICS2 referrals, active and lifted, oldest first"
    )

    @extend_schema_field(ShipmentBlockOutput(many=True))
    def get_blocks(self, shipment: Any) -> list[dict[str, Any]]:
        return ShipmentBlockOutput(shipment.blocks.all(), many=True).data  # type: ignore[return-value]

    @extend_schema_field(ShipmentTrackingEventOutput(many=True))
    def get_tracking_events(self, shipment: Any) -> list[dict[str, Any]]:
        timeline = self.context["timeline"]
        return ShipmentTrackingEventOutput(timeline, many=True).data  # type: ignore[return-value]


class ShipmentListQuery(serializers.Serializer[Any]):
    order_id = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)


class ShipmentOffloadInput(StrictSerializer):
    reason = serializers.CharField(
        max_length=500, help_text="Why the parcel comes off the flight (weight and balance, damage)"
    )


class TrackingEventCreateInput(StrictSerializer):
    tracking_number = serializers.RegexField(r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
    event_id = serializers.RegexField(
        r"^[\x21-\x7e]{1,100}$", help_text="Your id of this report; resending it is a no-op"
    )
    code = TrackingCodeField()
    occurred_at = AwareDateTimeField()
    location = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, default="", help_text="IATA airport code"
    )
    remarks = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TrackingEventRecordedOutput(TrackingEventOutput):
    tracking_number = serializers.CharField(source="shipment.tracking_number")
    shipment_id = serializers.UUIDField()
    shipment_status = ShipmentStatusField(source="shipment.status")


# --- Master air waybills


class AwbNumberField(serializers.CharField):
    """An air waybill number, PPP-SSSSSSSC (or the 11 digits); its check digit is checked here
    and its prefix against the airlines we know by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "Air waybill number, e.g. 020-12345675")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            awb.parse(text)
        except awb.AwbInvalid as invalid:
            raise serializers.ValidationError(invalid.detail, code=invalid.code) from None
        return text


class MasterWaybillCreateInput(StrictSerializer):
    awb_number = AwbNumberField()
    origin = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, allow_null=True, default=None, help_text="IATA code"
    )
    destination = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, allow_null=True, default=None, help_text="IATA code"
    )
    flight_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of your flights"
    )
    pieces = serializers.IntegerField(min_value=1, max_value=100_000)
    weight_kg = serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=Decimal("0.001"), help_text="Gross weight"
    )

    def validate_weight_kg(self, value: Decimal) -> Decimal:
        if isinstance(self.initial_data.get("weight_kg"), float):
            # a float cannot carry an exact weight; send a string
            raise serializers.ValidationError("Send the weight as a string.", code="invalid")
        return value


class MasterWaybillOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    awb_number = serializers.CharField(source="awb_display", help_text="PPP-SSSSSSSC")
    airline = serializers.CharField(source="airline.name")
    airline_code = serializers.CharField(source="airline.iata_code")
    origin = serializers.CharField(source="origin_id", allow_null=True)
    destination = serializers.CharField(source="destination_id", allow_null=True)
    flight = FlightSummaryOutput(allow_null=True)
    pieces = serializers.IntegerField()
    weight_kg = WeightField()
    created_at = serializers.DateTimeField()


class MasterWaybillListQuery(serializers.Serializer[Any]):
    awb_number = AwbNumberField(required=False)


# --- Bulk tracking ingest (documentation only: the hot path validates in plain Python)


class TrackingEventBatchItemInput(serializers.Serializer[Any]):
    event_id = serializers.CharField(
        max_length=100, help_text="Your id of this report; resending it is a no-op"
    )
    tracking_number = serializers.CharField(
        required=False, help_text="The parcel (UPU S10); or give awb_number"
    )
    awb_number = serializers.CharField(
        required=False,
        help_text="A master air waybill of yours, for Cargo-IMP codes; or give tracking_number",
    )
    code = TrackingCodeField()
    occurred_at = serializers.DateTimeField(help_text="ISO 8601 with offset; at most 5 min ahead")
    location = serializers.CharField(required=False, allow_blank=True, help_text="IATA code")
    remarks = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TrackingEventBatchInput(serializers.Serializer[Any]):
    events = serializers.ListField(child=TrackingEventBatchItemInput(), max_length=MAX_BATCH)


@extend_schema_field(
    {"type": "string", "enum": list(REJECTION_CODES)}, component_name="TrackingRejectionCode"
)
class RejectionCodeField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "string", "enum": [ACCEPTED, DUPLICATE, REJECTED]},
    component_name="TrackingBatchResult",
)
class BatchResultField(serializers.CharField):
    pass


class TrackingEventBatchResultOutput(serializers.Serializer[Any]):
    result = BatchResultField()
    event_id = serializers.CharField(allow_null=True, required=False)
    id = serializers.UUIDField(required=False, help_text="The stored report (accepted only)")
    code = RejectionCodeField(required=False, help_text="Why it was rejected")
    field = serializers.CharField(required=False, help_text="The field at fault")
    message = serializers.CharField(required=False)


class TrackingEventBatchOutput(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    shipments_moved = serializers.IntegerField()
    results = TrackingEventBatchResultOutput(
        many=True, help_text="One per event, in the order sent"
    )


class FsuLineOutput(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="1-based line number in the message")
    status_code = serializers.CharField(help_text="The Cargo-IMP status code, e.g. DEP")
    result = BatchResultField()
    event_id = serializers.CharField(help_text="Derived from the line: the same on a replay")
    id = serializers.UUIDField(required=False, help_text="The stored report (accepted only)")
    code = RejectionCodeField(required=False, help_text="Why it was rejected")
    field = serializers.CharField(required=False, help_text="The field at fault")
    message = serializers.CharField(required=False)


class FsuOutcomeOutput(serializers.Serializer[Any]):
    awb_number = serializers.CharField(help_text="PPP-SSSSSSSC")
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    shipments_moved = serializers.IntegerField()
    lines = FsuLineOutput(many=True, help_text="One per status line, in message order")


class MilestoneSubscriptionCreateInput(StrictSerializer):
    master_waybill_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A MAWB you recorded or carry"
    )
    shipment_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A shipment you may see"
    )


class MilestoneSubscriptionOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    master_waybill_id = serializers.UUIDField(allow_null=True)
    awb_number = serializers.CharField(
        source="master_waybill.awb_display", allow_null=True, default=None
    )
    shipment_id = serializers.UUIDField(allow_null=True)
    tracking_number = serializers.CharField(
        source="shipment.tracking_number", allow_null=True, default=None
    )
    milestones = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_milestones(self, subscription: Any) -> list[str]:
        return sorted(MILESTONES)


# --- Public tracking (no personal data: no consignee, merchant, marketplace or order)


class PublicPlaceOutput(serializers.Serializer[Any]):
    iata = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    time_zone = serializers.CharField(allow_null=True)


class PublicTimeOutput(serializers.Serializer[Any]):
    utc = serializers.DateTimeField(help_text="ISO 8601, UTC")
    local = serializers.CharField(
        allow_null=True, help_text="The same instant in the place's time zone, with its offset"
    )
    time_zone = serializers.CharField(allow_null=True)


class PublicTrackingEventOutput(serializers.Serializer[Any]):
    status = TrackingStatusField()
    code = serializers.CharField(help_text="The raw code as reported")
    description = serializers.CharField()
    place = PublicPlaceOutput(allow_null=True)
    occurred_at = serializers.DateTimeField(help_text="ISO 8601, UTC")
    local_time = serializers.CharField(allow_null=True, help_text="Local time at the place")


class PublicTrackingOutput(serializers.Serializer[Any]):
    tracking_number = serializers.CharField()
    status = TrackingStatusField()
    status_label = serializers.CharField()
    status_at = serializers.DateTimeField(allow_null=True)
    origin = PublicPlaceOutput()
    destination = PublicPlaceOutput()
    eta = PublicTimeOutput(allow_null=True, help_text="Scheduled arrival of the parcel's flight")
    events = PublicTrackingEventOutput(many=True, help_text="Oldest first")


# --- Inbound manifests


class ManifestHeaderInput(StrictSerializer):
    awb_number = AwbNumberField(help_text="The MAWB, e.g. 020-12345675")
    flight_number = serializers.CharField(max_length=10, help_text="e.g. CK263")
    flight_date = serializers.DateField(help_text="Scheduled arrival date at the hub (UTC)")
    origin = serializers.CharField(max_length=3, help_text="IATA code of the departure airport")


class ManifestParcelInput(serializers.Serializer[Any]):
    """One parcel (documentation only: parcels are checked one by one by the service)."""

    parcel_reference = serializers.CharField(
        max_length=35, help_text="Your tracking or house waybill number (letters and digits)"
    )
    consignee_country = serializers.CharField(help_text="ISO 3166-1 alpha-2, an EU state")
    weight_kg = serializers.DecimalField(max_digits=7, decimal_places=3)
    length_cm = serializers.DecimalField(max_digits=4, decimal_places=1, required=False)
    width_cm = serializers.DecimalField(max_digits=4, decimal_places=1, required=False)
    height_cm = serializers.DecimalField(max_digits=4, decimal_places=1, required=False)
    declared_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="A decimal string, never a float"
    )
    currency = serializers.CharField(help_text="ISO 4217")
    hs_codes = serializers.ListField(
        child=serializers.RegexField(r"^[0-9]{6,10}$"), required=False, max_length=20
    )


class ManifestCreateInput(ManifestHeaderInput):
    parcels = serializers.ListField(
        child=ManifestParcelInput(), max_length=manifests.MAX_MANIFEST_PARCELS
    )


@extend_schema_field(
    {"type": "string", "enum": list(manifests.PARCEL_CODES)}, component_name="ManifestParcelCode"
)
class ManifestParcelCodeField(serializers.CharField):
    pass


@extend_schema_field(
    {
        "type": "string",
        "enum": [manifests.CREATED, manifests.DUPLICATE, manifests.REJECTED],
    },
    component_name="ManifestParcelResult",
)
class ManifestParcelResultField(serializers.CharField):
    pass


class ManifestParcelResultOutput(serializers.Serializer[Any]):
    result = ManifestParcelResultField()
    line = serializers.IntegerField(help_text="The parcel's position (JSON) or line (CSV)")
    parcel_reference = serializers.CharField(required=False)
    shipment_id = serializers.UUIDField(required=False)
    tracking_number = serializers.CharField(required=False, help_text="The hub's (S10)")
    code = ManifestParcelCodeField(required=False, help_text="Why it was rejected")
    field = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class ManifestOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    awb_number = serializers.CharField(source="awb_display", help_text="PPP-SSSSSSSC")
    airline_code = serializers.CharField(source="airline.iata_code")
    flight_number = serializers.CharField()
    flight_date = serializers.DateField()
    origin = serializers.CharField(source="origin_id")
    parcel_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ManifestOutcomeOutput(serializers.Serializer[Any]):
    manifest = ManifestOutput(allow_null=True, help_text="Empty when every parcel was refused")
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ManifestParcelResultOutput(many=True)


class InboundParcelOutput(serializers.Serializer[Any]):
    shipment_id = serializers.UUIDField()
    parcel_reference = serializers.CharField()
    tracking_number = serializers.CharField(source="shipment.tracking_number")
    status = ShipmentStatusField(source="shipment.status")
    tracking_status = TrackingStatusField(source="shipment.tracking_status")
    consignee_country = serializers.CharField(source="shipment.consignee_country")
    weight_kg = WeightField(source="shipment.weight_kg")
    declared_value = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    hs_codes = serializers.ListField(child=serializers.CharField())
    loading_blocked = serializers.BooleanField(source="shipment.customs_hold")
    blocks = serializers.SerializerMethodField(help_text="The active blocks")

    @extend_schema_field(ShipmentBlockOutput(many=True))
    def get_blocks(self, parcel: Any) -> list[dict[str, Any]]:
        active = [b for b in parcel.shipment.blocks.all() if b.lifted_at is None]
        return ShipmentBlockOutput(active, many=True).data  # type: ignore[return-value]


class ManifestDetailOutput(ManifestOutput):
    parcels = InboundParcelOutput(many=True)


class ManifestCsvQuery(serializers.Serializer[Any]):
    awb_number = serializers.CharField(max_length=20)
    flight_number = serializers.CharField(max_length=10)
    flight_date = serializers.DateField()
    origin = serializers.CharField(max_length=3)


# --- ICS2 referrals


class Ics2ReferralInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in ICS2_KINDS])
    reference = serializers.CharField(
        max_length=70, required=False, allow_blank=True, default="", help_text="ICS2's number"
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class Ics2ReferralLiftInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in ICS2_KINDS])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class Ics2ReferralOutput(ShipmentBlockOutput):
    shipment_id = serializers.UUIDField()
    tracking_number = serializers.CharField(source="shipment.tracking_number")
    loading_blocked = serializers.BooleanField(source="shipment.customs_hold")


class VolumeField(serializers.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


class BagOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    number = serializers.CharField()
    gross_kg = WeightField(help_text="Its parcels plus the bag's tare")
    tare_kg = WeightField()
    max_kg = WeightField()
    volume_m3 = VolumeField()
    parcels = serializers.IntegerField()


class UldLoadOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="load.id")
    uld_type = serializers.CharField(source="load.uld_type_id")
    position = serializers.IntegerField(source="load.position")
    uld_id = serializers.CharField(
        source="load.uld_id", allow_null=True, help_text="The unit, once named at build-up"
    )
    gross_kg = WeightField(source="load.gross_kg", help_text="Tare plus bags and loose pieces")
    max_gross_kg = WeightField(source="load.uld_type.max_gross_kg")
    tare_kg = WeightField(source="load.uld_type.tare_kg")
    volume_m3 = VolumeField(source="load.volume_m3")
    max_volume_m3 = VolumeField(source="load.uld_type.volume_m3")
    bags = BagOutput(many=True)
    loose_parcels = serializers.IntegerField(help_text="Pieces too heavy for a bag")


class UldPositionsOutput(serializers.Serializer[Any]):
    uld_type = serializers.CharField()
    positions = serializers.IntegerField(help_text="Offered by the flight")
    built = serializers.IntegerField(help_text="Built up with cargo")


class BulkLoadOutput(serializers.Serializer[Any]):
    bags = BagOutput(many=True)
    loose_parcels = serializers.IntegerField()


class FlightLoadPlanOutput(serializers.Serializer[Any]):
    flight = FlightOutput()
    bag_max_kg = WeightField()
    positions = serializers.SerializerMethodField()
    ulds = UldLoadOutput(many=True)
    bulk = serializers.SerializerMethodField()

    @extend_schema_field(UldPositionsOutput(many=True))
    def get_positions(self, plan: Any) -> list[dict[str, Any]]:
        return [
            {"uld_type": code, "positions": count, "built": built}
            for code, count, built in plan.positions
        ]

    @extend_schema_field(BulkLoadOutput)
    def get_bulk(self, plan: Any) -> dict[str, Any]:
        return dict(
            BulkLoadOutput({"bags": plan.bulk_bags, "loose_parcels": plan.bulk_loose_parcels}).data
        )
