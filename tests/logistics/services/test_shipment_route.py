from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from ewtp.events.models import OutboxEvent
from logistics.models import Flight, FlightStatus, ShipmentStatus, ShipmentStatusChange
from logistics.services import airport_upsert, shipment_route, shipments_route_ready
from logistics.tasks import route_ready_shipments, route_shipment
from tests.marketplace.flows import cleared_order, flight, product, shipment_of, trade_setup

pytestmark = pytest.mark.django_db


def test_the_earliest_open_flight_with_room_is_booked(trade):
    later = flight(trade, departs_in=timedelta(days=2))
    closed = flight(trade, departs_in=timedelta(hours=3), cutoff_before=timedelta(hours=4))
    full = flight(trade, departs_in=timedelta(hours=12), capacity_kg="0.5")
    cancelled = flight(trade, departs_in=timedelta(hours=13))
    Flight.objects.filter(pk=cancelled.pk).update(status=FlightStatus.CANCELLED)
    earliest_fit = flight(trade, departs_in=timedelta(hours=20))
    shipment = shipment_of(cleared_order(trade))  # 2 x 0.350 kg

    routed = shipment_route(shipment_id=shipment.pk)

    assert routed.status == ShipmentStatus.ROUTED
    assert routed.flight_id == earliest_fit.pk
    assert routed.carrier_id == trade.carrier.pk
    assert routed.routed_at is not None
    earliest_fit.refresh_from_db()
    assert earliest_fit.booked_kg == Decimal("0.700")
    for untouched in (later, closed, full):
        untouched.refresh_from_db()
        assert untouched.booked_kg == 0
    event = OutboxEvent.objects.get(type="logistics.shipment.routed")
    assert event.data["flight"]["id"] == str(earliest_fit.pk)
    assert set(event.recipient_ids) == {trade.marketplace.pk, trade.merchant.pk, trade.carrier.pk}


def test_a_flight_to_another_destination_is_never_booked(trade):
    elsewhere = airport_upsert(
        iata="PVG", name="Pudong", city="Shanghai", country="CN", timezone_name="Asia/Shanghai"
    )
    flight(trade, destination=elsewhere)
    shipment = shipment_of(cleared_order(trade))

    assert shipment_route(shipment_id=shipment.pk).status == ShipmentStatus.CREATED


def test_capacity_is_never_exceeded(trade):
    first = flight(trade, departs_in=timedelta(hours=10), capacity_kg="2.000")
    second = flight(trade, departs_in=timedelta(hours=30), capacity_kg="2.000")
    shipments = [shipment_of(cleared_order(trade)) for _ in range(6)]  # 0.7 kg each

    flights = [shipment_route(shipment_id=s.pk).flight_id for s in shipments]

    assert flights == [first.pk, first.pk, second.pk, second.pk, None, None]
    for booked in (first, second):
        booked.refresh_from_db()
        assert booked.booked_kg == Decimal("1.400")
        assert booked.booked_kg <= booked.capacity_kg


def test_without_a_flight_the_shipment_waits_and_the_beat_books_it_later(trade):
    shipment = shipment_of(cleared_order(trade))
    assert route_shipment(str(shipment.pk)) == "created"

    booked = flight(trade)
    assert route_ready_shipments() == "done"

    shipment.refresh_from_db()
    assert shipment.flight_id == booked.pk


def test_routing_a_booked_shipment_again_changes_nothing(trade):
    flight(trade)
    shipment = shipment_of(cleared_order(trade))
    shipment_route(shipment_id=shipment.pk)
    changes = ShipmentStatusChange.objects.count()

    again = shipment_route(shipment_id=shipment.pk)

    assert again.status == ShipmentStatus.ROUTED
    assert ShipmentStatusChange.objects.count() == changes
    assert Flight.objects.get().booked_kg == Decimal("0.700")
    assert shipments_route_ready() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_routing_cannot_overbook_the_last_space(monkeypatch):
    # This test commits: keep the clearance and routing jobs it would queue off the broker.
    monkeypatch.setattr("customs.tasks.clear_declaration.delay", lambda _id: None)
    monkeypatch.setattr("logistics.tasks.route_shipment.delay", lambda _id: None)
    trade = trade_setup()
    product(trade)
    only = flight(trade, capacity_kg="1.000")
    shipments = [shipment_of(cleared_order(trade)) for _ in range(2)]  # 0.7 kg each
    barrier = threading.Barrier(2)
    statuses: list[str] = []

    def route(shipment_id):
        try:
            barrier.wait(timeout=5)
            statuses.append(shipment_route(shipment_id=shipment_id).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=route, args=(s.pk,)) for s in shipments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == ["created", "routed"]
    only.refresh_from_db()
    assert only.booked_kg == Decimal("0.700")
