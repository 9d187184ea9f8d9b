"""ICS2 referrals: "do not load" is final and never loaded; requests for information or
screening block loading until lifted; each block is lifted only by its own source."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.events.models import OutboxEvent
from logistics.models import (
    BlockKind,
    Flight,
    RoutingRun,
    Shipment,
    ShipmentBlock,
    ShipmentException,
    ShipmentExceptionKind,
    ShipmentStatus,
    ShipmentStatusChange,
    WaitingReason,
)
from logistics.services import (
    shipment_customs_block,
    shipment_customs_unblock,
    shipment_ics2_referral_lift,
    shipment_ics2_referral_place,
    shipments_plan,
)
from tests.logistics import factories
from tests.logistics.inbound.setup import inbound

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    """An outbound parcel booked on a carrier's flight that has not left."""
    _, hgh = factories.network()
    operator = factories.carrier()
    factories.flight(operator, hgh, departs_in=timedelta(hours=6))
    parcel = factories.waiting_parcel(hgh)
    assert shipments_plan().routed == 1
    parcel.refresh_from_db()
    return operator, parcel


def test_do_not_load_takes_a_booked_parcel_off_its_flight_and_the_planner_never_loads_it(
    booked,
):
    operator, parcel = booked
    flight = parcel.flight
    assert flight is not None

    outcome = shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="do_not_load", reference="ICS2-REF-1", carrier=operator
    )

    assert outcome.changed
    parcel.refresh_from_db()
    assert (parcel.status, parcel.flight_id, parcel.customs_hold) == (
        ShipmentStatus.CREATED,
        None,
        True,
    )
    assert Flight.objects.get(pk=flight.pk).booked_kg == 0
    assert RoutingRun.objects.exists()  # the freed space is re-planned
    factories.flight(operator, flight.destination, departs_in=timedelta(hours=9))
    plan = shipments_plan()
    assert plan.routed == 0
    assert plan.waiting == {WaitingReason.CUSTOMS_HOLD: 1}
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.CREATED
    types = set(OutboxEvent.objects.values_list("type", flat=True))
    assert {"logistics.shipment.do_not_load", "logistics.shipment.unbooked"} <= types


def test_do_not_load_is_final(booked):
    operator, parcel = booked
    shipment_ics2_referral_place(shipment_id=parcel.pk, kind="do_not_load", carrier=operator)

    with pytest.raises(Conflict) as refused:
        shipment_ics2_referral_lift(shipment_id=parcel.pk, kind="do_not_load", carrier=operator)

    assert refused.value.code == "do_not_load_final"
    assert ShipmentBlock.objects.active().filter(shipment=parcel).count() == 1


def test_do_not_load_raises_one_exception_for_hub_staff_at_once(booked):
    operator, parcel = booked

    shipment_ics2_referral_place(shipment_id=parcel.pk, kind="do_not_load", carrier=operator)
    shipment_ics2_referral_place(shipment_id=parcel.pk, kind="do_not_load", carrier=operator)

    raised = ShipmentException.objects.open().filter(shipment=parcel)
    assert list(raised.values_list("kind", flat=True)) == [ShipmentExceptionKind.DO_NOT_LOAD]


def test_placing_a_referral_twice_changes_nothing_the_second_time(booked):
    operator, parcel = booked
    first = shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="request_for_screening", carrier=operator
    )
    audits = ShipmentStatusChange.objects.filter(shipment=parcel).count()
    events = OutboxEvent.objects.count()

    again = shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="request_for_screening", carrier=operator
    )

    assert (again.changed, again.block.pk) == (False, first.block.pk)
    assert ShipmentStatusChange.objects.filter(shipment=parcel).count() == audits
    assert OutboxEvent.objects.count() == events


def test_lifting_a_request_frees_the_parcel_only_when_no_other_block_is_left(booked):
    operator, parcel = booked
    shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="request_for_information", carrier=operator
    )
    shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="request_for_screening", carrier=operator
    )

    shipment_ics2_referral_lift(
        shipment_id=parcel.pk, kind="request_for_information", reason="answered", carrier=operator
    )
    assert Shipment.objects.get(pk=parcel.pk).customs_hold is True

    shipment_ics2_referral_lift(
        shipment_id=parcel.pk, kind="request_for_screening", reason="screened", carrier=operator
    )
    assert Shipment.objects.get(pk=parcel.pk).customs_hold is False
    again = shipment_ics2_referral_lift(
        shipment_id=parcel.pk, kind="request_for_screening", carrier=operator
    )
    assert again.changed is False
    assert OutboxEvent.objects.filter(type="logistics.shipment.loading_unblocked").count() == 2


def test_a_customs_release_lifts_the_customs_hold_and_never_an_ics2_block(booked):
    operator, parcel = booked
    assert parcel.order_id is not None
    shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="request_for_screening", carrier=operator
    )
    shipment_customs_block(order_id=parcel.order_id, reason="VALUATION_DOUBT")

    shipment_customs_unblock(order_id=parcel.order_id)

    assert Shipment.objects.get(pk=parcel.pk).customs_hold is True
    active = ShipmentBlock.objects.active().filter(shipment=parcel)
    assert list(active.values_list("kind", flat=True)) == [BlockKind.REQUEST_FOR_SCREENING]


def test_lifting_a_referral_never_placed_is_a_conflict(booked):
    operator, parcel = booked

    with pytest.raises(DomainError) as refused:
        shipment_ics2_referral_lift(
            shipment_id=parcel.pk, kind="request_for_information", carrier=operator
        )

    assert refused.value.code == "referral_not_active"


def test_another_carrier_cannot_place_a_referral(booked):
    _, parcel = booked

    with pytest.raises(NotFound):
        shipment_ics2_referral_place(
            shipment_id=parcel.pk, kind="do_not_load", carrier=factories.carrier()
        )

    assert not ShipmentBlock.objects.exists()


def test_a_carrier_places_a_referral_on_its_manifested_inbound_parcel():
    factories.network()
    operator = factories.carrier()
    parcel = inbound(operator, "IN7")

    outcome = shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="request_for_information", carrier=operator
    )

    assert outcome.changed
    kinds = set(
        ShipmentBlock.objects.active().filter(shipment=parcel).values_list("kind", flat=True)
    )
    assert kinds == {BlockKind.CUSTOMS_HOLD, BlockKind.REQUEST_FOR_INFORMATION}
