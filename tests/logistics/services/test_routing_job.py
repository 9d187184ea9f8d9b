"""The routing job plans every ready parcel at once; cancellations and holds re-plan."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.events.models import OutboxEvent
from logistics.handlers import on_declarations_held, on_declarations_released
from logistics.models import (
    Flight,
    FlightStatus,
    RoutingRun,
    RoutingRunStatus,
    ServiceLevel,
    Shipment,
    ShipmentStatus,
    ShipmentStatusChange,
    WaitingReason,
)
from logistics.services import (
    airport_upsert,
    flight_cancel,
    routing_run,
    routing_run_request,
    shipment_customs_hold,
    shipments_plan,
)
from tests.logistics.factories import carrier, flight, network, waiting_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    _, hgh = network()
    return hgh, carrier()


def _capacity(f: Flight, kg: str, m3: str = "150") -> Flight:
    Flight.objects.filter(pk=f.pk).update(capacity_kg=Decimal(kg), capacity_m3=Decimal(m3))
    f.refresh_from_db()
    return f


def test_the_job_books_by_priority_within_weight_and_volume_and_explains_the_rest(hub):
    hgh, operator = hub
    early = _capacity(flight(operator, hgh, departs_in=timedelta(hours=6)), "3", "0.05")
    later = _capacity(flight(operator, hgh, departs_in=timedelta(hours=30)), "1", "1")
    old = timezone.now() - timedelta(days=2)
    express = waiting_parcel(hgh, service_level=ServiceLevel.EXPRESS, weight_kg=Decimal("2"))
    bulky = waiting_parcel(hgh, created_at=old, volume_m3=Decimal("0.06"))
    standard = waiting_parcel(hgh, created_at=old, weight_kg=Decimal("1"))
    too_heavy = waiting_parcel(hgh, weight_kg=Decimal("5"))
    held = waiting_parcel(hgh, customs_hold=True)

    outcome = shipments_plan()

    assert outcome.routed == 3
    assert outcome.waiting == {"OVER_CAPACITY": 1, "CUSTOMS_HOLD": 1}
    placed = dict(Shipment.objects.values_list("pk", "flight_id"))
    assert placed[express.pk] == early.pk
    assert placed[standard.pk] == early.pk
    assert placed[bulky.pk] == later.pk  # 0.06 m³ does not fit the early flight's 0.05
    assert placed[too_heavy.pk] is None
    assert placed[held.pk] is None
    reasons = dict(Shipment.objects.values_list("pk", "waiting_reason"))
    assert reasons[too_heavy.pk] == WaitingReason.OVER_CAPACITY
    assert reasons[held.pk] == WaitingReason.CUSTOMS_HOLD
    assert reasons[express.pk] == ""
    early.refresh_from_db()
    later.refresh_from_db()
    assert (early.booked_kg, early.booked_m3) == (Decimal("3.000"), Decimal("0"))
    assert (later.booked_kg, later.booked_m3) == (Decimal("1.000"), Decimal("0.0600"))
    routed = Shipment.objects.get(pk=express.pk)
    assert routed.status == ShipmentStatus.ROUTED
    assert routed.carrier_id == operator.pk
    assert ShipmentStatusChange.objects.filter(to_status=ShipmentStatus.ROUTED).count() == 3
    batches = OutboxEvent.objects.filter(type="logistics.shipments.batch_routed")
    assert batches.count() == 4  # three marketplaces, one carrier
    to_carrier = batches.get(recipient_ids=[operator.pk])
    assert sum(f["shipments_booked"] for f in to_carrier.data["flights"]) == 3


def test_a_parcel_whose_flights_have_closed_or_do_not_exist_is_explained(hub):
    hgh, operator = hub
    pvg = airport_upsert(
        iata="PVG", name="Pudong", city="Shanghai", country="CN", timezone_name="Asia/Shanghai"
    )
    flight(operator, hgh, departs_in=timedelta(hours=2))  # cut-off 4 h before: passed
    late = waiting_parcel(hgh)
    nowhere = waiting_parcel(pvg)

    shipments_plan()

    reasons = dict(Shipment.objects.values_list("pk", "waiting_reason"))
    assert reasons[late.pk] == WaitingReason.AFTER_CUTOFF
    assert reasons[nowhere.pk] == WaitingReason.NO_FLIGHT
    assert not Shipment.objects.filter(status=ShipmentStatus.ROUTED).exists()


def test_cancelling_a_flight_moves_only_its_parcels_and_queues_a_replan(
    hub, django_capture_on_commit_callbacks, monkeypatch
):
    hgh, operator = hub
    doomed = flight(operator, hgh, departs_in=timedelta(hours=8))
    kept = flight(operator, hgh, departs_in=timedelta(hours=20))
    spare = flight(operator, hgh, departs_in=timedelta(hours=40))
    _capacity(doomed, "2")
    _capacity(kept, "2")
    parcels = [waiting_parcel(hgh) for _ in range(4)]
    shipments_plan()
    on_kept = set(Shipment.objects.filter(flight=kept).values_list("pk", flat=True))
    assert len(on_kept) == 2
    queued: list[str] = []
    monkeypatch.setattr("logistics.tasks.route_ready_shipments.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        flight_cancel(flight_id=doomed.pk, reason="aircraft unserviceable")

    doomed.refresh_from_db()
    assert doomed.status == FlightStatus.CANCELLED
    assert doomed.booked_kg == 0
    assert len(queued) == 1
    assert RoutingRun.objects.get(pk=queued[0]).trigger.startswith("flight ")
    displaced = Shipment.objects.filter(status=ShipmentStatus.CREATED)
    assert displaced.count() == 2
    assert set(Shipment.objects.filter(flight=kept).values_list("pk", flat=True)) == on_kept
    assert OutboxEvent.objects.filter(type="logistics.flight.cancelled").exists()

    run = routing_run(run_id=RoutingRun.objects.get().pk)

    assert run is not None
    assert run.status == RoutingRunStatus.DONE
    assert (run.parcels, run.routed, run.waiting) == (2, 2, 0)
    assert set(Shipment.objects.filter(flight=kept).values_list("pk", flat=True)) == on_kept
    assert Shipment.objects.filter(flight=spare).count() == 2
    assert {p.pk for p in parcels} == set(
        Shipment.objects.filter(status=ShipmentStatus.ROUTED).values_list("pk", flat=True)
    )
    # Cancelling again changes nothing.
    assert flight_cancel(flight_id=doomed.pk).status == FlightStatus.CANCELLED


def test_a_customs_hold_unbooks_a_booked_parcel_and_it_is_never_booked_while_held(hub):
    hgh, operator = hub
    only = flight(operator, hgh)
    parcel = waiting_parcel(hgh, weight_kg=Decimal("2.5"))
    shipments_plan()
    assert Shipment.objects.get(pk=parcel.pk).flight_id == only.pk

    on_declarations_held(
        [OutboxEvent(type="customs.declaration.held", data={"order_id": str(parcel.order_id)})]
    )
    shipments_plan()

    held = Shipment.objects.get(pk=parcel.pk)
    assert held.customs_hold
    assert held.status == ShipmentStatus.CREATED
    assert held.flight_id is None
    assert held.waiting_reason == WaitingReason.CUSTOMS_HOLD
    only.refresh_from_db()
    assert only.booked_kg == 0
    assert OutboxEvent.objects.filter(type="logistics.shipment.unbooked").count() == 1

    on_declarations_released(
        [OutboxEvent(type="customs.declaration.released", data={"order_id": str(parcel.order_id)})]
    )
    shipments_plan()
    assert Shipment.objects.get(pk=parcel.pk).flight_id == only.pk


def test_a_hold_for_an_order_without_a_shipment_changes_nothing(hub):
    assert shipment_customs_hold(order_id=uuid.uuid4()) is None


def test_asking_for_a_replan_twice_queues_one_run(hub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = routing_run_request(trigger="staff")
        second = routing_run_request(trigger="staff")

    assert first.pk == second.pk
    assert len(callbacks) == 1


def test_a_beat_run_with_nothing_ready_leaves_no_row(hub):
    assert routing_run() is None
    assert not RoutingRun.objects.exists()


def test_a_batch_of_releases_and_holds_finds_the_shipped_orders_in_one_query(
    hub, django_assert_num_queries
):
    hgh, operator = hub
    flight(operator, hgh)
    parcel = waiting_parcel(hgh, weight_kg=Decimal("2.5"))
    unshipped = [str(uuid.uuid4()) for _ in range(50)]

    # A clearance batch holds 50 orders not yet shipped: one query, nothing changes.
    with django_assert_num_queries(1):
        on_declarations_held(
            [
                OutboxEvent(type="customs.declaration.held", data={"order_id": order_id})
                for order_id in unshipped
            ]
        )
    on_declarations_held(
        [OutboxEvent(type="customs.declaration.held", data={"order_id": str(parcel.order_id)})]
    )
    assert Shipment.objects.get(pk=parcel.pk).customs_hold

    # Releasing them all with the shipped one among them lifts that one's hold only.
    with django_assert_num_queries(1):
        on_declarations_released(
            [
                OutboxEvent(type="customs.declaration.released", data={"order_id": order_id})
                for order_id in unshipped
            ]
        )
    on_declarations_released(
        [
            OutboxEvent(type="customs.declaration.released", data={"order_id": order_id})
            for order_id in [*unshipped, str(parcel.order_id)]
        ]
    )
    assert not Shipment.objects.get(pk=parcel.pk).customs_hold
