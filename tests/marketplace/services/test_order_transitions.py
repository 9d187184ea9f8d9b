"""The order's transition table: every listed move works and is audited, every other is a 409."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ewtp.core.errors import InvalidTransition
from marketplace.models import ORDER_TRANSITIONS, Order, OrderStatus, OrderStatusChange
from marketplace.services import (
    order_cancel,
    order_clear,
    order_complete,
    order_deliver,
    order_hand_to_logistics,
    order_hold,
    order_record_customs_submission,
    order_reject,
    order_return_receive,
    order_return_request,
)
from marketplace.services.orders import order_mark_paid, order_refund_in_full
from tests.marketplace.flows import place

pytestmark = pytest.mark.django_db

MOVES: dict[str, Callable[[Order], Any]] = {
    OrderStatus.PAID: lambda o: order_mark_paid(order=o, paid_at=timezone.now()),
    OrderStatus.CUSTOMS_SUBMITTED: lambda o: order_record_customs_submission(
        order_id=o.pk, declaration_id="d-1"
    ),
    OrderStatus.CLEARED: lambda o: order_clear(order_id=o.pk),
    OrderStatus.HELD: lambda o: order_hold(order_id=o.pk, reason="check"),
    OrderStatus.REJECTED: lambda o: order_reject(order_id=o.pk, reason="refused"),
    OrderStatus.HANDED_TO_LOGISTICS: lambda o: order_hand_to_logistics(
        order_id=o.pk, tracking_number="EW000000000BE"
    ),
    OrderStatus.DELIVERED: lambda o: order_deliver(order_id=o.pk, delivered_at=timezone.now()),
    OrderStatus.CANCELLED: lambda o: order_cancel(order=o, reason="buyer changed their mind"),
    OrderStatus.COMPLETED: lambda o: order_complete(order=o, reason="no refund asked"),
    OrderStatus.REFUNDED: lambda o: order_refund_in_full(
        order=o, reason="buyer refunded", return_stock=False
    ),
    OrderStatus.RETURN_REQUESTED: lambda o: order_return_request(
        order=released_yesterday(o), reason="wrong size"
    ),
    OrderStatus.RETURNED: lambda o: order_return_receive(order=released_yesterday(o)),
}


def released_yesterday(order: Order) -> Order:
    """Arrange: customs released the goods a day ago (the return windows count from then)."""
    OrderStatusChange.objects.create(
        order=order,
        from_status=OrderStatus.CUSTOMS_SUBMITTED,
        to_status=OrderStatus.CLEARED,
        changed_at=timezone.now() - timedelta(days=1),
    )
    return order


def test_every_status_has_a_row_in_the_table():
    assert set(ORDER_TRANSITIONS) == set(OrderStatus.values)
    assert ORDER_TRANSITIONS[OrderStatus.DELIVERED] == {
        OrderStatus.COMPLETED,
        OrderStatus.REFUNDED,
        OrderStatus.RETURN_REQUESTED,
    }
    for final in (
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
        OrderStatus.COMPLETED,
        OrderStatus.REFUNDED,
    ):
        assert ORDER_TRANSITIONS[final] == frozenset()


@pytest.mark.parametrize("start", OrderStatus.values)
@pytest.mark.parametrize("target", list(MOVES))
def test_a_move_is_allowed_exactly_when_the_table_lists_it(trade, start, target):
    order = place(trade)
    Order.objects.filter(pk=order.pk).update(status=start)  # arrange the starting state
    order.refresh_from_db()
    allowed = target in ORDER_TRANSITIONS[start]

    if allowed:
        MOVES[target](order)
        assert OrderStatusChange.objects.filter(
            order=order, from_status=start, to_status=target
        ).exists()
    else:
        with pytest.raises(InvalidTransition) as refused:
            MOVES[target](order)
        assert refused.value.status == 409
        assert refused.value.code == "order_invalid_transition"
        order.refresh_from_db()
        assert order.status == start
        assert not OrderStatusChange.objects.filter(order=order, to_status=target).exists()


def test_cancelling_puts_the_reserved_stock_back(trade):
    order = place(trade, lines=[("PRL-250", 7)])
    product = order.lines.get().product
    product.refresh_from_db()
    assert product.stock == 93

    cancelled = order_cancel(order=order, reason="out of budget")

    product.refresh_from_db()
    assert cancelled.status == OrderStatus.CANCELLED
    assert product.stock == 100
