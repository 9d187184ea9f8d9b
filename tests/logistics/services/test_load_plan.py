"""The routing job's load plan in the database: parcels in bags, bags in the flight's ULD
positions, written set-wise; cancellations, holds and offloads take parcels out of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from logistics.models import (
    Bag,
    Flight,
    FlightUldAllotment,
    ParcelStowage,
    RoutingRun,
    RoutingRunStatus,
    Shipment,
    ShipmentStatus,
    UldLoad,
    UldType,
    WaitingReason,
)
from logistics.routing_progress import progress_of
from logistics.services import (
    flight_cancel,
    routing_run,
    shipment_customs_hold,
    shipment_offload,
    shipment_route,
    shipments_plan,
    uld_types_load,
)
from tests.logistics.factories import carrier, flight, network, waiting_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(settings):
    settings.LOGISTICS_BAG_MAX_KG = "5"
    settings.LOGISTICS_BAG_TARE_KG = "0.2"
    uld_types_load()
    _, hgh = network()
    return hgh, carrier()


def _allot(f: Flight, **positions: int) -> Flight:
    for code, count in positions.items():
        FlightUldAllotment.objects.create(flight=f, uld_type_id=code, positions=count)
    return f


def test_the_job_bags_parcels_into_the_flights_uld_positions_within_their_limits(hub):
    hgh, operator = hub
    f = _allot(flight(operator, hgh), AKE=2)
    parcels = [
        waiting_parcel(hgh, weight_kg=Decimal("2"), volume_m3=Decimal("0.1")) for _ in range(5)
    ]

    outcome = shipments_plan()

    assert outcome.routed == 5
    bags = list(Bag.objects.filter(flight=f).order_by("seq"))
    # 2 kg parcels in 5 kg bags (0.2 kg tare): two to a bag.
    assert [(b.parcels, b.gross_kg) for b in bags] == [
        (2, Decimal("4.200")),
        (2, Decimal("4.200")),
        (1, Decimal("2.200")),
    ]
    assert all(b.gross_kg <= b.max_kg == Decimal("5") for b in bags)
    assert bags[0].number == f"{f.number}-{f.service_date:%Y%m%d}-0001"
    (uld,) = UldLoad.objects.filter(flight=f)
    ake = UldType.objects.get(code="AKE")
    assert uld.uld_type_id == "AKE"
    assert uld.position == 1
    assert uld.gross_kg == ake.tare_kg + sum(b.gross_kg for b in bags)
    assert uld.volume_m3 == Decimal("0.5")
    assert all(b.uld_load_id == uld.pk for b in bags)
    stowed = dict(ParcelStowage.objects.values_list("shipment_id", "bag__flight_id"))
    assert stowed == {p.pk: f.pk for p in parcels}


def test_a_parcel_the_payload_takes_but_no_uld_position_does_waits_as_no_uld_space(hub):
    hgh, operator = hub
    f = _allot(flight(operator, hgh), AKE=1)
    # An AKE holds 4.3 m³; the flight's payload volume (150 m³) would take it.
    bulky = waiting_parcel(hgh, weight_kg=Decimal("3"), volume_m3=Decimal("4.5"))
    small = waiting_parcel(hgh, weight_kg=Decimal("1"), volume_m3=Decimal("0.2"))

    outcome = shipments_plan()

    assert outcome.waiting == {WaitingReason.NO_ULD_SPACE: 1}
    bulky.refresh_from_db()
    small.refresh_from_db()
    assert bulky.waiting_reason == WaitingReason.NO_ULD_SPACE
    assert bulky.status == ShipmentStatus.CREATED
    assert small.flight_id == f.pk


def test_a_flight_without_an_allotment_carries_its_bags_in_bulk(hub):
    hgh, operator = hub
    f = flight(operator, hgh)
    heavy = waiting_parcel(hgh, weight_kg=Decimal("12"))  # too heavy for a bag: loose
    light = waiting_parcel(hgh, weight_kg=Decimal("1"))

    assert shipments_plan().routed == 2

    assert not UldLoad.objects.exists()
    (bag,) = Bag.objects.filter(flight=f)
    assert bag.uld_load_id is None
    assert ParcelStowage.objects.get(shipment=light).bag_id == bag.pk
    loose = ParcelStowage.objects.get(shipment=heavy)
    assert (loose.bag_id, loose.uld_load_id) == (None, None)


def test_a_cancelled_flight_loses_its_load_plan_and_the_replan_touches_no_other_bag(hub):
    hgh, operator = hub
    first = _allot(flight(operator, hgh, departs_in=timedelta(hours=6)), AKE=1)
    second = _allot(flight(operator, hgh, departs_in=timedelta(hours=9)), PMC=1)
    Flight.objects.filter(pk=first.pk).update(capacity_kg=Decimal("6"))
    for _ in range(5):
        waiting_parcel(hgh, weight_kg=Decimal("2"))
    shipments_plan()
    kept = {b.pk: (b.gross_kg, b.parcels) for b in Bag.objects.filter(flight=second)}
    assert len(kept) == 1  # 3 parcels on the first flight, 2 on the second

    flight_cancel(flight_id=first.pk, reason="aircraft change")
    assert not Bag.objects.filter(flight=first).exists()
    assert not UldLoad.objects.filter(flight=first).exists()
    outcome = shipments_plan()

    assert outcome.routed == 3
    bags = {b.pk: (b.gross_kg, b.parcels) for b in Bag.objects.filter(flight=second)}
    # The kept bag only grew (its two parcels stayed); the others are new.
    (kept_id,) = kept
    assert bags[kept_id][1] >= kept[kept_id][1]
    assert sum(n for _, n in bags.values()) == 5
    uld = UldLoad.objects.get(flight=second)
    assert uld.gross_kg == UldType.objects.get(code="PMC").tare_kg + sum(
        g for g, _ in bags.values()
    )
    assert ParcelStowage.objects.count() == 5


def test_a_hold_takes_the_parcel_out_of_its_bag_and_weighs_bag_and_unit_again(hub):
    hgh, operator = hub
    f = _allot(flight(operator, hgh), AKE=1)
    stays = waiting_parcel(hgh, weight_kg=Decimal("1.5"), volume_m3=Decimal("0.1"))
    held = waiting_parcel(hgh, weight_kg=Decimal("2"), volume_m3=Decimal("0.3"))
    shipments_plan()
    (bag,) = Bag.objects.filter(flight=f)
    assert bag.gross_kg == Decimal("3.700")

    assert held.order_id is not None
    shipment_customs_hold(order_id=held.order_id, reason="documents")

    bag.refresh_from_db()
    assert (bag.gross_kg, bag.volume_m3, bag.parcels) == (Decimal("1.700"), Decimal("0.1"), 1)
    uld = UldLoad.objects.get(flight=f)
    assert uld.gross_kg == UldType.objects.get(code="AKE").tare_kg + Decimal("1.700")
    assert uld.volume_m3 == Decimal("0.1")
    assert not ParcelStowage.objects.filter(shipment=held).exists()
    assert ParcelStowage.objects.filter(shipment=stays, bag=bag).exists()


def test_the_last_parcel_out_of_a_bag_takes_the_bag_and_its_unit_away(hub):
    hgh, operator = hub
    f = _allot(flight(operator, hgh), AKE=1)
    only = waiting_parcel(hgh)
    shipments_plan()
    assert Bag.objects.filter(flight=f).exists()

    assert only.order_id is not None
    shipment_customs_hold(order_id=only.order_id)

    assert not Bag.objects.filter(flight=f).exists()
    assert not UldLoad.objects.filter(flight=f).exists()


def test_a_new_shipment_booked_at_once_is_stowed_like_the_job_would(hub):
    hgh, operator = hub
    f = _allot(flight(operator, hgh), AKE=1)
    first = waiting_parcel(hgh, weight_kg=Decimal("2"))
    shipments_plan()
    second = waiting_parcel(hgh, weight_kg=Decimal("2"))

    booked = shipment_route(shipment_id=second.pk)

    assert booked.status == ShipmentStatus.ROUTED
    (bag,) = Bag.objects.filter(flight=f)  # the open bag took it
    assert bag.parcels == 2
    assert set(bag.stowages.values_list("shipment_id", flat=True)) == {first.pk, second.pk}


def test_a_new_shipment_no_unit_takes_is_left_for_the_job(hub):
    hgh, operator = hub
    _allot(flight(operator, hgh), AKE=1)
    bulky = waiting_parcel(hgh, volume_m3=Decimal("5"))

    assert shipment_route(shipment_id=bulky.pk).status == ShipmentStatus.CREATED
    assert not Bag.objects.exists()
    assert Shipment.objects.get(pk=bulky.pk).flight_id is None


def test_a_run_reports_its_progress_and_keeps_the_waiting_by_reason(hub):
    hgh, operator = hub
    _allot(flight(operator, hgh), AKE=1)
    waiting_parcel(hgh)
    waiting_parcel(hgh, volume_m3=Decimal("5"))
    waiting_parcel(hgh, customs_hold=True)
    run = RoutingRun.objects.create(trigger="test")

    done = routing_run(run_id=run.pk)

    assert done is not None
    assert done.status == RoutingRunStatus.DONE
    assert (done.parcels, done.routed, done.waiting) == (3, 1, 2)
    assert done.waiting_by_reason == {"NO_ULD_SPACE": 1, "CUSTOMS_HOLD": 1}
    report = progress_of(run.pk)
    assert report is not None
    assert (report.phase, report.done, report.total) == ("done", 3, 3)


def test_an_offloaded_parcel_leaves_its_bag_and_is_stowed_on_its_next_flight(hub):
    hgh, operator = hub
    first = _allot(flight(operator, hgh, departs_in=timedelta(hours=6)), AKE=1)
    later = _allot(flight(operator, hgh, departs_in=timedelta(hours=9)), AKE=1)
    stays = waiting_parcel(hgh, weight_kg=Decimal("1"))
    offloaded = waiting_parcel(hgh, weight_kg=Decimal("2"))
    shipments_plan()
    (bag,) = Bag.objects.filter(flight=first)
    assert bag.parcels == 2

    shipment_offload(carrier=operator, shipment_id=offloaded.pk, reason="damaged at the ramp")
    bag.refresh_from_db()
    assert (bag.parcels, bag.gross_kg) == (1, Decimal("1.200"))
    shipments_plan()

    moved = ParcelStowage.objects.select_related("bag").get(shipment=offloaded)
    assert moved.bag is not None
    assert moved.bag.flight_id == later.pk
    assert ParcelStowage.objects.get(shipment=stays).bag_id == bag.pk


def test_a_run_whose_progress_redis_cannot_take_still_books(hub, monkeypatch):
    hgh, operator = hub
    flight(operator, hgh)
    waiting_parcel(hgh)
    run = RoutingRun.objects.create(trigger="test")

    def refuse(*args: object, **kwargs: object) -> None:
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr("logistics.routing_progress.cache.set", refuse)
    done = routing_run(run_id=run.pk)

    assert done is not None
    assert (done.status, done.routed) == (RoutingRunStatus.DONE, 1)
