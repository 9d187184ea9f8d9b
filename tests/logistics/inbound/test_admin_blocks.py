"""Platform staff record ICS2 referrals in the admin and lift requests; carriers' manifests
are listed there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from ewtp.core.management.commands.setup_roles import PLATFORM_STAFF, roles_setup
from ewtp.core.models import UserRole
from logistics.models import BlockKind, BlockSource, Shipment, ShipmentBlock
from tests.logistics import factories
from tests.logistics.inbound.setup import inbound
from tests.marketplace.flows import staff_user

pytestmark = pytest.mark.django_db

BLOCKS = "/admin/logistics/shipmentblock/"


@pytest.fixture
def staff() -> Client:
    roles_setup()
    user = staff_user(UserRole.STAFF)
    user.groups.add(Group.objects.get(name=PLATFORM_STAFF))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def parcel() -> Shipment:
    factories.network()
    return inbound(factories.carrier(), "ADM1")


def test_staff_record_a_do_not_load_through_the_service(staff, parcel):
    response = staff.post(
        f"{BLOCKS}add/",
        {"shipment": str(parcel.pk), "kind": "do_not_load", "reference": "ICS2-7", "reason": "x"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    block = ShipmentBlock.objects.get(shipment=parcel, kind=BlockKind.DO_NOT_LOAD)
    assert (block.source, block.reference, block.placed_by_user_id) == (
        BlockSource.STAFF,
        "ICS2-7",
        response.wsgi_request.user.pk,
    )
    assert parcel.exceptions.filter(kind="do_not_load").count() == 1


def test_staff_lift_a_request_and_the_customs_hold_stays(staff, parcel):
    staff.post(f"{BLOCKS}add/", {"shipment": str(parcel.pk), "kind": "request_for_screening"})
    block = ShipmentBlock.objects.get(shipment=parcel, kind=BlockKind.REQUEST_FOR_SCREENING)

    response = staff.post(BLOCKS, {"action": "lift_referrals", "_selected_action": [block.pk]})

    assert response.status_code == 302
    block.refresh_from_db()
    assert block.lifted_at is not None
    assert Shipment.objects.get(pk=parcel.pk).customs_hold is True  # customs still holds it


def test_the_customs_hold_is_not_offered_to_staff(staff, parcel):
    response = staff.post(f"{BLOCKS}add/", {"shipment": str(parcel.pk), "kind": "customs_hold"})

    assert response.status_code == 200  # the form again, with the error
    assert ShipmentBlock.objects.filter(shipment=parcel).count() == 1


def test_staff_see_the_manifests(staff, parcel):
    page = staff.get("/admin/logistics/manifest/")

    assert page.status_code == 200
    assert "784-24681355" in page.content.decode()
