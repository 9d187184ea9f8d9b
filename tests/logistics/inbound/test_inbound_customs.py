"""The customs seam for inbound parcels: an H7/H1 filing names a parcel by its transport
document; its release lifts the parcel's customs hold, a hold or refusal keeps it, visibly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs import tasks as customs_tasks
from customs.models import Declaration
from customs.services import declaration_hold, declaration_reject, declaration_release
from ewtp.core.models import UserRole
from ewtp.events.models import OutboxEvent
from logistics.models import BlockKind, Shipment, ShipmentBlock
from logistics.services import shipment_ics2_referral_place
from tests.customs.filing_setup import file, h7_body
from tests.logistics import factories
from tests.logistics.inbound.setup import AWB, inbound
from tests.marketplace.flows import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier():
    factories.network()
    return factories.carrier()


@pytest.fixture
def officer(db):
    return staff_user(UserRole.OFFICER)


def documents(*references: tuple[str, str]) -> list[dict[str, str]]:
    issued = (timezone.now() - timedelta(days=2)).date().isoformat()
    return [
        {"type_code": code, "reference": reference, "issued_on": issued}
        for code, reference in references
    ]


def filed(client, *references: tuple[str, str], number: str = "BRK-1001") -> Declaration:
    body = h7_body(submitter_reference=number, documents=documents(*references))
    response = file(client, body)
    assert response.status_code == 201, response.json()
    return Declaration.objects.get(pk=response.json()["id"])


def test_releasing_the_h7_filing_that_names_a_parcel_lifts_its_customs_hold(carrier, broker_client):
    parcel = inbound(carrier, "CZP0001")
    declaration = filed(broker_client, ("N380", "INV-77"), ("N740", "CZP0001"))

    assert customs_tasks.clear_declaration(str(declaration.pk)) == "released"

    parcel.refresh_from_db()
    assert parcel.customs_hold is False
    hold = ShipmentBlock.objects.get(shipment=parcel, kind=BlockKind.CUSTOMS_HOLD)
    assert hold.lifted_at is not None
    assert str(declaration.pk) in hold.lifted_reason
    event = OutboxEvent.objects.get(type="logistics.shipment.loading_unblocked")
    assert event.recipient_ids == [carrier.pk]
    assert event.data["loading_blocked"] is False


def test_a_hold_keeps_the_parcel_held_and_says_why_until_the_release(
    carrier, broker_client, officer
):
    parcel = inbound(carrier, "CZP0002")
    declaration = filed(broker_client, ("N703", "czp0002"))

    declaration_hold(
        declaration=declaration, officer=officer, reason_code="VALUATION_DOUBT", note="check"
    )

    parcel.refresh_from_db()
    hold = ShipmentBlock.objects.active().get(shipment=parcel)
    assert parcel.customs_hold is True
    assert hold.reference == str(declaration.pk)
    assert "held" in hold.reason
    assert "VALUATION_DOUBT" in hold.reason

    declaration_release(
        declaration=Declaration.objects.get(pk=declaration.pk),
        officer=officer,
        reason_code="DOCUMENTS_VERIFIED",
        note="invoice checked",
    )

    parcel.refresh_from_db()
    assert parcel.customs_hold is False


def test_a_refusal_keeps_the_hold(carrier, broker_client, officer):
    parcel = inbound(carrier, "CZP0003")
    declaration = filed(broker_client, ("N740", "CZP0003"))

    declaration_reject(
        declaration=declaration, officer=officer, reason_code="PROHIBITED_GOODS", note="no"
    )

    parcel.refresh_from_db()
    assert parcel.customs_hold is True
    assert "rejected" in ShipmentBlock.objects.active().get(shipment=parcel).reason


def test_a_customs_release_never_lifts_an_ics2_do_not_load(carrier, broker_client):
    parcel = inbound(carrier, "CZP0004")
    shipment_ics2_referral_place(
        shipment_id=parcel.pk, kind="do_not_load", reference="ICS2-9", carrier=carrier
    )
    declaration = filed(broker_client, ("N740", "CZP0004"))

    customs_tasks.clear_declaration(str(declaration.pk))

    parcel.refresh_from_db()
    assert parcel.customs_hold is True
    assert list(ShipmentBlock.objects.active().filter(shipment=parcel).values_list("kind")) == [
        (BlockKind.DO_NOT_LOAD,)
    ]


def test_a_reference_two_carriers_share_is_released_only_with_the_mawb_named(
    carrier, broker_client
):
    ours = inbound(carrier, "SHARED1")
    theirs = inbound(factories.carrier(), "SHARED1", awb_number="784-24681366")

    ambiguous = filed(broker_client, ("N740", "SHARED1"), number="BRK-1")
    customs_tasks.clear_declaration(str(ambiguous.pk))

    assert Shipment.objects.filter(pk__in=[ours.pk, theirs.pk], customs_hold=True).count() == 2

    named = filed(broker_client, ("N741", AWB.replace("-", "")), ("N740", "SHARED1"), number="B2")
    customs_tasks.clear_declaration(str(named.pk))

    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.customs_hold, theirs.customs_hold) == (False, True)


def test_a_filing_naming_no_manifested_parcel_changes_nothing(carrier, broker_client):
    parcel = inbound(carrier, "CZP0005")
    declaration = filed(broker_client, ("N740", "SOMEONE-ELSE"))

    customs_tasks.clear_declaration(str(declaration.pk))

    parcel.refresh_from_db()
    assert parcel.customs_hold is True


def test_a_parcel_manifested_after_its_filing_was_released_is_not_held(carrier, broker_client):
    declaration = filed(broker_client, ("N740", "LATE1"))
    customs_tasks.clear_declaration(str(declaration.pk))

    parcel = inbound(carrier, "LATE1")

    assert parcel.customs_hold is False
    hold = ShipmentBlock.objects.get(shipment=parcel)
    assert str(declaration.pk) in hold.lifted_reason
