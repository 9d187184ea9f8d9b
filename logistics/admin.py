"""The hub's view of airports, flights (with their load) and shipments (with their tracking).

Read-only: routing and tracking change them through the logistics services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from logistics.models import Airport, Flight, Shipment, ShipmentStatusChange, TrackingEvent

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    AirportAdminBase = admin.ModelAdmin[Airport]
    FlightAdminBase = admin.ModelAdmin[Flight]
    ShipmentAdminBase = admin.ModelAdmin[Shipment]
    EventInlineBase = admin.TabularInline[TrackingEvent, Shipment]
    ChangeInlineBase = admin.TabularInline[ShipmentStatusChange, Shipment]
else:
    AirportAdminBase = FlightAdminBase = ShipmentAdminBase = admin.ModelAdmin
    EventInlineBase = ChangeInlineBase = admin.TabularInline


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Airport)
class AirportAdmin(ReadOnly, AirportAdminBase):
    list_display = ["iata", "name", "city", "country", "timezone"]
    search_fields = ["iata", "name", "city"]


@admin.register(Flight)
class FlightAdmin(ReadOnly, FlightAdminBase):
    list_display = [
        "number",
        "service_date",
        "destination",
        "departure_at",
        "cutoff_at",
        "capacity_kg",
        "booked_kg",
        "remaining",
        "status",
        "carrier",
    ]
    list_filter = ["status", "destination", "carrier"]
    list_select_related = ["carrier"]
    date_hierarchy = "departure_at"
    search_fields = ["number"]

    @admin.display(description="Remaining kg")
    def remaining(self, flight: Flight) -> Decimal:
        return flight.remaining_kg


class TrackingEventInline(ReadOnly, EventInlineBase):
    model = TrackingEvent
    extra = 0
    fields = readonly_fields = (
        "occurred_at",
        "code",
        "status",
        "location",
        "carrier",
        "partner_event_id",
        "received_at",
    )


class ShipmentStatusChangeInline(ReadOnly, ChangeInlineBase):
    model = ShipmentStatusChange
    extra = 0
    fields = readonly_fields = (
        "changed_at",
        "from_status",
        "to_status",
        "reason",
    )


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly, ShipmentAdminBase):
    list_display = [
        "tracking_number",
        "order_reference",
        "status",
        "destination",
        "weight_kg",
        "flight",
        "carrier",
        "created_at",
    ]
    list_filter = ["status", "destination", "carrier"]
    list_select_related = ["flight", "carrier"]
    search_fields = ["tracking_number", "order_reference", "=order_id"]
    date_hierarchy = "created_at"
    inlines = [ShipmentStatusChangeInline, TrackingEventInline]
