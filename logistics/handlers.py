"""What logistics does when the marketplace reports cleared goods (take them into the hub) and
when customs holds or releases goods (block or allow their loading): an order's declaration
names the order; a broker's or carrier's H7/H1 filing names inbound parcels by its transport
documents (logistics.services.blocks).

Subscribed to the order's `cleared` event rather than customs' `released`, because the
shipment needs the order's destination airport and weight, and because the order has then
already moved to `cleared`, so its next move (handed to logistics) is allowed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from customs import events as customs_events
from ewtp.core.models import Organization
from ewtp.events.bus import subscribe_many
from ewtp.events.models import OutboxEvent
from logistics.services import (
    ShipmentRequest,
    filings_naming_parcels,
    inbound_customs_refuse,
    inbound_customs_release,
    shipment_create_many,
    shipments_customs_block,
    shipments_customs_unblock,
)
from marketplace import events as marketplace_events

WEIGHT_STEP = Decimal("0.001")


def _weight(order: dict[str, Any]) -> Decimal:
    weight = sum(
        (Decimal(str(line["unit_weight_kg"])) * int(line["quantity"]) for line in order["lines"]),
        Decimal("0"),
    )
    return weight.quantize(WEIGHT_STEP)


# Set-wise: a batched clearance clears many orders in one transaction, and their shipments are
# created together (see logistics.services.shipments.shipment_create_many).
@subscribe_many(marketplace_events.ORDER_CLEARED)
def on_order_cleared(events: Sequence[OutboxEvent]) -> None:
    orders = [event.data for event in events]
    slugs = {order[party] for order in orders for party in ("marketplace", "merchant")}
    organizations = Organization.objects.in_bulk(list(slugs), field_name="slug")
    shipment_create_many(
        requests=[
            ShipmentRequest(
                order_id=uuid.UUID(str(order["id"])),
                order_reference=str(order["reference"]),
                marketplace=organizations[order["marketplace"]],
                merchant=organizations[order["merchant"]],
                consignee_country=str(order["destination_country"]),
                destination_iata=str(order["destination_airport"]),
                weight_kg=_weight(order),
            )
            for order in orders
        ]
    )


# Customs holds block loading. The declaration names the order; a shipment exists only once
# goods were released, so a hold before that (the usual case) finds none and changes nothing.
# The hold is a block of its own: a release lifts it and never an ICS2 referral. Set-wise: a
# clearance batch releases or holds up to 200 orders, and one query finds the few shipped.
@subscribe_many(customs_events.DECLARATION_HELD)
def on_declarations_held(events: Sequence[OutboxEvent]) -> None:
    shipments_customs_block(
        holds=[
            (uuid.UUID(str(event.data["order_id"])), str(event.data.get("reason_code") or ""))
            for event in events
        ]
    )


@subscribe_many(customs_events.DECLARATION_RELEASED)
def on_declarations_released(events: Sequence[OutboxEvent]) -> None:
    shipments_customs_unblock(
        order_ids=[uuid.UUID(str(event.data["order_id"])) for event in events]
    )


# Brokers' and carriers' H7/H1 filings: the inbound parcels their transport documents name.
# Set-wise: one query tells which filings of a clearance batch name a parcel of this hub.
def _documents(event: OutboxEvent) -> list[dict[str, Any]]:
    return list(event.data.get("documents") or [])


@subscribe_many(customs_events.IMPORT_DECLARATION_PREFIX + "released")
def on_import_declarations_released(events: Sequence[OutboxEvent]) -> None:
    for index in filings_naming_parcels(filings=[_documents(event) for event in events]):
        event = events[index]
        inbound_customs_release(declaration_id=str(event.data["id"]), documents=_documents(event))


def on_import_declarations_refused(events: Sequence[OutboxEvent]) -> None:
    for index in filings_naming_parcels(filings=[_documents(event) for event in events]):
        event = events[index]
        inbound_customs_refuse(
            declaration_id=str(event.data["id"]),
            documents=_documents(event),
            status=str(event.data.get("status") or ""),
            reason=str(event.data.get("reason_code") or event.data.get("reason") or ""),
        )


for _status in ("held", "rejected", "cancelled"):
    subscribe_many(customs_events.IMPORT_DECLARATION_PREFIX + _status)(
        on_import_declarations_refused
    )
