"""Writes of payments: a payment provider confirms that an order was paid, or that money went
back to the buyer (a refund). Refunds never exceed what was captured."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from marketplace import buyer_identity
from marketplace.events import REFUND_RECORDED, refund_event_data
from marketplace.models import NEVER_LEFT, REFUNDABLE, Order, OrderStatus, Payment, Refund
from marketplace.services.orders import order_mark_paid, order_refund_in_full

# Provider clocks drift; a confirmation a little ahead of ours is still believable.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PaymentConfirmation:
    payment: Payment
    order: Order
    created: bool


@dataclass(frozen=True, slots=True)
class RefundRecorded:
    refund: Refund
    order: Order
    created: bool


def _payable_order(*, provider: Organization, order_id: uuid.UUID) -> Order:
    """The order, locked, if this provider is the one it names; otherwise not found."""
    order = (
        Order.objects.payable_by(provider)
        .select_related("checkout")
        .select_for_update(of=("self",))
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("No such order for this payment provider.", code="unknown_order")
    return order


def _payer(order: Order, payer_id_number: str | None) -> buyer_identity.SealedId | None:
    if not payer_id_number:
        if order.checkout.buyer_id_key:
            raise DomainError(
                "A payment for an order to China names the payer's PRC ID number.",
                code="payer_id_required",
                field="payer_id_number",
                status=400,
            )
        return None
    sealed = buyer_identity.seal(payer_id_number, field="payer_id_number")
    if order.checkout.buyer_id_key and sealed.key != order.checkout.buyer_id_key:
        # GACC 2018 No. 194: under CBEC the payer must be the buyer whom the order declares.
        raise DomainError(
            "The payer is not the buyer of this order.",
            code="payer_not_buyer",
            field="payer_id_number",
        )
    return sealed


@transaction.atomic
def payment_confirm(
    *,
    provider: Organization,
    order_id: uuid.UUID,
    transaction_id: str,
    amount: Decimal,
    currency: str,
    paid_at: datetime | None = None,
    payer_name: str = "",
    payer_id_number: str | None = None,
) -> PaymentConfirmation:
    """Record that the buyer paid an order in full. Only the provider the order names may
    confirm it (anything else is `unknown_order`, 404), for exactly the amount due, goods +
    freight + taxes (`payment_amount_mismatch`); confirming the same transaction again is a
    no-op. For an order to China the payer's ID number is required and must be the buyer's;
    it is kept sealed."""
    order = _payable_order(provider=provider, order_id=order_id)
    earlier = Payment.objects.filter(provider=provider, transaction_id=transaction_id).first()
    if earlier is not None:
        if (
            earlier.order_id == order.pk
            and earlier.amount == amount
            and earlier.currency == currency
        ):
            return PaymentConfirmation(payment=earlier, order=order, created=False)
        raise Conflict(
            f"Transaction {transaction_id!r} already confirmed another payment.",
            code="transaction_id_reused",
            field="transaction_id",
        )
    if currency != order.currency:
        raise DomainError(
            f"The order is payable in {order.currency}, not {currency}.",
            code="payment_currency_mismatch",
            field="currency",
        )
    if amount != order.amount_due:
        raise DomainError(
            f"The payment of {amount} does not match the amount due of {order.amount_due} "
            f"(goods {order.total} + freight {order.freight} + taxes {order.taxes}).",
            code="payment_amount_mismatch",
            field="amount",
        )
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now + CLOCK_SKEW:
        raise DomainError(
            "A payment cannot be made in the future.", code="paid_at_in_future", field="paid_at"
        )
    if not order.can_move_to(OrderStatus.PAID):
        raise InvalidTransition(
            f"An order that is {order.status} cannot be paid.", code="order_invalid_transition"
        )
    payer = _payer(order, payer_id_number)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                provider=provider,
                transaction_id=transaction_id,
                amount=amount,
                currency=currency,
                paid_at=paid_at,
                payer_name=payer_name,
                payer_id_encrypted=payer.encrypted if payer else "",
                payer_id_key=payer.key if payer else "",
                payer_id_masked=payer.masked if payer else "",
            )
    except IntegrityError:
        # the same transaction id confirmed concurrently for another order
        raise Conflict(
            f"Transaction {transaction_id!r} already confirmed another payment.",
            code="transaction_id_reused",
            field="transaction_id",
        ) from None
    order = order_mark_paid(order=order, paid_at=paid_at)
    return PaymentConfirmation(payment=payment, order=order, created=True)


@transaction.atomic
def refund_record(
    *,
    provider: Organization,
    order_id: uuid.UUID,
    transaction_id: str,
    amount: Decimal,
    currency: str,
    reason: str,
    refunded_at: datetime | None = None,
) -> RefundRecorded:
    """Record money the provider gave back to the buyer. Refunds can never exceed captures: the
    order row is locked, so two concurrent refunds are counted one after the other. Recording
    the same transaction again is a no-op. The refund that makes the order whole moves it to
    `refunded`; if its goods never left the hub, their stock goes back on sale (see
    `order_refund_in_full`)."""
    order = _payable_order(provider=provider, order_id=order_id)
    earlier = Refund.objects.filter(provider=provider, transaction_id=transaction_id).first()
    if earlier is not None:
        if (earlier.order_id, earlier.amount, earlier.currency) == (order.pk, amount, currency):
            return RefundRecorded(refund=earlier, order=order, created=False)
        raise Conflict(
            f"Transaction {transaction_id!r} already recorded another refund.",
            code="transaction_id_reused",
            field="transaction_id",
        )
    if order.status not in REFUNDABLE:
        raise InvalidTransition(
            f"An order that is {order.status} cannot be refunded.",
            code="order_not_refundable",
        )
    if currency != order.currency:
        raise DomainError(
            f"The order was paid in {order.currency}, not {currency}.",
            code="refund_currency_mismatch",
            field="currency",
        )
    captured = sum((p.amount for p in Payment.objects.filter(order=order)), Decimal("0.00"))
    if order.refunded_total + amount > captured:
        raise Conflict(
            f"A refund of {amount} would exceed what was captured: {captured} paid, "
            f"{order.refunded_total} already refunded.",
            code="refund_exceeds_capture",
            field="amount",
        )
    now = timezone.now()
    refunded_at = refunded_at or now
    if refunded_at > now + CLOCK_SKEW:
        raise DomainError(
            "A refund cannot be made in the future.",
            code="refunded_at_in_future",
            field="refunded_at",
        )
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                order=order,
                provider=provider,
                transaction_id=transaction_id,
                amount=amount,
                currency=currency,
                reason=reason,
                refunded_at=refunded_at,
            )
    except IntegrityError:
        raise Conflict(
            f"Transaction {transaction_id!r} already recorded another refund.",
            code="transaction_id_reused",
            field="transaction_id",
        ) from None
    order.refunded_total += amount
    Order.objects.filter(pk=order.pk).update(refunded_total=order.refunded_total, updated_at=now)
    if order.refunded_total == captured and order.can_move_to(OrderStatus.REFUNDED):
        order = order_refund_in_full(
            order=order, reason=reason, return_stock=order.status in NEVER_LEFT
        )
    else:
        order.refresh_from_db()
    refund.order = Order.objects.select_related("merchant", "marketplace").get(pk=order.pk)
    publish(
        type=REFUND_RECORDED,
        data=refund_event_data(refund),
        recipients=[refund.order.marketplace, refund.order.merchant],
    )
    return RefundRecorded(refund=refund, order=refund.order, created=True)
