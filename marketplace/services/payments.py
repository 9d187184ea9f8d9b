"""Writes of payments: a payment provider confirms that an order was paid."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from ewtp.core.models import Organization
from marketplace.models import Order, OrderStatus, Payment
from marketplace.services.orders import order_mark_paid

# Provider clocks drift; a confirmation a little ahead of ours is still believable.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PaymentConfirmation:
    payment: Payment
    order: Order
    created: bool


@transaction.atomic
def payment_confirm(
    *,
    provider: Organization,
    order_id: uuid.UUID,
    transaction_id: str,
    amount: Decimal,
    currency: str,
    paid_at: datetime | None = None,
) -> PaymentConfirmation:
    """Record that the buyer paid an order in full. Only the provider the order names may
    confirm it, for exactly the order total; confirming the same transaction again is a no-op."""
    order = Order.objects.payable_by(provider).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
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
    if amount != order.total:
        raise DomainError(
            f"The payment of {amount} does not match the order total of {order.total}.",
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
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                provider=provider,
                transaction_id=transaction_id,
                amount=amount,
                currency=currency,
                paid_at=paid_at,
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
