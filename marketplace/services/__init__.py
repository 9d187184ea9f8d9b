"""Every write of the marketplace. Each runs in a transaction; state changes lock the row."""

from marketplace.services.orders import (
    OrderLineRequest,
    order_cancel,
    order_clear,
    order_deliver,
    order_hand_to_logistics,
    order_hold,
    order_place,
    order_record_customs_submission,
    order_reject,
)
from marketplace.services.payments import payment_confirm
from marketplace.services.products import product_create

__all__ = [
    "OrderLineRequest",
    "order_cancel",
    "order_clear",
    "order_deliver",
    "order_hand_to_logistics",
    "order_hold",
    "order_place",
    "order_record_customs_submission",
    "order_reject",
    "payment_confirm",
    "product_create",
]
