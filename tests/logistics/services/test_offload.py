"""A parcel offloaded from a flight: its space is freed, the routing job is queued at once and
books it on another flight, never the same one, and no other booking moves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.errors import DomainError, NotFound
from ewtp.events.models import OutboxEvent
from logistics.models import Flight, FlightStatus, RoutingRun, Shipment, ShipmentStatus
from logistics.routing import PlanFlight, PlanParcel, Reason, plan
from logistics.services import shipment_offload, shipments_plan
from tests.logistics.factories import carrier, flight, network, waiting_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    _, hgh = network()
    operator = carrier()
    first = flight(operator, hgh, departs_in=timedelta(hours=6))
    later = flight(operator, hgh, departs_in=timedelta(hours=30))
    parcels = [waiting_parcel(hgh, weight_kg=Decimal("2.0")) for _ in range(3)]
    shipments_plan()
    return operator, first, later, parcels


def test_an_offloaded_parcel_frees_its_space_and_goes_on_another_flight(
    booked, django_capture_on_commit_callbacks
):
    operator, first, later, parcels = booked
    assert {Shipment.objects.get(pk=p.pk).flight_id for p in parcels} == {first.pk}
    offloaded, *others = parcels

    with django_capture_on_commit_callbacks(execute=False) as queued:
        after = shipment_offload(
            carrier=operator, shipment_id=offloaded.pk, reason="weight and balance"
        )

    assert (after.status, after.flight_id, after.offloaded_from_id) == (
        ShipmentStatus.CREATED, None, first.pk,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.booked_kg == Decimal("4.000")
    assert RoutingRun.objects.filter(trigger__startswith="offload").exists()
    assert queued, "the routing job is queued after commit"
    event = OutboxEvent.objects.get(type="logistics.shipment.unbooked")
    assert event.data["reason"] == "offloaded"

    shipments_plan()

    assert Shipment.objects.get(pk=offloaded.pk).flight_id == later.pk
    assert {Shipment.objects.get(pk=p.pk).flight_id for p in others} == {first.pk}


def test_only_the_offloaded_flight_is_avoided_and_a_parcel_with_no_other_waits():
    now = timezone.now()
    only = PlanFlight("F1", "HGH", now + timedelta(hours=5), now + timedelta(hours=2), 10**6, 10**9)
    parcel = PlanParcel("P1", "HGH", 1000, 1000, 1, now, avoid="F1")

    result = plan([parcel], [only], now=now)

    assert result.waiting == {"P1": Reason.NO_FLIGHT}
    assert plan([PlanParcel("P2", "HGH", 1000, 1000, 1, now)], [only], now=now).assigned == {
        "P2": "F1"
    }


def test_what_cannot_be_offloaded_is_refused_and_nothing_changes(booked):
    operator, first, _, parcels = booked
    stranger = carrier()

    with pytest.raises(NotFound):
        shipment_offload(carrier=stranger, shipment_id=parcels[0].pk, reason="mine?")
    with pytest.raises(DomainError) as no_reason:
        shipment_offload(carrier=operator, shipment_id=parcels[0].pk, reason=" ")
    assert no_reason.value.code == "reason_required"
    shipment_offload(carrier=operator, shipment_id=parcels[0].pk, reason="damaged")
    # Off the flight, the parcel is no longer the carrier's to see, let alone offload again.
    with pytest.raises(NotFound):
        shipment_offload(carrier=operator, shipment_id=parcels[0].pk, reason="again")

    Flight.objects.filter(pk=first.pk).update(status=FlightStatus.DEPARTED)  # arrange
    with pytest.raises(DomainError) as departed:
        shipment_offload(carrier=operator, shipment_id=parcels[1].pk, reason="too late")
    assert (departed.value.code, departed.value.status) == ("flight_not_scheduled", 409)
    assert Shipment.objects.get(pk=parcels[1].pk).flight_id == first.pk
