"""What the marketplace does when customs and logistics report progress on an order.

Each handler moves the order by one step through its own service, inside the publisher's
transaction (see ewtp.events.bus). Customs' automatic decisions (held; released → cleared,
shipment created → handed to logistics) are subscribed set-wise: a batched clearance moves its
orders together.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from customs import events as customs_events
from ewtp.events.bus import subscribe, subscribe_many
from ewtp.events.models import OutboxEvent
from logistics import events as logistics_events
from marketplace import services


def _order_id(event: OutboxEvent) -> uuid.UUID:
    return uuid.UUID(str(event.data["order_id"]))


@subscribe(customs_events.DECLARATION_SUBMITTED)
def on_declaration_submitted(event: OutboxEvent) -> None:
    services.order_record_customs_submission(
        order_id=_order_id(event), declaration_id=str(event.data["id"])
    )


@subscribe_many(customs_events.DECLARATION_RELEASED)
def on_declaration_released(events: Sequence[OutboxEvent]) -> None:
    services.orders_clear(
        moves=[
            services.OrderMove(_order_id(event), str(event.data.get("reason") or ""))
            for event in events
        ]
    )


@subscribe_many(customs_events.DECLARATION_HELD)
def on_declaration_held(events: Sequence[OutboxEvent]) -> None:
    services.orders_hold(
        moves=[
            services.OrderMove(
                _order_id(event), f"{event.data.get('reason_code')}: {event.data.get('reason')}"
            )
            for event in events
        ]
    )


@subscribe(customs_events.DECLARATION_REJECTED)
def on_declaration_rejected(event: OutboxEvent) -> None:
    services.order_reject(order_id=_order_id(event), reason=str(event.data.get("reason") or ""))


@subscribe_many(logistics_events.SHIPMENT_CREATED)
def on_shipment_created(events: Sequence[OutboxEvent]) -> None:
    services.orders_hand_to_logistics(
        moves=[
            services.OrderMove(_order_id(event), f"shipment {event.data['tracking_number']}")
            for event in events
        ]
    )


@subscribe(logistics_events.SHIPMENT_DELIVERED)
def on_shipment_delivered(event: OutboxEvent) -> None:
    services.order_deliver(
        order_id=_order_id(event),
        delivered_at=datetime.fromisoformat(str(event.data["delivered_at"])),
    )
