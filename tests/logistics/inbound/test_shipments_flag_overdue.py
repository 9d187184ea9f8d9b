"""The exception queue's other kinds: an ICS2 "do not load", a customs hold held too long, a
parcel free to fly waiting too long for a flight. Raised by the beat job once per block or
wait, shown and resolvable in the hub's queue, filtered by kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from logistics.models import (
    Shipment,
    ShipmentBlock,
    ShipmentException,
    ShipmentExceptionKind,
)
from logistics.services import (
    shipment_exception_resolve,
    shipment_ics2_referral_place,
    shipments_flag_overdue,
)
from logistics.tasks import flag_stale_shipments
from tests.factories import UserFactory
from tests.logistics import factories
from tests.logistics.inbound.setup import inbound

pytestmark = pytest.mark.django_db

HOURS = timedelta(hours=1)


@pytest.fixture
def carrier():
    factories.network()
    return factories.carrier()


def open_kinds(shipment: Shipment) -> list[str]:
    return list(
        ShipmentException.objects.open().filter(shipment=shipment).values_list("kind", flat=True)
    )


def test_a_customs_hold_older_than_the_setting_is_raised_once(carrier, settings):
    settings.LOGISTICS_CUSTOMS_HOLD_OVERDUE_HOURS = 48
    recent = inbound(carrier, "NEW1")
    old = inbound(carrier, "OLD1")
    ShipmentBlock.objects.filter(shipment=old).update(placed_at=timezone.now() - 49 * HOURS)

    first = shipments_flag_overdue()
    again = flag_stale_shipments()

    assert (first, again) == (1, 0)
    assert open_kinds(old) == [ShipmentExceptionKind.CUSTOMS_HOLD_OVERDUE]
    assert open_kinds(recent) == []


def test_a_resolved_overdue_hold_is_not_raised_again_for_the_same_hold(carrier, staff_user):
    old = inbound(carrier, "OLD2")
    ShipmentBlock.objects.filter(shipment=old).update(placed_at=timezone.now() - 60 * HOURS)
    shipments_flag_overdue()
    raised = ShipmentException.objects.get(shipment=old)

    shipment_exception_resolve(exception_id=raised.pk, resolved_by=staff_user, note="broker chased")

    assert shipments_flag_overdue() == 0


def test_an_outbound_parcel_free_to_fly_waiting_too_long_is_raised_once(settings):
    settings.LOGISTICS_NO_FLIGHT_AFTER_HOURS = 24
    _, hgh = factories.network()
    waiting = factories.waiting_parcel(hgh)
    held = factories.waiting_parcel(hgh, customs_hold=True)
    fresh = factories.waiting_parcel(hgh)
    Shipment.objects.filter(pk__in=[waiting.pk, held.pk]).update(
        created_at=timezone.now() - 25 * HOURS
    )

    assert shipments_flag_overdue() == 1
    assert shipments_flag_overdue() == 0
    assert open_kinds(waiting) == [ShipmentExceptionKind.NO_FLIGHT]
    assert open_kinds(held) == open_kinds(fresh) == []


def test_a_do_not_load_is_in_the_queue_at_once_and_the_job_adds_no_second(carrier):
    parcel = inbound(carrier, "DNL1")

    shipment_ics2_referral_place(shipment_id=parcel.pk, kind="do_not_load", carrier=carrier)

    assert open_kinds(parcel) == [ShipmentExceptionKind.DO_NOT_LOAD]
    assert shipments_flag_overdue() == 0


def test_hub_staff_filter_the_new_kinds_and_resolve_them(carrier, staff_user):
    dnl = inbound(carrier, "DNL2")
    shipment_ics2_referral_place(shipment_id=dnl.pk, kind="do_not_load", carrier=carrier)
    held = inbound(carrier, "OLD3")
    ShipmentBlock.objects.filter(shipment=held).update(placed_at=timezone.now() - 72 * HOURS)
    shipments_flag_overdue()
    client = Client()
    client.force_login(staff_user)

    only_dnl = client.get("/hub/exceptions/?kind=do_not_load").content.decode()
    only_overdue = client.get("/hub/exceptions/?kind=customs_hold_overdue").content.decode()
    raised = ShipmentException.objects.get(shipment=dnl)
    response = client.post(
        f"/hub/exceptions/{raised.pk}/resolve/",
        {"note": "parcel quarantined", "kind": "do_not_load"},
    )

    assert dnl.tracking_number in only_dnl
    assert held.tracking_number not in only_dnl
    assert held.tracking_number in only_overdue
    assert response["Location"] == "/hub/exceptions/?kind=do_not_load"
    assert open_kinds(dnl) == []


@pytest.fixture
def staff_user():
    return UserFactory.create(is_staff=True)
