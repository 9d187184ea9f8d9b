"""What the marketplace tells customs about a paid CBEC order for the three-document match: the
platform's order and the payment company's payment, as values (customs.three_documents). The
buyer's and payer's ID numbers leave only as their keyed hash and whether their check
character is valid."""

from __future__ import annotations

import uuid

from customs.buyer_ids import resident_id_validate
from customs.three_documents import OrderDocument, PaymentDocument
from ewtp.core.errors import DomainError
from marketplace.buyer_identity import unseal
from marketplace.models import Order, Payment


def _valid(encrypted: str) -> bool:
    if not encrypted:
        return False
    try:
        resident_id_validate(unseal(encrypted))
    except DomainError:
        return False
    return True


def order_documents(*, order_id: uuid.UUID) -> tuple[OrderDocument, PaymentDocument] | None:
    """The order and payment documents of a paid order; None before it is paid."""
    order = Order.objects.select_related("checkout").filter(pk=order_id).first()
    payment = Payment.objects.filter(order_id=order_id).order_by("created_at").first()
    if order is None or payment is None:
        return None
    checkout = order.checkout
    return (
        OrderDocument(
            currency=order.currency,
            goods_value=order.gross_goods,
            freight=order.freight,
            declared_tax=order.taxes,
            discount=order.discount,
            actual_paid=order.amount_due,
            buyer_name=order.buyer_name,
            buyer_id_key=checkout.buyer_id_key,
            buyer_id_valid=_valid(checkout.buyer_id_encrypted),
            # The buyer is the consignee: goods are delivered to whoever bought them.
            consignee_name=order.buyer_name,
        ),
        PaymentDocument(
            amount=payment.amount,
            currency=payment.currency,
            payer_name=payment.payer_name,
            payer_id_key=payment.payer_id_key,
            payer_id_valid=_valid(payment.payer_id_encrypted),
        ),
    )
