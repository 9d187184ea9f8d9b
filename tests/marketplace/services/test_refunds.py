"""Refunds never exceed captures; a full refund moves the order to refunded, and puts the stock
back only if the goods never left the hub."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from ewtp.core.errors import Conflict, DomainError, InvalidTransition
from ewtp.events.models import OutboxEvent
from marketplace.models import Order, OrderStatus, Product, Refund
from marketplace.services import refund_record
from tests.marketplace.flows import pay, place, product, trade_setup

pytestmark = pytest.mark.django_db

D = Decimal


def refund(trade, order, amount: str, tx: str, **change):
    arguments = {
        "provider": trade.provider,
        "order_id": order.pk,
        "transaction_id": tx,
        "amount": D(amount),
        "currency": "EUR",
        "reason": "damaged in transit",
    } | change
    return refund_record(**arguments)


def delivered(trade) -> Order:
    order = pay(trade, place(trade))  # 61.00 EUR: 49.00 of goods + 12.00 of freight
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)  # arrange
    order.refresh_from_db()
    return order


def test_partial_refunds_add_up_and_the_last_one_makes_it_refunded(trade):
    order = delivered(trade)

    first = refund(trade, order, "20.00", "RF-1")
    again = refund(trade, order, "20.00", "RF-1")
    last = refund(trade, order, "41.00", "RF-2")

    assert (first.created, again.created) == (True, False)
    assert first.order.status == OrderStatus.DELIVERED
    assert first.order.refunded_total == D("20.00")
    assert last.order.status == OrderStatus.REFUNDED
    assert last.order.refunded_total == D("61.00")
    assert Product.objects.get(sku="PRL-250").stock == 98  # delivered goods stay with the buyer
    assert OutboxEvent.objects.filter(type="marketplace.refund.recorded").count() == 2
    assert OutboxEvent.objects.filter(type="marketplace.order.refunded").count() == 1


def test_a_refund_beyond_what_was_captured_is_refused(trade):
    order = delivered(trade)
    refund(trade, order, "52.00", "RF-1")

    with pytest.raises(Conflict) as refused:
        refund(trade, order, "9.01", "RF-2")

    assert (refused.value.code, refused.value.field) == ("refund_exceeds_capture", "amount")
    assert Refund.objects.count() == 1


def test_a_full_refund_before_the_goods_left_puts_the_stock_back(trade):
    order = pay(trade, place(trade))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.HELD)  # customs holds it

    done = refund(trade, order, "61.00", "RF-1")

    assert done.order.status == OrderStatus.REFUNDED
    assert Product.objects.get(sku="PRL-250").stock == 100


@pytest.mark.parametrize(
    "status", [OrderStatus.PLACED, OrderStatus.HANDED_TO_LOGISTICS, OrderStatus.COMPLETED]
)
def test_an_order_in_no_state_to_refund_is_a_409(trade, status):
    order = pay(trade, place(trade))
    Order.objects.filter(pk=order.pk).update(status=status)

    with pytest.raises(InvalidTransition) as refused:
        refund(trade, order, "1.00", "RF-1")

    assert refused.value.code == "order_not_refundable"


def test_a_refund_in_another_currency_or_reusing_a_transaction_is_refused(trade):
    order = delivered(trade)
    refund(trade, order, "1.00", "RF-1")

    with pytest.raises(DomainError) as currency:
        refund(trade, order, "1.00", "RF-2", currency="USD")
    with pytest.raises(Conflict) as reused:
        refund(trade, order, "2.00", "RF-1")

    assert currency.value.code == "refund_currency_mismatch"
    assert reused.value.code == "transaction_id_reused"


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_exceed_the_capture():
    trade = trade_setup()
    product(trade)
    order = pay(trade, place(trade))  # 61.00 captured: 49.00 of goods + 12.00 of freight
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            refund(trade, order, "25.00", f"RF-{n}")
            outcome = "refunded"
        except Conflict as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refund_exceeds_capture"] * 2 + ["refunded"] * 2
    order.refresh_from_db()
    assert order.refunded_total == D("50.00")
    assert sum(r.amount for r in Refund.objects.filter(order=order)) == D("50.00")
