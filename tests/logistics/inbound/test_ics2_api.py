"""POST /api/v1/logistics/shipments/{id}/ics2-referrals/ and .../ics2-referrals/lift/."""

from __future__ import annotations

import pytest

from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from logistics.models import ShipmentBlock, ShipmentStatusChange
from tests.logistics import factories
from tests.logistics.inbound.setup import inbound

pytestmark = pytest.mark.django_db


def url(shipment_id, lift: bool = False) -> str:
    return f"/api/v1/logistics/shipments/{shipment_id}/ics2-referrals/" + ("lift/" if lift else "")


@pytest.fixture
def parcel():
    factories.network()
    operator = factories.carrier()
    return operator, inbound(operator, "ICS1")


def test_the_carrier_places_and_lifts_a_request_for_screening(parcel, partner_client):
    operator, shipment = parcel
    client = partner_client(operator, scopes=["shipments:write"])

    placed = client.post(
        url(shipment.pk),
        {"kind": "request_for_screening", "reference": "25BE000000ICS2REF", "reason": "x-ray"},
        format="json",
    )
    again = client.post(url(shipment.pk), {"kind": "request_for_screening"}, format="json")
    lifted = client.post(
        url(shipment.pk, lift=True), {"kind": "request_for_screening", "reason": "screened"},
        format="json",
    )  # fmt: skip

    assert (placed.status_code, again.status_code, lifted.status_code) == (201, 200, 200)
    assert placed.json()["kind"] == "request_for_screening"
    assert placed.json()["source"] == "carrier"
    assert placed.json()["loading_blocked"] is True
    assert lifted.json()["lifted_at"] is not None
    # The customs hold of the inbound parcel stays: lifting a referral lifts nothing else.
    assert lifted.json()["loading_blocked"] is True
    types = list(OutboxEvent.objects.filter(type__startswith="logistics.shipment.loading_")
                 .order_by("occurred_at").values_list("type", flat=True))  # fmt: skip
    assert types == ["logistics.shipment.loading_blocked", "logistics.shipment.loading_unblocked"]
    assert (
        ShipmentStatusChange.objects.filter(shipment=shipment, reason__contains="ICS2").count() == 2
    )


def test_do_not_load_is_recorded_and_can_never_be_lifted(parcel, partner_client):
    operator, shipment = parcel
    client = partner_client(operator)

    placed = client.post(url(shipment.pk), {"kind": "do_not_load"}, format="json")
    lift = client.post(url(shipment.pk, lift=True), {"kind": "do_not_load"}, format="json")

    assert placed.status_code == 201
    assert OutboxEvent.objects.filter(type="logistics.shipment.do_not_load").count() == 1
    assert lift.status_code == 409
    assert lift.json()["code"] == "do_not_load_final"


def test_bad_input_is_a_coded_problem_and_nothing_is_written(parcel, partner_client):
    operator, shipment = parcel
    client = partner_client(operator)

    unknown_kind = client.post(url(shipment.pk), {"kind": "customs_hold"}, format="json")
    missing = client.post(url(shipment.pk), {}, format="json")
    extra = client.post(url(shipment.pk), {"kind": "do_not_load", "x": 1}, format="json")
    never = client.post(url(shipment.pk, lift=True), {"kind": "request_for_information"},
                        format="json")  # fmt: skip

    for response in (unknown_kind, missing, extra):
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
    assert (never.status_code, never.json()["code"]) == (409, "referral_not_active")
    assert ShipmentBlock.objects.filter(shipment=shipment).count() == 1  # the customs hold


def test_another_carrier_or_a_marketplace_cannot(parcel, partner_client, make_org):
    _, shipment = parcel
    stranger = partner_client(factories.carrier())
    marketplace = partner_client(make_org(OrganizationKind.MARKETPLACE))

    assert (
        stranger.post(url(shipment.pk), {"kind": "do_not_load"}, format="json").status_code == 404
    )
    lift = stranger.post(url(shipment.pk, lift=True), {"kind": "request_for_information"},
                         format="json")  # fmt: skip
    assert lift.status_code == 404
    assert (
        marketplace.post(url(shipment.pk), {"kind": "do_not_load"}, format="json").status_code
        == 403
    )
    assert ShipmentBlock.objects.filter(shipment=shipment).count() == 1


def test_the_idempotency_key_replays_the_first_answer(parcel, partner_client):
    operator, shipment = parcel
    client = partner_client(operator)

    first = client.post(url(shipment.pk), {"kind": "request_for_information"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="ics2-1")  # fmt: skip
    again = client.post(url(shipment.pk), {"kind": "request_for_information"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="ics2-1")  # fmt: skip

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
