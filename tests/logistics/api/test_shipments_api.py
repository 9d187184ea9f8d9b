from __future__ import annotations

import uuid

import pytest

from ewtp.core.models import OrganizationKind
from logistics.services import shipment_route
from tests.marketplace.flows import cleared_order, flight, shipment_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/shipments/"


def test_the_marketplace_and_merchant_read_the_shipment_and_the_carrier_once_it_flies(
    trade, partner_client
):
    booked = flight(trade)
    shipment = shipment_of(cleared_order(trade))
    carrier = partner_client(trade.carrier, scopes=["shipments:read"])
    assert carrier.get(f"{URL}{shipment.pk}/").status_code == 404  # not on its flight yet

    shipment_route(shipment_id=shipment.pk)

    for party in (trade.marketplace, trade.merchant, trade.carrier):
        client = partner_client(party, scopes=["shipments:read"])
        listing = client.get(URL, {"order_id": str(shipment.order_id)}).json()["results"]
        detail = client.get(f"{URL}{shipment.pk}/").json()
        assert [s["tracking_number"] for s in listing] == [shipment.tracking_number]
        assert detail["status"] == "routed"
        assert detail["flight"]["number"] == booked.number
        assert detail["carrier"] == trade.carrier.slug
        assert detail["weight_kg"] == "0.700"
        assert detail["tracking_events"] == []


def test_another_tenant_neither_lists_nor_reads_it(trade, make_org, partner_client):
    shipment = shipment_of(cleared_order(trade))
    for kind in (OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT, OrganizationKind.CARRIER):
        client = partner_client(make_org(kind), scopes=["shipments:read"])
        assert client.get(URL).json()["results"] == []
        assert client.get(f"{URL}{shipment.pk}/").status_code == 404
    own = partner_client(trade.marketplace, scopes=["shipments:read"])
    assert own.get(f"{URL}{uuid.uuid4()}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"), [({"order_id": "42"}, "order_id"), ({"status": "lost"}, "status")]
)
def test_bad_filters_are_a_400_problem(trade, partner_client, params, field):
    response = partner_client(trade.marketplace).get(URL, params)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_payment_providers_and_keys_without_the_scope_are_refused(trade, partner_client):
    assert partner_client(trade.provider).get(URL).status_code == 403
    no_scope = partner_client(trade.marketplace, scopes=["orders:read"]).get(URL)
    assert no_scope.json()["code"] == "scope_missing"
