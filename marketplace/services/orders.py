"""Writes of orders after placement: one service per status move (each locks the order, checks
the transition table, audits and publishes), with what a move gives back or makes final: stock,
and the buyer's CBEC quota."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from customs.services import quota_commit, quota_release
from ewtp.core.errors import InvalidTransition
from ewtp.events.bus import publish
from marketplace.events import EVENT_FOR_STATUS, order_event_data
from marketplace.models import (
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Product,
    ProductVariant,
    QuotaState,
)

EXPIRY_BATCH = 500


def _publish_order_event(order: Order) -> None:
    """The order's current state, to the marketplace that placed it and the merchant selling it."""
    order = Order.objects.select_related(
        "marketplace", "merchant", "payment_provider", "checkout"
    ).get(pk=order.pk)
    publish(
        type=EVENT_FOR_STATUS[order.status],
        data=order_event_data(order),
        recipients=[order.marketplace, order.merchant],
    )


def transition_check(order: Order, to: str) -> None:
    """The transition table's verdict on a move: InvalidTransition (409) if it is not listed."""
    if not order.can_move_to(to):
        raise InvalidTransition(
            f"An order that is {order.status} cannot become {to}.",
            code="order_invalid_transition",
        )


def _order_move(
    *,
    order: Order,
    to: OrderStatus,
    reason: str = "",
    paid_at: datetime | None = None,
    delivered_at: datetime | None = None,
) -> Order:
    """Lock the order, check the transition table, move, audit, publish."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    transition_check(locked, to)
    previous = locked.status
    now = timezone.now()
    locked.status = to
    locked.updated_at = now
    fields = ["status", "updated_at"]
    if paid_at is not None:
        locked.paid_at = paid_at
        fields.append("paid_at")
    if delivered_at is not None:
        locked.delivered_at = delivered_at
        fields.append("delivered_at")
    locked.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=locked, from_status=previous, to_status=to, reason=reason[:500], changed_at=now
    )
    _publish_order_event(locked)
    # In-process handlers of the event may already have moved the order further.
    locked.refresh_from_db()
    return locked


def _return_stock(orders: list[Order]) -> None:
    """Put the goods of orders that never left back on sale, one UPDATE per product or variant,
    in a fixed order so that two returns cannot deadlock."""
    variants: Counter[uuid.UUID] = Counter()
    products: Counter[uuid.UUID] = Counter()
    for line in OrderLine.objects.filter(order__in=orders).only(
        "product_id", "variant_id", "quantity"
    ):
        if line.variant_id is not None:
            variants[line.variant_id] += line.quantity
        else:
            products[line.product_id] += line.quantity
    now = timezone.now()
    for pk in sorted(products):
        Product.objects.filter(pk=pk).update(stock=F("stock") + products[pk], updated_at=now)
    for pk in sorted(variants):
        ProductVariant.objects.filter(pk=pk).update(stock=F("stock") + variants[pk], updated_at=now)


def _quota_settle(order: Order, *, to: QuotaState) -> None:
    """Release or commit the CBEC quota the order reserved, once (the order row is locked)."""
    if order.quota_state != QuotaState.RESERVED or order.cbec_value_cny is None:
        return
    settle = quota_commit if to == QuotaState.COMMITTED else quota_release
    settle(
        buyer_key=order.checkout.buyer_id_key,
        year=order.quota_year or 0,
        declaration_ref=str(order.pk),
        amount=order.cbec_value_cny,
    )
    Order.objects.filter(pk=order.pk).update(quota_state=to)


def _locked_with_checkout(order_id: uuid.UUID) -> Order:
    return Order.objects.select_related("checkout").select_for_update(of=("self",)).get(pk=order_id)


@transaction.atomic
def order_cancel(*, order: Order, reason: str = "") -> Order:
    """Cancel an order that has not gone to customs (or that customs held or refused), put its
    stock back on sale and give back the buyer's CBEC quota it held."""
    cancelled = _order_move(order=order, to=OrderStatus.CANCELLED, reason=reason)
    _return_stock([cancelled])
    _quota_settle(_locked_with_checkout(cancelled.pk), to=QuotaState.RELEASED)
    return cancelled


