"""What customs does when the marketplace reports a paid order (file its declaration), and when
China releases an order's goods (declare their export from Belgium)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from customs import events as customs_events
from customs.services import (
    DeclarationLineRequest,
    cbec_paid_order_receive,
    declaration_submit,
    declaration_tax_cancel,
    export_declarations_file,
)
from ewtp.core.models import Organization
from ewtp.events.bus import subscribe, subscribe_many
from ewtp.events.models import OutboxEvent
from marketplace import events as marketplace_events
from marketplace.cbec_documents import order_documents


@subscribe(marketplace_events.ORDER_PAID)
def on_order_paid(event: OutboxEvent) -> None:
    # The paid order's event carries everything the declaration needs (see marketplace.events).
    order = event.data
    declaration_submit(
        order_id=uuid.UUID(str(order["id"])),
        order_reference=str(order["reference"]),
        merchant=Organization.objects.get(slug=order["merchant"]),
        submitter=Organization.objects.get(slug=order["marketplace"]),
        consignee_name=str(order["buyer_name"]),
        destination_country=str(order["destination_country"]),
        currency=str(order["currency"]),
        transport_costs=Decimal(str(order.get("freight", "0.00"))),
        discount=Decimal(str(order.get("discount", "0.00"))),
        exchange_rate=Decimal(str(order["cny_rate"])) if order.get("cny_rate") else None,
        lines=[
            DeclarationLineRequest(
                hs_code=str(line["hs_code"]),
                description=str(line["title"]),
                origin_country=str(line["origin_country"]),
                quantity=int(line["quantity"]),
                value=Decimal(str(line["line_total"])),
            )
            for line in order["lines"]
        ],
    )
    if order["destination_country"] == "CN":
        # GACC 2018 No. 194: the platform's order and the payment are two of the three
        # documents a CBEC import is matched on; the carrier's waybill is the third.
        order_id = uuid.UUID(str(order["id"]))
        documents = order_documents(order_id=order_id)
        if documents is not None:
            cbec_paid_order_receive(
                order_id=order_id,
                order_reference=str(order["reference"]),
                order=documents[0],
                payment=documents[1],
            )


@subscribe_many(customs_events.DECLARATION_RELEASED)
def on_declaration_released(events: Sequence[OutboxEvent]) -> None:
    # An order's goods released for China leave the EU: from Belgium they are declared for
    # export (customs.services.exports decides whether they leave from there). Set-wise: a
    # batched clearance files the exports of all its releases together.
    export_declarations_file(
        import_declaration_ids=[uuid.UUID(str(event.data["id"])) for event in events]
    )


@subscribe(marketplace_events.ORDER_RETURNED)
def on_order_returned(event: OutboxEvent) -> None:
    # The marketplace moved the order to `returned` only inside the CBEC return windows. Goods
    # bound elsewhere had no CBEC declaration, so no tax of ours to cancel.
    if event.data.get("destination_country") != "CN":
        return
    declaration_tax_cancel(
        order_id=uuid.UUID(str(event.data["id"])),
        reason=f"goods of order {event.data['reference']} returned to the bonded hub",
    )
