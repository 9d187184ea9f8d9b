"""The domain events the marketplace publishes, and the shape of their data.

The data is the contract with partners (webhooks) and with other apps' handlers: amounts are
decimal strings, times ISO 8601 UTC, organisations by slug.
"""

from __future__ import annotations

from typing import Any

from marketplace.models import Order, OrderStatus

ORDER_PLACED = "marketplace.order.placed"
ORDER_PAID = "marketplace.order.paid"
ORDER_CUSTOMS_SUBMITTED = "marketplace.order.customs_submitted"
ORDER_CLEARED = "marketplace.order.cleared"
ORDER_HELD = "marketplace.order.held"
ORDER_REJECTED = "marketplace.order.rejected"
ORDER_HANDED_TO_LOGISTICS = "marketplace.order.handed_to_logistics"
ORDER_DELIVERED = "marketplace.order.delivered"
ORDER_CANCELLED = "marketplace.order.cancelled"

EVENT_FOR_STATUS: dict[str, str] = {
    OrderStatus.PLACED: ORDER_PLACED,
    OrderStatus.PAID: ORDER_PAID,
    OrderStatus.CUSTOMS_SUBMITTED: ORDER_CUSTOMS_SUBMITTED,
    OrderStatus.CLEARED: ORDER_CLEARED,
    OrderStatus.HELD: ORDER_HELD,
    OrderStatus.REJECTED: ORDER_REJECTED,
    OrderStatus.HANDED_TO_LOGISTICS: ORDER_HANDED_TO_LOGISTICS,
    OrderStatus.DELIVERED: ORDER_DELIVERED,
    OrderStatus.CANCELLED: ORDER_CANCELLED,
}


def order_event_data(order: Order) -> dict[str, Any]:
    """The order as partners and other apps see it in an event. Needs the lines prefetched
    or loaded; it is built once per event."""
    return {
        "id": str(order.id),
        "reference": order.reference,
        "status": order.status,
        "marketplace": order.marketplace.slug,
        "merchant": order.merchant.slug,
        "payment_provider": order.payment_provider.slug,
        "buyer_name": order.buyer_name,
        "destination_country": order.destination_country,
        "destination_airport": order.destination_airport,
        "currency": order.currency,
        "total": str(order.total),
        "placed_at": order.created_at.isoformat(),
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
        "lines": [
            {
                "line_number": line.line_number,
                "sku": line.sku,
                "title": line.title,
                "hs_code": line.hs_code,
                "origin_country": line.origin_country,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
                "unit_weight_kg": str(line.unit_weight_kg),
            }
            for line in order.lines.all()
        ],
    }
