"""CBEC returns: asked for within 30 days of customs' release, goods back within 45. Goods back
in time give the buyer's annual allowance back and customs cancels the tax; outside the
windows nothing moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs.events import DECLARATION_TAX_CANCELLED
from customs.models import AuditEntry
from customs.services.quota import quota_used
from ewtp.core.errors import DomainError, InvalidTransition
from ewtp.events.models import OutboxEvent
from marketplace.models import Order, OrderStatus, OrderStatusChange, QuotaState
from marketplace.services import (
    order_deliver,
    order_return_receive,
    order_return_request,
    refund_record,
)
from tests.marketplace.flows import Trade, cleared_order, declaration_of, place

pytestmark = pytest.mark.django_db


def delivered(trade: Trade) -> Order:
    order = cleared_order(trade)
    return order_deliver(order_id=order.pk, delivered_at=timezone.now())


def buyer_key(order: Order) -> str:
    return order.checkout.buyer_id_key


def released_days_ago(order: Order, days: int) -> None:
    """Arrange: customs released the goods `days` ago."""
    OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.CLEARED).update(
        changed_at=timezone.now() - timedelta(days=days)
    )


def test_goods_back_in_time_give_the_allowance_back_and_cancel_the_tax(trade: Trade):
    order = delivered(trade)
    year = order.quota_year
    used = quota_used(buyer_key=buyer_key(order), year=year or 0)
    assert used == order.cbec_value_cny
    assert declaration_of(order).total_tax is not None

    asked = order_return_request(order=order, reason="Wrong flavour")
    back = order_return_receive(order=asked)

    assert (asked.status, back.status) == (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED)
    assert back.quota_state == QuotaState.RETURNED
    assert quota_used(buyer_key=buyer_key(order), year=year or 0) == 0
    declaration = declaration_of(order)
    assert declaration.tax_cancelled_at is not None
    assert AuditEntry.objects.filter(
        action="declaration.tax_cancelled", object_id=str(declaration.pk)
    ).exists()
    event = OutboxEvent.objects.filter(type=DECLARATION_TAX_CANCELLED).get()
    assert event.data["order_id"] == str(order.pk)


def test_returned_goods_are_then_refunded_in_full(trade: Trade):
    order = order_return_receive(
        order=order_return_request(order=delivered(trade), reason="Damaged box")
    )

    refunded = refund_record(
        provider=trade.provider,
        order_id=order.pk,
        transaction_id="RF-RETURN-1",
        amount=order.amount_due,
        currency=order.currency,
        reason="returned",
    )

    refunded.order.refresh_from_db()
    assert refunded.order.status == OrderStatus.REFUNDED


def test_a_return_asked_after_thirty_days_is_refused(trade: Trade):
    order = delivered(trade)
    released_days_ago(order, 31)

    with pytest.raises(DomainError) as refused:
        order_return_request(order=order, reason="Changed my mind")

    assert refused.value.code == "return_window_closed"
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_goods_back_after_forty_five_days_change_nothing(trade: Trade):
    order = order_return_request(order=delivered(trade), reason="Too sweet")
    released_days_ago(order, 46)
    used = quota_used(buyer_key=buyer_key(order), year=order.quota_year or 0)

    with pytest.raises(DomainError) as refused:
        order_return_receive(order=order)

    assert refused.value.code == "return_goods_late"
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURN_REQUESTED
    assert quota_used(buyer_key=buyer_key(order), year=order.quota_year or 0) == used
    assert declaration_of(order).tax_cancelled_at is None


def test_a_return_needs_a_reason_and_delivered_goods(trade: Trade):
    with pytest.raises(DomainError) as no_reason:
        order_return_request(order=delivered(trade), reason="  ")
    assert no_reason.value.code == "reason_required"

    unpaid = place(trade)
    with pytest.raises(InvalidTransition):
        order_return_request(order=unpaid, reason="Not wanted")

    never_released = place(trade)
    Order.objects.filter(pk=never_released.pk).update(status=OrderStatus.DELIVERED)  # arrange
    with pytest.raises(DomainError) as refused:
        order_return_request(order=never_released, reason="Not wanted")
    assert refused.value.code == "return_not_released"

    on_its_way = cleared_order(trade)
    with pytest.raises(InvalidTransition):
        order_return_request(order=on_its_way, reason="Not wanted")
