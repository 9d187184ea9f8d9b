"""The domain events logistics publishes, and the shape of their data (the partner contract)."""

from __future__ import annotations

from typing import Any

from ewtp.core.models import Organization
from logistics.models import (
    Flight,
    Manifest,
    Shipment,
    ShipmentBlock,
    ShipmentStatus,
    TrackingEvent,
)

SHIPMENT_CREATED = "logistics.shipment.created"
SHIPMENT_ROUTED = "logistics.shipment.routed"
SHIPMENT_DEPARTED = "logistics.shipment.departed"
SHIPMENT_ARRIVED = "logistics.shipment.arrived"
SHIPMENT_DELIVERED = "logistics.shipment.delivered"
# The routing job: one event per marketplace and per carrier per run, listing what it booked.
SHIPMENTS_BATCH_ROUTED = "logistics.shipments.batch_routed"
# A booking undone (customs hold); the parcel waits at the hub for another flight.
SHIPMENT_UNBOOKED = "logistics.shipment.unbooked"
FLIGHT_CANCELLED = "logistics.flight.cancelled"
# Milestones (departed, arrived) for partners that subscribed: one per MAWB milestone, listing
# its house waybills; one per shipment milestone for those who follow a shipment.
MASTER_WAYBILL_MILESTONE = "logistics.master_waybill.milestone"
SHIPMENT_MILESTONE = "logistics.shipment.milestone"
# A parcel had no tracking report for longer than its status allows (the hub's exception queue).
SHIPMENT_STALE = "logistics.shipment.stale"
# Loading blocks (logistics.services.blocks): an ICS2 "do not load" (final), another block
# placed (an ICS2 request for information or screening, a customs hold on an inbound parcel),
# and a block lifted (the parcel may be loaded once no block is left: see `loading_blocked`).
SHIPMENT_DO_NOT_LOAD = "logistics.shipment.do_not_load"
SHIPMENT_LOADING_BLOCKED = "logistics.shipment.loading_blocked"
SHIPMENT_LOADING_UNBLOCKED = "logistics.shipment.loading_unblocked"
# A carrier's manifest of inbound parcels was recorded: one event per request, to the carrier.
MANIFEST_RECORDED = "logistics.manifest.recorded"
TRACKING_EVENT_RECORDED = "logistics.tracking_event.recorded"
# The bulk path: one event per batch per recipient, listing the shipments that moved.
TRACKING_BATCH_RECORDED = "logistics.tracking_events.batch_recorded"

EVENT_FOR_STATUS: dict[str, str] = {
    ShipmentStatus.CREATED: SHIPMENT_CREATED,
    ShipmentStatus.ROUTED: SHIPMENT_ROUTED,
    ShipmentStatus.DEPARTED: SHIPMENT_DEPARTED,
    ShipmentStatus.ARRIVED: SHIPMENT_ARRIVED,
    ShipmentStatus.DELIVERED: SHIPMENT_DELIVERED,
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


def flight_event_data(flight: Flight) -> dict[str, Any]:
    return {
        "id": str(flight.id),
        "number": flight.number,
        "origin": flight.origin_id,
        "destination": flight.destination_id,
        "departure_at": flight.departure_at.isoformat(),
        "cutoff_at": flight.cutoff_at.isoformat(),
        "carrier": flight.carrier.slug,
    }


def shipment_event_data(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": str(shipment.id),
        "direction": shipment.direction,
        "order_id": _str(shipment.order_id),
        "order_reference": shipment.order_reference,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "marketplace": shipment.marketplace.slug if shipment.marketplace else None,
        "merchant": shipment.merchant.slug if shipment.merchant else None,
        "consignee_country": shipment.consignee_country,
        "destination_airport": shipment.destination_id,
        "weight_kg": str(shipment.weight_kg),
        "carrier": shipment.carrier.slug if shipment.carrier else None,
        "flight": flight_event_data(shipment.flight) if shipment.flight else None,
        "created_at": shipment.created_at.isoformat(),
        "routed_at": _iso(shipment.routed_at),
        "delivered_at": _iso(shipment.delivered_at),
    }


def tracking_event_data(
    event: TrackingEvent, *, shipment: Shipment, reporter: Organization
) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "shipment_id": str(shipment.id),
        "order_id": _str(shipment.order_id),
        "tracking_number": shipment.tracking_number,
        "event_id": event.partner_event_id,
        "code": event.code,
        "status": event.status,
        "location": event.location,
        "remarks": event.remarks,
        "carrier": reporter.slug,
        "occurred_at": event.occurred_at.isoformat(),
        "received_at": event.received_at.isoformat(),
        "shipment_status": shipment.status,
        "tracking_status": shipment.tracking_status,
    }


def block_event_data(block: ShipmentBlock, *, shipment: Shipment) -> dict[str, Any]:
    """A loading block placed or lifted, with the parcel it is about."""
    return {
        "shipment_id": str(shipment.id),
        "tracking_number": shipment.tracking_number,
        "direction": shipment.direction,
        "order_id": _str(shipment.order_id),
        "kind": block.kind,
        "source": block.source,
        "reference": block.reference,
        "reason": block.reason,
        "placed_at": block.placed_at.isoformat(),
        "lifted_at": _iso(block.lifted_at),
        "lifted_reason": block.lifted_reason,
        "loading_blocked": shipment.customs_hold,
    }


def manifest_event_data(
    manifest: Manifest, *, created: list[dict[str, str]], duplicates: int, rejected: int
) -> dict[str, Any]:
    return {
        "id": str(manifest.id),
        "awb_number": manifest.awb_display,
        "flight_number": manifest.flight_number,
        "flight_date": manifest.flight_date.isoformat(),
        "origin": manifest.origin_id,
        "created": created,
        "duplicates": duplicates,
        "rejected": rejected,
    }
