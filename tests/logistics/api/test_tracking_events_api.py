from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from logistics.models import ShipmentStatus, TrackingEvent
from logistics.services import shipment_route
from tests.marketplace.flows import cleared_order, flight, shipment_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/tracking-events/"


@pytest.fixture
def routed(trade):
    flight(trade)
    return shipment_route(shipment_id=shipment_of(cleared_order(trade)).pk)


def body(shipment, **change):
    return {
        "tracking_number": shipment.tracking_number,
        "event_id": "CN-1",
        "code": "DEP",
        "occurred_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
        "location": "LGG",
    } | change


def test_the_carrier_reports_and_a_resend_is_recognised(trade, routed, partner_client):
    client = partner_client(trade.carrier, scopes=["tracking:write"])
    report = body(routed)

    first = client.post(URL, report, format="json")
    resent = client.post(URL, report, format="json")

    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "departed"
    assert first.json()["shipment_status"] == "departed"
    assert resent.status_code == 200
    assert resent.json()["id"] == first.json()["id"]
    assert TrackingEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "XYZ"}, "code"),
        ({"occurred_at": "2026-11-25 14:03"}, "occurred_at"),  # no offset
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"tracking_number": "123"}, "tracking_number"),
        ({"location": "Liège"}, "location"),
        ({"event_id": ""}, "event_id"),
        ({"weather": "fog"}, "weather"),
    ],
)
def test_bad_input_is_a_400_problem_and_nothing_is_written(
    trade, routed, partner_client, change, field
):
    client = partner_client(trade.carrier, scopes=["tracking:write"])

    response = client.post(URL, body(routed, **change), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not TrackingEvent.objects.exists()


def test_a_report_from_the_future_is_a_422(trade, routed, partner_client):
    future = (timezone.now() + timedelta(hours=2)).isoformat()

    response = partner_client(trade.carrier).post(URL, body(routed, occurred_at=future),
                                                   format="json")  # fmt: skip

    assert response.status_code == 422
    assert response.json()["code"] == "occurred_in_future"
    assert not TrackingEvent.objects.exists()


def test_another_carriers_shipment_is_not_found(trade, routed, make_org, partner_client):
    other = partner_client(make_org(OrganizationKind.CARRIER), scopes=["tracking:write"])

    response = other.post(URL, body(routed), format="json")

    assert response.status_code == 404
    assert not TrackingEvent.objects.exists()
    routed.refresh_from_db()
    assert routed.status == ShipmentStatus.ROUTED


def test_an_event_id_reused_for_another_report_is_a_409(trade, routed, partner_client):
    client = partner_client(trade.carrier)
    client.post(URL, body(routed), format="json")

    response = client.post(URL, body(routed, code="ARR", location="HGH"), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "tracking_event_id_reused"
    assert TrackingEvent.objects.count() == 1


def test_only_carriers_with_the_scope_report(trade, routed, partner_client):
    marketplace = partner_client(trade.marketplace).post(URL, body(routed), format="json")
    no_scope = partner_client(trade.carrier, scopes=["shipments:read"]).post(
        URL, body(routed), format="json"
    )

    assert marketplace.status_code == 403
    assert no_scope.json()["code"] == "scope_missing"
    assert not TrackingEvent.objects.exists()


def test_text_that_cannot_be_stored_is_a_400_not_a_500(trade, routed, partner_client):
    client = partner_client(trade.carrier, scopes=["tracking:write"])
    raw = json.dumps(body(routed, remarks="broken \ud800 text"))

    response = client.post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["remarks"]
    assert not TrackingEvent.objects.exists()


def test_a_month_without_a_partition_is_a_503_problem(trade, routed, partner_client, monkeypatch):
    client = partner_client(trade.carrier, scopes=["tracking:write"])
    monkeypatch.setattr("logistics.services.tracking.tracking_partition_open", lambda *, at: False)

    response = client.post(URL, body(routed), format="json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "tracking_partition_missing"
    assert not TrackingEvent.objects.exists()
