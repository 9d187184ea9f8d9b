"""GET /api/v1/logistics/flights/{id}/load-plan/: a carrier reads how its flight is loaded."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from ewtp.core.models import OrganizationKind
from logistics.models import FlightUldAllotment, UldType
from logistics.services import shipments_plan, uld_types_load
from tests.logistics.factories import waiting_parcel
from tests.marketplace.flows import flight

pytestmark = pytest.mark.django_db


def _url(flight_id: object) -> str:
    return f"/api/v1/logistics/flights/{flight_id}/load-plan/"


def test_a_carrier_reads_its_flights_ulds_with_their_bags_and_weights(
    trade, partner_client, settings
):
    settings.LOGISTICS_BAG_MAX_KG = "10"
    settings.LOGISTICS_BAG_TARE_KG = "0.5"
    uld_types_load()
    f = flight(trade)
    FlightUldAllotment.objects.create(flight=f, uld_type_id="AKE", positions=2)
    for _ in range(3):
        waiting_parcel(f.destination, weight_kg=Decimal("4"), volume_m3=Decimal("0.05"))
    waiting_parcel(f.destination, weight_kg=Decimal("25"), volume_m3=Decimal("0.2"))  # loose
    shipments_plan()
    client = partner_client(trade.carrier, scopes=["shipments:read"])

    response = client.get(_url(f.pk))

    assert response.status_code == 200
    plan = response.json()
    assert plan["flight"]["number"] == f.number
    assert plan["bag_max_kg"] == "10.000"
    assert plan["positions"] == [{"uld_type": "AKE", "positions": 2, "built": 1}]
    (uld,) = plan["ulds"]
    tare = UldType.objects.get(code="AKE").tare_kg
    assert uld["uld_type"] == "AKE"
    assert uld["position"] == 1
    assert uld["uld_id"] is None
    assert uld["loose_parcels"] == 1
    assert [(b["parcels"], b["gross_kg"]) for b in uld["bags"]] == [
        (2, "8.500"),
        (1, "4.500"),
    ]
    assert Decimal(uld["gross_kg"]) == tare + Decimal("8.5") + Decimal("4.5") + Decimal("25")
    assert uld["volume_m3"] == "0.3500"
    assert uld["max_gross_kg"] == "1588.000"
    assert plan["bulk"] == {"bags": [], "loose_parcels": 0}


def test_a_flight_loaded_in_bulk_lists_its_bags_as_bulk(trade, partner_client):
    f = flight(trade)
    waiting_parcel(f.destination, weight_kg=Decimal("2"))
    shipments_plan()

    plan = partner_client(trade.carrier, scopes=["shipments:read"]).get(_url(f.pk)).json()

    assert plan["positions"] == []
    assert plan["ulds"] == []
    assert [b["parcels"] for b in plan["bulk"]["bags"]] == [1]


def test_another_carriers_flight_is_not_found(trade, make_org, partner_client):
    other = flight(trade, carrier=make_org(OrganizationKind.CARRIER))

    response = partner_client(trade.carrier, scopes=["shipments:read"]).get(_url(other.pk))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert partner_client(trade.carrier).get(_url(uuid.uuid4())).status_code == 404


def test_only_carriers_read_load_plans(trade, partner_client):
    f = flight(trade)

    response = partner_client(trade.marketplace, scopes=["shipments:read"]).get(_url(f.pk))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
