"""/api/v1/logistics/subscriptions/: follow a MAWB's or a shipment's milestones."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from ewtp.core.models import OrganizationKind
from logistics.models import MilestoneSubscription
from logistics.services import (
    house_waybill_attach_shipments,
    house_waybill_create,
    master_waybill_create,
)
from tests.factories import OrganizationFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/subscriptions/"


@pytest.fixture
def hub():
    """A carrier's MAWB carrying one parcel of a marketplace."""
    _, hgh = factories.network()
    operator = factories.carrier()
    parcel = factories.parcel(factories.flight(operator, hgh))
    mawb = master_waybill_create(
        organization=operator,
        awb_number="784-24681355",
        pieces=1,
        weight_kg=Decimal("0.7"),
        origin="LGG",
        destination="HGH",
    )
    house = house_waybill_create(
        master_waybill=mawb, number="H1", pieces=1, weight_kg=Decimal("0.7")
    )
    house_waybill_attach_shipments(house_waybill=house, shipment_ids=[parcel.pk], carrier=operator)
    return operator, parcel, mawb


def test_a_carrier_follows_its_mawb_lists_it_and_stops(hub, partner_client):
    operator, _, mawb = hub
    client = partner_client(operator)

    created = client.post(URL, {"master_waybill_id": str(mawb.pk)}, format="json")
    again = client.post(URL, {"master_waybill_id": str(mawb.pk)}, format="json")
    listed = client.get(URL)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["awb_number"] == "784-24681355"
    assert body["milestones"] == ["arrived", "departed"]
    assert body["shipment_id"] is None
    assert created["Location"] == f"{URL}{body['id']}/"
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert [s["id"] for s in listed.json()["results"]] == [body["id"]]

    gone = client.delete(f"{URL}{body['id']}/")
    assert gone.status_code == 204
    assert client.delete(f"{URL}{body['id']}/").status_code == 404
    assert not MilestoneSubscription.objects.exists()


def test_the_marketplace_of_a_parcel_on_board_may_follow_the_mawb_and_the_parcel(
    hub, partner_client
):
    _, parcel, mawb = hub
    client = partner_client(parcel.marketplace)

    on_mawb = client.post(URL, {"master_waybill_id": str(mawb.pk)}, format="json")
    on_parcel = client.post(URL, {"shipment_id": str(parcel.pk)}, format="json")

    assert on_mawb.status_code == 201
    assert on_parcel.status_code == 201
    assert on_parcel.json()["tracking_number"] == parcel.tracking_number


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({}, "subscription_target_required", "master_waybill_id"),
        (
            {"master_waybill_id": str(uuid.uuid4()), "shipment_id": str(uuid.uuid4())},
            "subscription_target_required",
            "master_waybill_id",
        ),
        ({"master_waybill_id": "not-a-uuid"}, "invalid", "master_waybill_id"),
        ({"awb": "784-24681355"}, "unknown_field", "awb"),
    ],
)
def test_bad_input_is_a_coded_problem_and_writes_nothing(hub, partner_client, payload, code, field):
    operator, _, _ = hub

    response = partner_client(operator).post(URL, payload, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert (error["code"], error["field"]) == (code, field)
    assert not MilestoneSubscription.objects.exists()


def test_another_tenants_mawb_shipment_or_subscription_is_not_found(hub, partner_client):
    operator, parcel, mawb = hub
    stranger = partner_client(OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE))
    other_carrier = partner_client(factories.carrier())
    mine = partner_client(operator).post(URL, {"master_waybill_id": str(mawb.pk)}, format="json")

    assert stranger.post(URL, {"master_waybill_id": str(mawb.pk)}, format="json").status_code == 404
    assert stranger.post(URL, {"shipment_id": str(parcel.pk)}, format="json").status_code == 404
    assert other_carrier.delete(f"{URL}{mine.json()['id']}/").status_code == 404
    assert other_carrier.get(URL).json()["results"] == []
    assert MilestoneSubscription.objects.count() == 1


def test_writing_needs_the_webhooks_scope(hub, partner_client):
    operator, _, mawb = hub
    reader = partner_client(operator, scopes=["shipments:read"])

    assert reader.get(URL).status_code == 200
    assert reader.post(URL, {"master_waybill_id": str(mawb.pk)}, format="json").status_code == 403
    assert not MilestoneSubscription.objects.exists()
