"""Orders not paid within the payment window expire, set-wise, giving their stock back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.errors import InvalidTransition
from ewtp.events.models import OutboxEvent
from marketplace.models import Order, OrderStatus, OrderStatusChange, Product
from marketplace.services import orders_expire_unpaid
from marketplace.tasks import expire_unpaid_orders
from tests.marketplace.flows import pay, place

pytestmark = pytest.mark.django_db


def age(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_unpaid_orders_past_the_window_expire_and_give_their_stock_back(trade, settings):
    settings.ORDER_PAYMENT_WINDOW = timedelta(minutes=30)
    stale = place(trade, lines=[("PRL-250", 3)])
    fresh = place(trade, lines=[("PRL-250", 2)])
    paid = pay(trade, place(trade, lines=[("PRL-250", 1)]))
    for order in (stale, paid):
        age(order, 31)
    age(fresh, 29)

    expired = orders_expire_unpaid()

    assert expired == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[stale.pk] == OrderStatus.EXPIRED
    assert statuses[fresh.pk] == OrderStatus.PLACED
    assert statuses[paid.pk] == OrderStatus.CUSTOMS_SUBMITTED
    assert Product.objects.get(sku="PRL-250").stock == 97  # 100 - 2 - 1
    audit = OrderStatusChange.objects.get(order=stale, to_status=OrderStatus.EXPIRED)
    assert audit.from_status == OrderStatus.PLACED
    assert audit.reason.startswith("expired")
    event = OutboxEvent.objects.get(type="marketplace.order.expired")
    assert event.data["id"] == str(stale.pk)


def test_the_job_works_in_batches_until_none_is_left(trade, settings, monkeypatch):
    for _ in range(5):
        age(place(trade, lines=[("PRL-250", 1)]), 45)
    monkeypatch.setattr("marketplace.services.EXPIRY_BATCH", 2)
    batches: list[int] = []
    real = orders_expire_unpaid

    def counting() -> int:
        done = real(batch_size=2)
        batches.append(done)
        return done

    monkeypatch.setattr("marketplace.services.orders_expire_unpaid", counting)

    assert expire_unpaid_orders.apply().get() == 5
    assert batches == [2, 2, 1]
    assert not Order.objects.filter(status=OrderStatus.PLACED).exists()
    assert Product.objects.get(sku="PRL-250").stock == 100


def test_an_expired_order_cannot_be_paid(trade):
    order = place(trade)
    age(order, 60)
    orders_expire_unpaid()

    with pytest.raises(InvalidTransition) as refused:
        pay(trade, order)

    assert refused.value.code == "order_invalid_transition"
