"""The order's moves on customs' decisions, for many orders at once: held, or cleared and then
handed to logistics. A batched clearance decides up to 200 declarations in one transaction,
and its subscribers move their orders set-wise (one locking read, one UPDATE, one INSERT of
status rows, one `publish_many`); the single-order services are these with one order.

Orders are locked in one query ordered by id, so two batches that share orders take their
locks in the same order and wait for each other rather than deadlock. Each move is checked
against the transition table in the order asked, as if the moves were made one by one: a
move the table refuses (an order asked to clear twice, say) raises InvalidTransition and the
transaction writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ewtp.events.bus import EventDraft, publish_many
from marketplace.events import EVENT_FOR_STATUS, order_event_data
from marketplace.models import Order, OrderStatus, OrderStatusChange, QuotaState
from marketplace.services.orders import _quota_settle, transition_check


@dataclass(frozen=True, slots=True)
class OrderMove:
    """One order to move, and why (the status row's reason)."""

    order_id: uuid.UUID
    reason: str = ""


def _locked(moves: Sequence[OrderMove]) -> dict[uuid.UUID, Order]:
    """The orders of the moves, locked in id order (with their checkouts, not locked)."""
    ids = sorted({move.order_id for move in moves})
    locked = {
        order.pk: order
        for order in Order.objects.select_related("checkout")
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
    }
    missing = [pk for pk in ids if pk not in locked]
    if missing:
        raise Order.DoesNotExist(f"No order {missing[0]}.")
    return locked


def _orders_move(*, moves: Sequence[OrderMove], to: OrderStatus) -> list[Order]:
    """Lock, check every move, then write them together: the orders, their status rows, and
    one event each (published together, in the moves' order). Returns the orders as they
    stand once the events' subscribers have run, in the moves' order."""
    if not moves:
        return []
    locked = _locked(moves)
    now = timezone.now()
    changes = []
    for move in moves:
        order = locked[move.order_id]
        transition_check(order, to)
        changes.append(
            OrderStatusChange(
                order=order,
                from_status=order.status,
                to_status=to,
                reason=move.reason[:500],
                changed_at=now,
            )
        )
        order.status = to
    if to == OrderStatus.CLEARED:
        # GACC 2018 No. 194: cleared goods make the buyer's CBEC quota reservation final.
        # Buyer by buyer in one order, so batches sharing a buyer never wait on each other
        # in opposite orders for the ledger's lock.
        for order in sorted(
            locked.values(),
            key=lambda o: (o.checkout.buyer_id_key, o.quota_year or 0, str(o.pk)),
        ):
            _quota_settle(order, to=QuotaState.COMMITTED)
    Order.objects.filter(pk__in=list(locked)).update(status=to, updated_at=now)
    OrderStatusChange.objects.bulk_create(changes)
    moved = {
        order.pk: order
        for order in Order.objects.select_related(
            "marketplace", "merchant", "payment_provider", "checkout"
        )
        .prefetch_related("lines")
        .filter(pk__in=list(locked))
    }
    publish_many(
        [
            EventDraft(
                type=EVENT_FOR_STATUS[to],
                data=order_event_data(moved[move.order_id]),
                recipients=[moved[move.order_id].marketplace, moved[move.order_id].merchant],
            )
            for move in moves
        ]
    )
    # In-process subscribers of the events may already have moved the orders further.
    after = Order.objects.in_bulk(list(locked))
    return [after[move.order_id] for move in moves]


@transaction.atomic
def orders_clear(*, moves: Sequence[OrderMove]) -> list[Order]:
    """Customs released the goods of these orders: each becomes cleared, and the buyer's CBEC
    quota reservation final. Only an order customs has (submitted or held) can clear."""
    return _orders_move(moves=moves, to=OrderStatus.CLEARED)


@transaction.atomic
def orders_hold(*, moves: Sequence[OrderMove]) -> list[Order]:
    """Customs held the goods of these orders pending a check."""
    return _orders_move(moves=moves, to=OrderStatus.HELD)


@transaction.atomic
def orders_hand_to_logistics(*, moves: Sequence[OrderMove]) -> list[Order]:
    """The hub has shipments for these cleared orders."""
    return _orders_move(moves=moves, to=OrderStatus.HANDED_TO_LOGISTICS)


@transaction.atomic
def order_clear(*, order_id: uuid.UUID, reason: str = "") -> Order:
    """Customs released the goods: the buyer's CBEC quota reservation becomes final."""
    return orders_clear(moves=[OrderMove(order_id, reason)])[0]


@transaction.atomic
def order_hold(*, order_id: uuid.UUID, reason: str) -> Order:
    """Customs held the goods pending a check."""
    return orders_hold(moves=[OrderMove(order_id, reason)])[0]


@transaction.atomic
def order_hand_to_logistics(*, order_id: uuid.UUID, tracking_number: str) -> Order:
    """The hub has a shipment for the cleared goods."""
    return orders_hand_to_logistics(moves=[OrderMove(order_id, f"shipment {tracking_number}")])[0]
