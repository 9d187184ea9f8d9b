"""Shipments for many cleared orders at once: the rules of `shipment_create`, written together,
with one routing job for the lot."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import psycopg2
import pytest
from django.db import connections

from ewtp.core.errors import DomainError
from ewtp.events import bus
from ewtp.events.models import OutboxEvent
from logistics import handlers as logistics_handlers
from logistics import tasks, tracking_numbers
from logistics.events import SHIPMENT_CREATED
from logistics.models import Shipment, ShipmentStatus, ShipmentStatusChange
from logistics.services import ShipmentRequest, shipment_create_many
from marketplace.events import ORDER_CLEARED
from marketplace.models import OrderStatus
from marketplace.services import OrderMove, orders_clear
from tests.db_locks import waiting_on_locks
from tests.marketplace.flows import pay, place, product, trade_setup
from tests.worker.conftest import database_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared_without_shipments(trade, monkeypatch):
    """Orders customs cleared, with logistics' subscriber detached so no shipment exists yet."""
    monkeypatch.setitem(
        bus._handlers,
        ORDER_CLEARED,
        [h for h in bus._handlers[ORDER_CLEARED] if h is not logistics_handlers.on_order_cleared],
    )

    def make(count):
        orders = [pay(trade, place(trade)) for _ in range(count)]
        orders_clear(moves=[OrderMove(o.pk) for o in orders])
        for order in orders:
            order.refresh_from_db()
            assert order.status == OrderStatus.CLEARED
        return orders

    return make


def request(trade, order, *, airport="HGH", weight="0.700"):
    return ShipmentRequest(
        order_id=order.pk,
        order_reference=order.reference,
        marketplace=trade.marketplace,
        merchant=trade.merchant,
        consignee_country="CN",
        destination_iata=airport,
        weight_kg=Decimal(weight),
    )


def test_each_order_gets_a_shipment_and_one_routing_job_is_queued(
    trade, cleared_without_shipments, monkeypatch, django_capture_on_commit_callbacks
):
    orders = cleared_without_shipments(3)
    runs: list[object] = []
    monkeypatch.setattr(tasks.route_ready_shipments, "delay", lambda *a: runs.append(a))
    monkeypatch.setattr(tasks.route_shipment, "delay", lambda *a: runs.append(("one", *a)))

    with django_capture_on_commit_callbacks(execute=True):
        shipments = shipment_create_many(requests=[request(trade, o) for o in orders])

    assert [s.order_id for s in shipments] == [o.pk for o in orders]
    assert len({s.tracking_number for s in shipments}) == 3
    assert all(tracking_numbers.is_valid(s.tracking_number) for s in shipments)
    assert {s.status for s in shipments} == {ShipmentStatus.CREATED}
    assert ShipmentStatusChange.objects.filter(shipment__in=shipments).count() == 3
    created = OutboxEvent.objects.filter(type=SHIPMENT_CREATED)
    assert sorted(e.data["tracking_number"] for e in created) == sorted(
        s.tracking_number for s in shipments
    )
    assert runs == [()]  # one routing run for the lot
    for order in orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.HANDED_TO_LOGISTICS


def test_an_order_asked_for_twice_gets_one_shipment_and_one_event(trade, cleared_without_shipments):
    first, second = cleared_without_shipments(2)

    shipments = shipment_create_many(
        requests=[request(trade, first), request(trade, second), request(trade, first)]
    )

    assert shipments[0].pk == shipments[2].pk != shipments[1].pk
    assert Shipment.objects.count() == 2
    assert OutboxEvent.objects.filter(type=SHIPMENT_CREATED).count() == 2


def test_a_release_delivered_again_returns_the_shipments_and_publishes_nothing(
    trade, cleared_without_shipments, monkeypatch, django_capture_on_commit_callbacks
):
    orders = cleared_without_shipments(2)
    shipments = shipment_create_many(requests=[request(trade, o) for o in orders])
    events = OutboxEvent.objects.count()
    monkeypatch.setattr(tasks.route_ready_shipments, "delay", lambda *a: pytest.fail("queued"))

    with django_capture_on_commit_callbacks(execute=True):
        again = shipment_create_many(requests=[request(trade, o) for o in orders])

    assert [s.pk for s in again] == [s.pk for s in shipments]
    assert OutboxEvent.objects.count() == events
    assert ShipmentStatusChange.objects.count() == 2


