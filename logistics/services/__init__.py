"""Every write of logistics. Each runs in a transaction; state changes lock the row."""

from logistics.services.air_cargo import (
    airlines_load,
    house_waybill_attach_shipments,
    house_waybill_create,
    master_waybill_create,
    uld_register,
    uld_types_load,
)
from logistics.services.blocks import (
    BlockOutcome,
    filings_naming_parcels,
    inbound_customs_refuse,
    inbound_customs_release,
    shipment_customs_block,
    shipment_customs_unblock,
    shipments_customs_block,
    shipments_customs_unblock,
)
from logistics.services.exceptions import (
    shipment_exception_resolve,
    shipments_flag_overdue,
    shipments_flag_stale,
)
from logistics.services.fsu import FsuOutcome, fsu_message_ingest
from logistics.services.ics2 import shipment_ics2_referral_lift, shipment_ics2_referral_place
from logistics.services.manifests import ManifestOutcome, ParcelResult, manifest_record
from logistics.services.network import (
    airport_ensure,
    airport_upsert,
    airports_load,
    flight_schedule,
)
from logistics.services.routing import (
    RoutingOutcome,
    flight_cancel,
    routing_run,
    routing_run_request,
    shipment_customs_hold,
    shipment_customs_release,
    shipment_offload,
    shipment_route,
    shipments_plan,
    shipments_route_ready,
)
from logistics.services.shipments import ShipmentRequest, shipment_create, shipment_create_many
from logistics.services.subscriptions import (
    milestone_subscription_create,
    milestone_subscription_delete,
)
from logistics.services.tracking import TrackingRecord, tracking_event_record
from logistics.services.tracking_batch import BatchOutcome, ItemResult, tracking_events_ingest

__all__ = [
    "BatchOutcome",
    "BlockOutcome",
    "FsuOutcome",
    "ItemResult",
    "ManifestOutcome",
    "ParcelResult",
    "RoutingOutcome",
    "ShipmentRequest",
    "TrackingRecord",
    "airlines_load",
    "airport_ensure",
    "airport_upsert",
    "airports_load",
    "filings_naming_parcels",
    "flight_cancel",
    "flight_schedule",
    "fsu_message_ingest",
    "house_waybill_attach_shipments",
    "house_waybill_create",
    "inbound_customs_refuse",
    "inbound_customs_release",
    "manifest_record",
    "master_waybill_create",
    "milestone_subscription_create",
    "milestone_subscription_delete",
    "routing_run",
    "routing_run_request",
    "shipment_create",
    "shipment_create_many",
    "shipment_customs_block",
    "shipment_customs_hold",
    "shipment_customs_release",
    "shipment_customs_unblock",
    "shipment_exception_resolve",
    "shipment_ics2_referral_lift",
    "shipment_ics2_referral_place",
    "shipment_offload",
    "shipment_route",
    "shipments_customs_block",
    "shipments_customs_unblock",
    "shipments_flag_overdue",
    "shipments_flag_stale",
    "shipments_plan",
    "shipments_route_ready",
    "tracking_event_record",
    "tracking_events_ingest",
    "uld_register",
    "uld_types_load",
]
