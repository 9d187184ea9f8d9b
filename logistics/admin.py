"""The hub's view of airports, airlines, ULDs, waybills, flights (with their load) and shipments
(with their tracking).

Read-only except reference data (airlines, ULD types): routing and tracking change the rest
through the logistics services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from ewtp.core.errors import DomainError
from logistics import services
from logistics.models import (
    ICS2_KINDS,
    Airline,
    Airport,
    Bag,
    Flight,
    FlightUldAllotment,
    FreightRate,
    HouseWaybill,
    InboundParcel,
    Manifest,
    MasterWaybill,
    Shipment,
    ShipmentBlock,
    ShipmentException,
    ShipmentStatusChange,
    TrackingEvent,
    UldLoad,
    UldType,
    UnitLoadDevice,
)

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    AirportAdminBase = admin.ModelAdmin[Airport]
    AirlineAdminBase = admin.ModelAdmin[Airline]
    UldTypeAdminBase = admin.ModelAdmin[UldType]
    UldAdminBase = admin.ModelAdmin[UnitLoadDevice]
    MasterWaybillAdminBase = admin.ModelAdmin[MasterWaybill]
    FlightAdminBase = admin.ModelAdmin[Flight]
    ShipmentAdminBase = admin.ModelAdmin[Shipment]
    ShipmentExceptionAdminBase = admin.ModelAdmin[ShipmentException]
    EventInlineBase = admin.TabularInline[TrackingEvent, Shipment]
    MawbEventInlineBase = admin.TabularInline[TrackingEvent, MasterWaybill]
    HouseInlineBase = admin.TabularInline[HouseWaybill, MasterWaybill]
    ChangeInlineBase = admin.TabularInline[ShipmentStatusChange, Shipment]
    FreightRateAdminBase = admin.ModelAdmin[FreightRate]
    ManifestAdminBase = admin.ModelAdmin[Manifest]
    ParcelInlineBase = admin.TabularInline[InboundParcel, Manifest]
    ShipmentBlockAdminBase = admin.ModelAdmin[ShipmentBlock]
    BlockInlineBase = admin.TabularInline[ShipmentBlock, Shipment]
    BlockFormBase = forms.ModelForm[ShipmentBlock]
    AllotmentAdminBase = admin.ModelAdmin[FlightUldAllotment]
    UldLoadAdminBase = admin.ModelAdmin[UldLoad]
    BagAdminBase = admin.ModelAdmin[Bag]
    AllotmentInlineBase = admin.TabularInline[FlightUldAllotment, Flight]
    UldLoadInlineBase = admin.TabularInline[UldLoad, Flight]
    BagInlineBase = admin.TabularInline[Bag, UldLoad]
else:
    AirportAdminBase = AirlineAdminBase = UldTypeAdminBase = UldAdminBase = admin.ModelAdmin
    MasterWaybillAdminBase = FlightAdminBase = ShipmentAdminBase = admin.ModelAdmin
    ShipmentExceptionAdminBase = admin.ModelAdmin
    EventInlineBase = MawbEventInlineBase = HouseInlineBase = ChangeInlineBase = admin.TabularInline
    FreightRateAdminBase = admin.ModelAdmin
    ManifestAdminBase = ShipmentBlockAdminBase = admin.ModelAdmin
    ParcelInlineBase = BlockInlineBase = admin.TabularInline
    BlockFormBase = forms.ModelForm
    AllotmentAdminBase = UldLoadAdminBase = BagAdminBase = admin.ModelAdmin
    AllotmentInlineBase = UldLoadInlineBase = BagInlineBase = admin.TabularInline


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Airport)
class AirportAdmin(ReadOnly, AirportAdminBase):
    list_display = ["iata", "name", "city", "country", "timezone", "served"]
    list_filter = ["served", "country"]
    search_fields = ["iata", "name", "city"]


@admin.register(Airline)
class AirlineAdmin(AirlineAdminBase):
    """Reference data: staff add an airline (with its AWB prefix) that is not seeded."""

    list_display = ["awb_prefix", "iata_code", "name"]
    search_fields = ["awb_prefix", "iata_code", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # waybills refer to it


@admin.register(UldType)
class UldTypeAdmin(UldTypeAdminBase):
    list_display = ["code", "name", "max_gross_kg", "tare_kg", "volume_m3"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitLoadDevice)
class UnitLoadDeviceAdmin(ReadOnly, UldAdminBase):
    list_display = ["uld_id", "uld_type", "owner_code", "created_at"]
    list_filter = ["uld_type"]
    search_fields = ["uld_id"]


class HouseWaybillInline(ReadOnly, HouseInlineBase):
    model = HouseWaybill
    extra = 0
    fields = readonly_fields = ("number", "pieces", "weight_kg", "chargeable_weight_kg")


class MasterWaybillEventInline(ReadOnly, MawbEventInlineBase):
    model = TrackingEvent
    extra = 0
    fields = readonly_fields = ("occurred_at", "code", "status", "location", "carrier")


@admin.register(MasterWaybill)
class MasterWaybillAdmin(ReadOnly, MasterWaybillAdminBase):
    list_display = [
        "awb_display",
        "airline",
        "origin",
        "destination",
        "pieces",
        "weight_kg",
        "organization",
        "created_at",
    ]
    list_filter = ["airline", "destination"]
    list_select_related = ["airline", "organization"]
    search_fields = ["awb_number"]
    date_hierarchy = "created_at"
    inlines = [HouseWaybillInline, MasterWaybillEventInline]

    @admin.display(description="AWB", ordering="awb_number")
    def awb_display(self, waybill: MasterWaybill) -> str:
        return waybill.awb_display


class AllotmentInline(ReadOnly, AllotmentInlineBase):
    model = FlightUldAllotment
    extra = 0
    fields = readonly_fields = ("uld_type", "positions")


class UldLoadInline(ReadOnly, UldLoadInlineBase):
    model = UldLoad
    extra = 0
    fields = readonly_fields = ("uld_type", "position", "uld", "gross_kg", "volume_m3")
    show_change_link = True


@admin.register(Flight)
class FlightAdmin(ReadOnly, FlightAdminBase):
    inlines = [AllotmentInline, UldLoadInline]
    list_display = [
        "number",
        "service_date",
        "destination",
        "departure_at",
        "arrival_at",
        "cutoff_at",
        "capacity_kg",
        "booked_kg",
        "remaining",
        "capacity_m3",
        "booked_m3",
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


@admin.register(FlightUldAllotment)
class FlightUldAllotmentAdmin(AllotmentAdminBase):
    """The ULD positions a carrier gives the hub on a flight (reference data, as ULD types
    are): routing packs bags into them from its next run. A flight with none loads in bulk."""

    list_display = ["flight", "uld_type", "positions"]
    list_filter = ["uld_type"]
    list_select_related = ["flight"]
    search_fields = ["flight__number"]
    autocomplete_fields = ["flight"]


class BagInline(ReadOnly, BagInlineBase):
    model = Bag
    extra = 0
    fields = readonly_fields = ("number", "parcels", "gross_kg", "max_kg", "volume_m3")


@admin.register(UldLoad)
class UldLoadAdmin(ReadOnly, UldLoadAdminBase):
    """Units built up by the routing plan (read-only: routing writes them)."""

    list_display = ["flight", "uld_type", "position", "uld", "gross_kg", "volume_m3"]
    list_filter = ["uld_type"]
    list_select_related = ["flight"]
    search_fields = ["flight__number"]
    inlines = [BagInline]


@admin.register(Bag)
class BagAdmin(ReadOnly, BagAdminBase):
    """Bags built by the routing plan (read-only: routing writes them)."""

    list_display = ["number", "flight", "destination", "uld_load", "parcels", "gross_kg", "max_kg"]
    list_select_related = ["flight", "uld_load"]
    list_filter = ["destination"]
    search_fields = ["number", "flight__number"]


@admin.register(ShipmentException)
class ShipmentExceptionAdmin(ReadOnly, ShipmentExceptionAdminBase):
    """Staff resolve exceptions in the hub's queue (/hub/exceptions/), with a note."""

    list_display = ["shipment", "kind", "tracking_status", "since", "detected_at", "resolved_at"]
    list_filter = ["kind", "tracking_status"]
    search_fields = ["shipment__tracking_number"]
    list_select_related = ["shipment"]
    date_hierarchy = "detected_at"


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