@transaction.atomic
def order_mark_paid(*, order: Order, paid_at: datetime) -> Order:
    """A paid order is ready to be declared to customs."""
    return _order_move(order=order, to=OrderStatus.PAID, paid_at=paid_at)


@transaction.atomic
def order_record_customs_submission(*, order_id: uuid.UUID, declaration_id: str) -> Order:
    """Customs has the declaration for this order."""
    order = Order.objects.get(pk=order_id)
    return _order_move(
        order=order, to=OrderStatus.CUSTOMS_SUBMITTED, reason=f"declaration {declaration_id}"
    )


@transaction.atomic
def order_reject(*, order_id: uuid.UUID, reason: str) -> Order:
    """Customs refused the goods entry: the buyer's CBEC quota it held goes back."""
    rejected = _order_move(
        order=Order.objects.get(pk=order_id), to=OrderStatus.REJECTED, reason=reason
    )
    _quota_settle(_locked_with_checkout(order_id), to=QuotaState.RELEASED)
    rejected.refresh_from_db()
    return rejected


@transaction.atomic
def order_deliver(*, order_id: uuid.UUID, delivered_at: datetime) -> Order:
    """The last-mile carrier delivered the goods to the buyer."""
    return _order_move(
        order=Order.objects.get(pk=order_id), to=OrderStatus.DELIVERED, delivered_at=delivered_at
    )


@transaction.atomic
def order_complete(*, order: Order, reason: str = "") -> Order:
    """The marketplace closes a delivered order: the buyer asked for nothing back in the time
    the marketplace allows, so no refund can follow and the merchant's payout is final."""
    return _order_move(order=order, to=OrderStatus.COMPLETED, reason=reason)


@transaction.atomic
def orders_expire_unpaid(*, now: datetime | None = None, batch_size: int = EXPIRY_BATCH) -> int:
    """Expire one batch of orders placed longer than ORDER_PAYMENT_WINDOW ago and
    still unpaid: their stock and CBEC quota go back. Orders another transaction holds (being
    paid this moment) are skipped, not waited for; the next run sees them. Returns how many
    expired, so the caller repeats until a batch comes back short."""
    now = now or timezone.now()
    window: timedelta = settings.ORDER_PAYMENT_WINDOW
    cutoff = now - window
    expiring = list(
        Order.objects.unpaid_since(cutoff)
        .select_related("checkout")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("created_at", "id")[:batch_size]
    )
    if not expiring:
        return 0
    reason = f"expired: unpaid after {int(window.total_seconds()) // 60} minutes"
    Order.objects.filter(pk__in=[o.pk for o in expiring]).update(
        status=OrderStatus.EXPIRED, updated_at=now
    )
    OrderStatusChange.objects.bulk_create(
        OrderStatusChange(
            order=order,
            from_status=OrderStatus.PLACED,
            to_status=OrderStatus.EXPIRED,
            reason=reason,
            changed_at=now,
        )
        for order in expiring
    )
    _return_stock(expiring)
    for order in expiring:
        _quota_settle(order, to=QuotaState.RELEASED)
        _publish_order_event(order)
    return len(expiring)


@transaction.atomic
def order_refund_in_full(*, order: Order, reason: str, return_stock: bool) -> Order:
    """Everything the buyer paid went back. Goods that never left the hub go back on sale and
    give back the buyer's CBEC quota; delivered goods stay with the buyer (a return of goods
    is not a refund's business: it is the merchant's)."""
    refunded = _order_move(order=order, to=OrderStatus.REFUNDED, reason=f"refunded: {reason}")
    if return_stock:
        _return_stock([refunded])
        _quota_settle(_locked_with_checkout(refunded.pk), to=QuotaState.RELEASED)
    refunded.refresh_from_db()
    return refunded
