"""Every write of logistics. Each runs in a transaction; state changes lock the row."""

from logistics.services.network import airport_upsert, flight_schedule
from logistics.services.routing import shipment_route, shipments_route_ready
from logistics.services.shipments import shipment_create
from logistics.services.tracking import TrackingRecord, tracking_event_record

__all__ = [
    "TrackingRecord",
    "airport_upsert",
    "flight_schedule",
    "shipment_create",
    "shipment_route",
    "shipments_route_ready",
    "tracking_event_record",
]
