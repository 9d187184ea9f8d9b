"""What customs does when the marketplace reports a paid order: file its declaration."""

from __future__ import annotations

import uuid
from decimal import Decimal

from customs.services import DeclarationLineRequest, declaration_submit
from ewtp.core.models import Organization
from ewtp.events.bus import subscribe
from ewtp.events.models import OutboxEvent
from marketplace import events as marketplace_events


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