def test_one_airport_the_hub_does_not_serve_refuses_the_lot(trade, cleared_without_shipments):
    served, unserved = cleared_without_shipments(2)

    with pytest.raises(DomainError) as refused:
        shipment_create_many(
            requests=[request(trade, served), request(trade, unserved, airport="JFK")]
        )

    assert refused.value.code == "destination_not_served"
    assert not Shipment.objects.exists()


def test_a_weightless_shipment_refuses_the_lot(trade, cleared_without_shipments):
    heavy, weightless = cleared_without_shipments(2)

    with pytest.raises(DomainError) as refused:
        shipment_create_many(
            requests=[request(trade, heavy), request(trade, weightless, weight="0")]
        )

    assert refused.value.code == "weight_not_positive"
    assert not Shipment.objects.exists()


def test_tracking_numbers_already_taken_are_drawn_again(
    trade, cleared_without_shipments, monkeypatch
):
    first, second, third = cleared_without_shipments(3)
    [taken] = shipment_create_many(requests=[request(trade, first)])
    draws = iter([taken.tracking_number, "EW000000014BE", "EW000000028BE", "EW000000031BE"])
    monkeypatch.setattr(tracking_numbers, "generate", lambda: next(draws))

    shipments = shipment_create_many(requests=[request(trade, second), request(trade, third)])

    assert [s.tracking_number for s in shipments] == ["EW000000014BE", "EW000000028BE"]


@pytest.mark.django_db(transaction=True)
def test_a_tracking_number_another_transaction_commits_meanwhile_is_drawn_again(monkeypatch):
    # Given cleared orders, and another transaction that has inserted a shipment with the
    # number drawn first here but not yet committed it (so the check cannot see it).
    trade = trade_setup()
    product(trade)
    monkeypatch.setitem(
        bus._handlers,
        ORDER_CLEARED,
        [h for h in bus._handlers[ORDER_CLEARED] if h is not logistics_handlers.on_order_cleared],
    )
    orders = [pay(trade, place(trade)) for _ in range(3)]
    orders_clear(moves=[OrderMove(o.pk) for o in orders])
    elsewhere, *mine = orders
    other = psycopg2.connect(database_url())
    other.cursor().execute(
        "INSERT INTO logistics_shipment (id, order_id, order_reference, marketplace_id, "
        "merchant_id, consignee_country, destination_id, weight_kg, volume_m3, service_level, "
        "customs_hold, waiting_reason, tracking_number, status, tracking_status, tracking_rank, "
        "created_at, updated_at, direction) VALUES (%s, %s, 'X', %s, %s, 'CN', 'HGH', 1, 0, "
        "'standard', false, '', 'EW000000014BE', 'created', 'info_received', 0, now(), now(), "
        "'outbound')",
        [str(uuid.uuid4()), str(elsewhere.pk), str(trade.marketplace.pk), str(trade.merchant.pk)],
    )
    draws = iter(["EW000000014BE", "EW000000028BE", "EW000000028BE", "EW000000031BE"])
    monkeypatch.setattr(tracking_numbers, "generate", lambda: next(draws))
    outcome: list[object] = []

    def create() -> None:
        try:
            outcome.extend(shipment_create_many(requests=[request(trade, o) for o in mine]))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            outcome.append(error)
        finally:
            connections.close_all()

    # When the insert waits on the other transaction, which then commits.
    worker = threading.Thread(target=create)
    worker.start()
    try:
        waiting_on_locks(1, time.monotonic() + 20)
        other.commit()
    finally:
        other.close()
    worker.join(timeout=60)

    # Then the numbers are drawn again and both shipments exist.
    assert [getattr(s, "tracking_number", s) for s in outcome] == [
        "EW000000028BE",
        "EW000000031BE",
    ]
