"""The order's moves after release, for many orders at once: the same rules as one by one
(the transition table, the quota made final), written together, locked in id order."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg2
import pytest
from django.db import connection, connections, transaction

from ewtp.core.errors import InvalidTransition
from ewtp.events.models import OutboxEvent
from marketplace.events import ORDER_CLEARED
from marketplace.models import Order, OrderStatus, OrderStatusChange, QuotaState
from marketplace.services import OrderMove, orders_clear, orders_hold
from tests.db_locks import waiting_on_locks
from tests.marketplace.flows import pay, place, product, shipment_of, trade_setup
from tests.worker.conftest import database_url

pytestmark = pytest.mark.django_db


def submitted(trade, count):
    """Paid orders whose declarations customs has (not yet cleared)."""
    return [pay(trade, place(trade)) for _ in range(count)]


def test_orders_clear_together_and_each_goes_on_to_logistics(trade):
    orders = submitted(trade, 3)

    moved = orders_clear(moves=[OrderMove(o.pk, "released") for o in orders])

    assert [o.pk for o in moved] == [o.pk for o in orders]
    assert {o.status for o in moved} == {OrderStatus.HANDED_TO_LOGISTICS}
    for order in orders:
        changes = OrderStatusChange.objects.filter(order=order).order_by("id")
        assert [(c.to_status, c.reason.split(" ")[0]) for c in changes][-2:] == [
            (OrderStatus.CLEARED, "released"),
            (OrderStatus.HANDED_TO_LOGISTICS, "shipment"),
        ]
        last = changes.last()
        assert last is not None
        assert shipment_of(order).tracking_number in last.reason
    cleared = OutboxEvent.objects.filter(type=ORDER_CLEARED).order_by("occurred_at", "id")
    assert sorted(e.data["id"] for e in cleared) == sorted(str(o.pk) for o in orders)
    assert {e.data["status"] for e in cleared} == {OrderStatus.CLEARED}


def test_the_buyers_quota_reservations_become_final(trade):
    orders = submitted(trade, 2)
    assert {o.quota_state for o in orders} == {QuotaState.RESERVED}

    orders_clear(moves=[OrderMove(o.pk) for o in orders])

    states = Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("quota_state")
    assert {state for (state,) in states} == {QuotaState.COMMITTED}


def test_one_illegal_move_among_legal_ones_refuses_them_all(trade):
    legal = submitted(trade, 2)
    unpaid = place(trade)
    changes, events = OrderStatusChange.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(InvalidTransition) as refused:
        orders_clear(moves=[OrderMove(legal[0].pk), OrderMove(unpaid.pk), OrderMove(legal[1].pk)])

    assert refused.value.code == "order_invalid_transition"
    assert "placed cannot become cleared" in str(refused.value)
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert [statuses[o.pk] for o in [*legal, unpaid]] == [
        OrderStatus.CUSTOMS_SUBMITTED,
        OrderStatus.CUSTOMS_SUBMITTED,
        OrderStatus.PLACED,
    ]
    assert (OrderStatusChange.objects.count(), OutboxEvent.objects.count()) == (changes, events)


def test_an_order_asked_to_clear_twice_is_refused_as_two_calls_would_be(trade):
    order, other = submitted(trade, 2)

    with pytest.raises(InvalidTransition) as refused:
        orders_clear(moves=[OrderMove(order.pk), OrderMove(other.pk), OrderMove(order.pk)])

    assert "cleared cannot become cleared" in str(refused.value)
    order.refresh_from_db()
    assert order.status == OrderStatus.CUSTOMS_SUBMITTED


def test_a_release_delivered_again_is_refused_and_changes_nothing(trade):
    orders = submitted(trade, 2)
    orders_clear(moves=[OrderMove(o.pk) for o in orders])
    events = OutboxEvent.objects.count()

    with pytest.raises(InvalidTransition):
        orders_clear(moves=[OrderMove(o.pk) for o in orders])

    assert OutboxEvent.objects.count() == events
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {
        OrderStatus.HANDED_TO_LOGISTICS
    }


def test_orders_customs_held_are_held_together_with_their_reasons(trade):
    orders = submitted(trade, 2)

    held = orders_hold(moves=[OrderMove(o.pk, f"check {n}") for n, o in enumerate(orders)])

    assert {o.status for o in held} == {OrderStatus.HELD}
    reasons = [OrderStatusChange.objects.filter(order=o).order_by("id").last() for o in orders]
    assert [r.reason for r in reasons if r is not None] == ["check 0", "check 1"]
    assert {o.quota_state for o in held} == {QuotaState.RESERVED}  # decided later, not on hold


def test_no_moves_write_nothing(trade):
    assert orders_clear(moves=[]) == []
    assert not OutboxEvent.objects.filter(type=ORDER_CLEARED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_batches_sharing_orders_in_opposite_orders_wait_rather_than_deadlock():
    # Given six submitted orders, and a third transaction holding the middle one, so that both
    # batches are mid-way through their locking when they meet.
    trade = trade_setup()
    product(trade)
    orders = submitted(trade, 6)
    ids = sorted(o.pk for o in orders)
    holder = psycopg2.connect(database_url())
    holder.cursor().execute(
        "SELECT 1 FROM marketplace_order WHERE id = %s FOR UPDATE", [str(ids[3])]
    )
    outcomes: dict[str, str] = {}

    def batch(name: str, order_ids: list[uuid.UUID]) -> None:
        try:
            with transaction.atomic():
                orders_clear(moves=[OrderMove(pk, name) for pk in order_ids])
            outcomes[name] = "cleared"
        except InvalidTransition:
            outcomes[name] = "refused"
        except Exception as error:  # noqa: BLE001 (a deadlock or anything else fails the test below)
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    # When one batch asks in id order and the other in the opposite order.
    threads = [
        threading.Thread(target=batch, args=("forward", ids)),
        threading.Thread(target=batch, args=("backward", ids[::-1])),
    ]
    for thread in threads:
        thread.start()
    try:
        waiting_on_locks(2, time.monotonic() + 20)
    finally:
        holder.rollback()
        holder.close()
    for thread in threads:
        thread.join(timeout=60)

    # Then one batch clears them all and the other, having waited, is refused by the table.
    assert sorted(outcomes.values()) == ["cleared", "refused"], outcomes
    connection.close()
    assert {o.status for o in Order.objects.filter(pk__in=ids)} == {OrderStatus.HANDED_TO_LOGISTICS}
    clearings = OrderStatusChange.objects.filter(order_id__in=ids, to_status=OrderStatus.CLEARED)
    assert clearings.count() == 6
