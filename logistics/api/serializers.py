"""Input (strict) and output shapes of the logistics API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ewtp.core.api.serializers import StrictSerializer
from logistics.models import FlightStatus, ShipmentStatus, TrackingCode, TrackingStatus


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
    {
        "type": "string",
        "enum": TrackingCode.values,
        "description": "IATA Cargo-IMP status code",
    },
    component_name="TrackingCode",
)
class TrackingCodeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TrackingCode.choices, **kwargs)


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


class ShipmentOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    order_reference = serializers.CharField()
    tracking_number = serializers.CharField()
    status = ShipmentStatusField()
    marketplace = serializers.CharField(source="marketplace.slug")
    merchant = serializers.CharField(source="merchant.slug")
    consignee_country = serializers.CharField()
    destination_airport = serializers.CharField(source="destination_id")
    weight_kg = WeightField()
    carrier = serializers.CharField(source="carrier.slug", allow_null=True, default=None)
    flight = FlightSummaryOutput(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    routed_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class ShipmentDetailOutput(ShipmentOutput):
    tracking_events = TrackingEventOutput(many=True)


class ShipmentListQuery(serializers.Serializer[Any]):
    order_id = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)


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
