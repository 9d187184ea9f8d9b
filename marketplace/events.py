"""The domain events the marketplace publishes, and the shape of their data.

The data is the contract with partners (webhooks) and with other apps' handlers: amounts are
decimal strings, times ISO 8601 UTC, organisations by slug.
"""

from __future__ import annotations

from typing import Any

from marketplace.models import (
    MerchantProfile,
    MerchantStatus,
    Order,
    OrderStatus,
    Product,
    ProductCertificate,
    ProductStatus,
    Refund,
)

ORDER_PLACED = "marketplace.order.placed"
ORDER_PAID = "marketplace.order.paid"
ORDER_CUSTOMS_SUBMITTED = "marketplace.order.customs_submitted"
ORDER_CLEARED = "marketplace.order.cleared"
ORDER_HELD = "marketplace.order.held"
ORDER_REJECTED = "marketplace.order.rejected"
ORDER_HANDED_TO_LOGISTICS = "marketplace.order.handed_to_logistics"
ORDER_DELIVERED = "marketplace.order.delivered"
ORDER_CANCELLED = "marketplace.order.cancelled"
ORDER_EXPIRED = "marketplace.order.expired"
ORDER_COMPLETED = "marketplace.order.completed"
ORDER_REFUNDED = "marketplace.order.refunded"
ORDER_RETURN_REQUESTED = "marketplace.order.return_requested"
ORDER_RETURNED = "marketplace.order.returned"
REFUND_RECORDED = "marketplace.refund.recorded"

MERCHANT_UNDER_REVIEW = "marketplace.merchant.under_review"
MERCHANT_APPROVED = "marketplace.merchant.approved"
MERCHANT_REJECTED = "marketplace.merchant.rejected"
MERCHANT_SUSPENDED = "marketplace.merchant.suspended"

LISTING_PUBLISHED = "marketplace.listing.published"
LISTING_UNPUBLISHED = "marketplace.listing.unpublished"
LISTING_ARCHIVED = "marketplace.listing.archived"
CERTIFICATE_EXPIRING = "marketplace.certificate.expiring"

MERCHANT_EVENT_FOR_STATUS: dict[str, str] = {
    MerchantStatus.UNDER_REVIEW: MERCHANT_UNDER_REVIEW,
    MerchantStatus.APPROVED: MERCHANT_APPROVED,
    MerchantStatus.REJECTED: MERCHANT_REJECTED,
    MerchantStatus.SUSPENDED: MERCHANT_SUSPENDED,
}

LISTING_EVENT_FOR_STATUS: dict[str, str] = {
    ProductStatus.PUBLISHED: LISTING_PUBLISHED,
    ProductStatus.DRAFT: LISTING_UNPUBLISHED,
    ProductStatus.ARCHIVED: LISTING_ARCHIVED,
}

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
    OrderStatus.EXPIRED: ORDER_EXPIRED,
    OrderStatus.COMPLETED: ORDER_COMPLETED,
    OrderStatus.REFUNDED: ORDER_REFUNDED,
    OrderStatus.RETURN_REQUESTED: ORDER_RETURN_REQUESTED,
    OrderStatus.RETURNED: ORDER_RETURNED,
}


def order_event_data(order: Order) -> dict[str, Any]:
    """The order as partners and other apps see it in an event. Needs the lines prefetched
    or loaded; it is built once per event. The buyer's ID number only ever travels masked."""
    return {
        "id": str(order.id),
        "checkout_id": str(order.checkout_id),
        "reference": order.reference,
        "status": order.status,
        "marketplace": order.marketplace.slug,
        "merchant": order.merchant.slug,
        "payment_provider": order.payment_provider.slug,
        "buyer_name": order.buyer_name,
        "buyer_id_number_masked": order.checkout.buyer_id_masked,
        "destination_country": order.destination_country,
        "destination_airport": order.destination_airport,
        "currency": order.currency,
        "total": str(order.total),
        "discount": str(order.discount),
        "freight": str(order.freight),
        "taxes": str(order.taxes),
        "amount_due": str(order.amount_due),
        "tax_currency": order.tax_currency,
        "taxes_in_tax_currency": str(order.taxes_in_tax_currency),
        "presentment_currency": order.presentment_currency,
        "presentment_total": str(order.presentment_total),
        "refunded_total": str(order.refunded_total),
        "cbec_value_cny": None if order.cbec_value_cny is None else str(order.cbec_value_cny),
        "cny_rate": None if order.cny_rate is None else str(order.cny_rate),
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
                "exchange_rate": str(line.exchange_rate),
                "exchange_rate_date": line.exchange_rate_date.isoformat(),
                "presentment_unit_price": str(line.presentment_unit_price),
                "presentment_line_total": str(line.presentment_line_total),
            }
            for line in order.lines.all()
        ],
    }


def refund_event_data(refund: Refund) -> dict[str, Any]:
    order = refund.order
    return {
        "id": str(refund.id),
        "order_id": str(order.id),
        "reference": order.reference,
        "merchant": order.merchant.slug,
        "transaction_id": refund.transaction_id,
        "amount": str(refund.amount),
        "currency": refund.currency,
        "reason": refund.reason,
        "refunded_at": refund.refunded_at.isoformat(),
        "order_refunded_total": str(order.refunded_total),
        "order_status": order.status,
    }


def merchant_event_data(
    profile: MerchantProfile, *, from_status: str, reason: str
) -> dict[str, Any]:
    return {
        "merchant": profile.organization.slug,
        "status": profile.status,
        "from_status": from_status,
        "reason": reason,
        "changed_at": profile.status_changed_at.isoformat(),
    }


def listing_event_data(product: Product, *, from_status: str, reason: str) -> dict[str, Any]:
    return {
        "id": str(product.id),
        "merchant": product.merchant.slug,
        "sku": product.sku,
        "title": product.title,
        "status": product.status,
        "from_status": from_status,
        "reason": reason,
    }


def certificate_expiring_data(certificate: ProductCertificate) -> dict[str, Any]:
    product = certificate.product
    return {
        "certificate_id": str(certificate.id),
        "kind": certificate.kind,
        "number": certificate.number,
        "valid_until": certificate.valid_until.isoformat(),
        "required": certificate.required,
        "product_id": str(product.id),
        "sku": product.sku,
        "title": product.title,
        "merchant": product.merchant.slug,
    }