class ShipmentBlockInline(ReadOnly, BlockInlineBase):
    model = ShipmentBlock
    extra = 0
    fields = readonly_fields = (
        "kind",
        "source",
        "reference",
        "reason",
        "placed_at",
        "lifted_at",
        "lifted_reason",
    )


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly, ShipmentAdminBase):
    list_display = [
        "tracking_number",
        "direction",
        "order_reference",
        "status",
        "tracking_status",
        "destination",
        "weight_kg",
        "volume_m3",
        "service_level",
        "flight",
        "carrier",
        "waiting_reason",
        "customs_hold",
        "created_at",
    ]
    list_filter = [
        "direction",
        "status",
        "tracking_status",
        "waiting_reason",
        "customs_hold",
        "service_level",
        "destination",
        "carrier",
    ]
    list_select_related = ["flight", "carrier"]
    search_fields = [
        "tracking_number",
        "order_reference",
        "=order_id",
        "=inbound__parcel_reference",
    ]
    date_hierarchy = "created_at"
    inlines = [ShipmentBlockInline, ShipmentStatusChangeInline, TrackingEventInline]


@admin.register(FreightRate)
class FreightRateAdmin(FreightRateAdminBase):
    """Reference data: the hub's freight tariff. A new tariff is a new row from its start day
    (it supersedes the older one from then on); rows are kept, since quotes were given on them."""

    list_display = [
        "destination",
        "currency",
        "price_per_kg",
        "minimum_charge",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["destination", "currency"]
    date_hierarchy = "valid_from"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InboundParcelInline(ReadOnly, ParcelInlineBase):
    model = InboundParcel
    extra = 0
    fields = readonly_fields = (
        "parcel_reference",
        "shipment",
        "declared_value",
        "currency",
        "hs_codes",
        "created_at",
    )


@admin.register(Manifest)
class ManifestAdmin(ReadOnly, ManifestAdminBase):
    """Carriers' manifests of inbound parcels (written through the API only)."""

    list_display = [
        "awb_display",
        "carrier",
        "flight_number",
        "flight_date",
        "origin",
        "parcel_count",
        "created_at",
    ]
    list_filter = ["carrier", "origin", "flight_date"]
    list_select_related = ["carrier", "origin"]
    search_fields = ["awb_number", "flight_number", "=parcels__parcel_reference"]
    date_hierarchy = "created_at"
    inlines = [InboundParcelInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Manifest]:
        return super().get_queryset(request).annotate(parcel_count=Count("parcels"))

    @admin.display(description="Parcels")
    def parcel_count(self, manifest: Manifest) -> int:
        return int(getattr(manifest, "parcel_count", 0))


class Ics2ReferralForm(BlockFormBase):
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in ICS2_KINDS])

    class Meta:
        model = ShipmentBlock
        fields = ["shipment", "kind", "reference", "reason"]


