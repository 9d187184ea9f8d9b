"""POST /api/v1/logistics/shipments/{id}/offload/ by the carrier flying the parcel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ewtp.core.models import OrganizationKind
from logistics.models import Shipment, ShipmentStatus
from logistics.services import shipments_plan
from tests.logistics.factories import carrier, flight, network, waiting_parcel

pytestmark = pytest.mark.django_db


def url(shipment_id) -> str:
    return f"/api/v1/logistics/shipments/{shipment_id}/offload/"


@pytest.fixture
def booked():
    _, hgh = network()
    operator = carrier()
    flight(operator, hgh, departs_in=timedelta(hours=6))
    parcel = waiting_parcel(hgh, weight_kg=Decimal("1.5"))
    shipments_plan()
    return operator, parcel


def test_the_carrier_offloads_its_booked_parcel(booked, partner_client):
    operator, parcel = booked
    client = partner_client(operator, scopes=["shipments:write"])

    response = client.post(url(parcel.pk), {"reason": "weight and balance"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == ShipmentStatus.CREATED
    assert Shipment.objects.get(pk=parcel.pk).flight_id is None


def test_bad_input_is_a_coded_problem_and_nothing_moves(booked, partner_client):
    operator, parcel = booked
    client = partner_client(operator, scopes=["shipments:write"])

    missing = client.post(url(parcel.pk), {}, format="json")
    blank = client.post(url(parcel.pk), {"reason": "   "}, format="json")
    unknown = client.post(url(parcel.pk), {"reason": "x", "flight": "EW1"}, format="json")

    for response in (missing, blank, unknown):
        assert response.status_code in (400, 422)
        assert response["Content-Type"] == "application/problem+json"
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.ROUTED


def test_another_carrier_or_a_marketplace_cannot(booked, make_org, partner_client):
    _, parcel = booked
    stranger = partner_client(carrier(), scopes=["shipments:write"])
    marketplace = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=["shipments:write"])

    assert stranger.post(url(parcel.pk), {"reason": "x"}, format="json").status_code == 404
    assert marketplace.post(url(parcel.pk), {"reason": "x"}, format="json").status_code == 403
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.ROUTED
