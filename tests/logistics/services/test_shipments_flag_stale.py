"""The stale-parcel job: parcels with no report for longer than their status allows go to the
hub's exception queue once per quiet spell, and their owners hear of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from ewtp.events.models import OutboxEvent
from logistics.models import Flight, Shipment, ShipmentException
from logistics.services import shipment_exception_resolve, shipments_flag_stale
from logistics.tasks import flag_stale_shipments
from tests.factories import UserFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db


def quiet(parcel: Shipment, status: str, hours: float) -> Shipment:
    """The parcel's last report put it in `status`, `hours` ago."""
    Shipment.objects.filter(pk=parcel.pk).update(
        tracking_status=status, tracking_status_at=timezone.now() - timedelta(hours=hours)
    )
    parcel.refresh_from_db()
    return parcel


@pytest.fixture
def booked():
    _, hgh = factories.network()
    return factories.flight(factories.carrier(), hgh, departs_in=timedelta(hours=8))


def test_a_parcel_at_the_hub_for_more_than_a_day_is_flagged_once_and_its_owners_told(booked):
    stale = quiet(factories.parcel(booked), "at_hub", 25)
    fresh = quiet(factories.parcel(booked), "at_hub", 23)

    first = shipments_flag_stale()
    again = shipments_flag_stale()

    assert (first, again) == (1, 0)
    exception = ShipmentException.objects.get()
    assert (exception.shipment_id, exception.kind, exception.tracking_status) == (
        stale.pk,
        "stale",
        "at_hub",
    )
    assert exception.since == stale.tracking_status_at
    assert not ShipmentException.objects.filter(shipment=fresh).exists()
    event = OutboxEvent.objects.get(type="logistics.shipment.stale")
    assert set(event.recipient_ids) == {stale.marketplace_id, stale.merchant_id}
    assert event.data["tracking_number"] == stale.tracking_number
    assert event.data["stale_after_hours"] == 24
    assert event.data["exception_id"] == exception.pk


def test_a_loaded_parcel_is_stale_six_hours_after_its_flight_departed_not_after_loading(booked):
    # loaded 10 h ago for a flight that only leaves in 8 h: waiting is normal
    waiting = quiet(factories.parcel(booked), "loaded", 10)
    _, hgh = factories.network()
    gone = factories.flight(booked.carrier, hgh, departs_in=timedelta(hours=1))
    Flight.objects.filter(pk=gone.pk).update(
        departure_at=timezone.now() - timedelta(hours=7),
        cutoff_at=timezone.now() - timedelta(hours=11),
    )
    left_behind = quiet(factories.parcel(gone), "loaded", 12)

    assert shipments_flag_stale() == 1

    assert list(ShipmentException.objects.values_list("shipment_id", flat=True)) == [left_behind.pk]
    assert not ShipmentException.objects.filter(shipment=waiting).exists()


def test_delivered_unreported_and_unwatched_parcels_are_never_flagged(booked, settings):
    settings.LOGISTICS_STALE_AFTER_HOURS = {"at_hub": 1}
    factories.parcel(booked)  # never reported on
    delivered = quiet(factories.parcel(booked), "at_hub", 50)
    Shipment.objects.filter(pk=delivered.pk).update(delivered_at=timezone.now())
    quiet(factories.parcel(booked), "departed", 500)  # not watched by these settings

    assert shipments_flag_stale() == 0


def test_the_job_works_in_batches_until_none_is_left(booked):
    parcels = [quiet(factories.parcel(booked), "arrived", 49 + i) for i in range(5)]

    assert shipments_flag_stale(batch=2) == 5

    assert ShipmentException.objects.count() == 5
    assert OutboxEvent.objects.filter(type="logistics.shipment.stale").count() == 5
    assert {e.shipment_id for e in ShipmentException.objects.all()} == {p.pk for p in parcels}


def test_a_resolved_parcel_is_flagged_again_only_after_it_goes_quiet_again(booked):
    parcel = quiet(factories.parcel(booked), "at_hub", 30)
    shipments_flag_stale()
    exception = ShipmentException.objects.get()
    staff = UserFactory.create(is_staff=True)

    shipment_exception_resolve(exception_id=exception.pk, resolved_by=staff, note="found it")
    assert shipments_flag_stale() == 0  # the same quiet spell

    quiet(parcel, "loaded", 8)
    Flight.objects.filter(pk=booked.pk).update(
        departure_at=timezone.now() - timedelta(hours=7),
        cutoff_at=timezone.now() - timedelta(hours=11),
    )
    assert shipments_flag_stale() == 1
    assert ShipmentException.objects.filter(resolved_at__isnull=True).count() == 1


def test_resolving_needs_a_note_and_happens_once(booked):
    quiet(factories.parcel(booked), "at_hub", 30)
    shipments_flag_stale()
    exception = ShipmentException.objects.get()
    staff = UserFactory.create(is_staff=True)

    with pytest.raises(DomainError) as missing:
        shipment_exception_resolve(exception_id=exception.pk, resolved_by=staff, note="  ")
    assert (missing.value.code, missing.value.field) == ("note_required", "note")
    exception.refresh_from_db()
    assert exception.resolved_at is None

    resolved = shipment_exception_resolve(
        exception_id=exception.pk, resolved_by=staff, note="rescanned, on EW501"
    )
    assert (resolved.resolved_by, resolved.note) == (staff, "rescanned, on EW501")
    with pytest.raises(Conflict):
        shipment_exception_resolve(exception_id=exception.pk, resolved_by=staff, note="again")


def test_the_beat_job_flags_the_same_way(booked):
    quiet(factories.parcel(booked), "departed", 30)

    assert flag_stale_shipments.apply().get() == 1

    assert ShipmentException.objects.get().tracking_status == "departed"


def test_the_database_refuses_a_resolution_without_a_note(booked):
    quiet(factories.parcel(booked), "at_hub", 30)
    shipments_flag_stale()
    with pytest.raises(IntegrityError):
        ShipmentException.objects.update(resolved_at=timezone.now())