@admin.register(ShipmentBlock)
class ShipmentBlockAdmin(ShipmentBlockAdminBase):
    """Loading blocks. Platform staff record an ICS2 referral here ("Add"), and lift requests
    for information or screening with the action; every change goes through the ICS2 service
    (audited, evented). Customs holds are placed and lifted by customs' decisions only."""

    list_display = ["shipment", "kind", "source", "reference", "placed_at", "lifted_at"]
    list_filter = ["kind", "source", ("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["shipment"]
    search_fields = ["=shipment__tracking_number", "reference"]
    raw_id_fields = ["shipment"]
    form = Ics2ReferralForm
    actions = ["lift_referrals"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ShipmentBlock, form: Any, change: bool) -> None:
        outcome = services.shipment_ics2_referral_place(
            shipment_id=obj.shipment_id,
            kind=obj.kind,
            reference=obj.reference,
            reason=obj.reason,
            staff=request.user,  # type: ignore[arg-type]  # the admin is signed in
        )
        # The admin's "added" message and redirect name the block the service recorded.
        obj.pk = outcome.block.pk

    @admin.action(
        description="Lift the selected ICS2 requests (information or screening)",
        permissions=["add"],
    )
    def lift_referrals(self, request: HttpRequest, queryset: QuerySet[ShipmentBlock]) -> None:
        lifted = 0
        for block in queryset.filter(lifted_at__isnull=True).order_by("pk"):
            try:
                services.shipment_ics2_referral_lift(
                    shipment_id=block.shipment_id,
                    kind=block.kind,
                    reason="lifted in the admin",
                    staff=request.user,  # type: ignore[arg-type]  # the admin is signed in
                )
            except DomainError as refused:
                self.message_user(request, f"{block}: {refused.detail}", messages.WARNING)
                continue
            lifted += 1
        self.message_user(request, f"{lifted} lifted.", messages.INFO)
