from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from logistics.services import airport_upsert
from tests.marketplace.flows import flight

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/flights/"


def test_a_carrier_lists_its_own_flights_in_departure_order(trade, make_org, partner_client):
    later = flight(trade, departs_in=timedelta(days=3))
    sooner = flight(trade, departs_in=timedelta(days=1))
    flight(trade, carrier=make_org(OrganizationKind.CARRIER))  # someone else's
    client = partner_client(trade.carrier, scopes=["shipments:read"])

    flights = client.get(URL).json()["results"]

    assert [f["number"] for f in flights] == [sooner.number, later.number]
    assert flights[0]["origin"] == "LGG"
    assert flights[0]["capacity_kg"] == "1000.000"


def test_flights_filter_by_destination_and_departure(trade, partner_client):
    pvg = airport_upsert(
        iata="PVG", name="Pudong", city="Shanghai", country="CN", timezone_name="Asia/Shanghai"
    )
    soon = flight(trade, departs_in=timedelta(hours=6))
    later = flight(trade, departs_in=timedelta(days=2))
    to_pvg = flight(trade, destination=pvg)
    client = partner_client(trade.carrier, scopes=["shipments:read"])
    after = (timezone.now() + timedelta(days=1)).isoformat()

    assert [f["id"] for f in client.get(URL, {"destination": "PVG"}).json()["results"]] == [
        str(to_pvg.pk)
    ]
    assert [
        f["id"]
        for f in client.get(URL, {"destination": "HGH", "departing_after": after}).json()["results"]
    ] == [str(later.pk)]
    assert str(soon.pk) in {f["id"] for f in client.get(URL).json()["results"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"destination": "hgh"}, "destination"), ({"departing_after": "2030-01-01T10:00"},
                                               "departing_after")],
)  # fmt: skip
def test_bad_filters_are_a_400_problem(trade, partner_client, params, field):
    response = partner_client(trade.carrier).get(URL, params)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_only_carriers_list_flights(trade, partner_client):
    response = partner_client(trade.marketplace).get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "organization_kind_not_allowed"
