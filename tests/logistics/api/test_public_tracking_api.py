from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from ewtp.core.api.throttling import PublicRateThrottle
from logistics.api.serializers import PublicTrackingOutput
from logistics.selectors import public_tracking
from logistics.services import (
    house_waybill_attach_shipments,
    house_waybill_create,
    master_waybill_create,
    tracking_events_ingest,
)
from tests.logistics import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/track/"
# Keys that would name a person or a tenant; none may appear anywhere in the public view.
PRIVATE_KEYS = {
    "consignee",
    "consignee_country",
    "buyer",
    "buyer_name",
    "merchant",
    "marketplace",
    "carrier",
    "order",
    "order_id",
    "order_reference",
    "id",
    "shipment_id",
    "weight_kg",
    "remarks",
    "event_id",
    "partner_event_id",
    "organization",
}


def keys(value):
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


@pytest.fixture
def journey():
    """A parcel at the hub, loaded, under a MAWB that departed."""
    _, hgh = factories.network()
    operator = factories.carrier()
    booked = factories.flight(operator, hgh, departs_in=timedelta(hours=-1))
    parcel = factories.parcel(booked)
    mawb = master_waybill_create(
        organization=operator,
        awb_number="020-12345675",
        pieces=1,
        weight_kg=Decimal("0.7"),
        origin="LGG",
        destination="HGH",
    )
    house = house_waybill_create(
        master_waybill=mawb, number="H1", pieces=1, weight_kg=Decimal("0.7")
    )
    house_waybill_attach_shipments(house_waybill=house, shipment_ids=[parcel.pk], carrier=operator)
    start = datetime(2026, 11, 24, 13, 5, tzinfo=UTC)  # 14:05 in Liège (CET)
    tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "p-1",
                "tracking_number": parcel.tracking_number,
                "code": "HUB_IN",
                "occurred_at": start.isoformat(),
                "location": "LGG",
                "remarks": "Li Wei, Hangzhou",
            },
            {
                "event_id": "p-2",
                "tracking_number": parcel.tracking_number,
                "code": "ULD_LOADED",
                "occurred_at": (start + timedelta(hours=3)).isoformat(),
                "location": "LGG",
            },
            {
                "event_id": "m-1",
                "awb_number": "020-12345675",
                "code": "DEP",
                "occurred_at": (start + timedelta(hours=6)).isoformat(),
                "location": "LGG",
            },
        ],
    )
    return parcel, booked


def test_anyone_sees_the_timeline_with_places_local_times_and_the_eta(journey):
    parcel, booked = journey

    response = APIClient().get(f"{URL}{parcel.tracking_number}/")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["tracking_number"], body["status"], body["status_label"]) == (
        parcel.tracking_number,
        "departed",
        "Departed",
    )
    assert [(e["code"], e["status"]) for e in body["events"]] == [
        ("HUB_IN", "at_hub"),
        ("ULD_LOADED", "loaded"),
        ("DEP", "departed"),
    ]
    first = body["events"][0]
    assert first["occurred_at"] == "2026-11-24T13:05:00Z"
    assert first["local_time"] == "2026-11-24T14:05:00+01:00"
    assert first["place"] == {
        "iata": "LGG",
        "name": "Liège Airport",
        "country": "BE",
        "time_zone": "Europe/Brussels",
    }
    assert first["description"] == "Received at the hub"
    assert body["destination"]["iata"] == "HGH"
    arrival = booked.arrival_at.astimezone(UTC)
    assert body["eta"]["utc"] == arrival.isoformat().replace("+00:00", "Z")
    assert body["eta"]["time_zone"] == "Asia/Shanghai"
    assert body["eta"]["local"].endswith("+08:00")


def test_the_public_view_holds_no_personal_or_tenant_data(journey):
    parcel, _ = journey

    body = APIClient().get(f"{URL}{parcel.tracking_number}/").json()

    assert keys(body) & PRIVATE_KEYS == set()
    text = str(body)
    for private in (
        parcel.order_reference,
        str(parcel.order_id),
        parcel.marketplace.slug,
        parcel.merchant.slug,
        parcel.carrier.slug,
        "Li Wei",
    ):
        assert private not in text


@pytest.mark.parametrize("number", ["EW000000000BE", "EW12345678", "anything", "ew123456785be"])
def test_an_unknown_number_is_a_404_problem(journey, number):
    response = APIClient().get(f"{URL}{number}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_each_client_ip_is_throttled_on_its_own(journey, monkeypatch):
    parcel, _ = journey
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "3/min"})
    client = APIClient()
    path = f"{URL}{parcel.tracking_number}/"

    statuses = [client.get(path, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    other_ip = client.get(path, REMOTE_ADDR="203.0.113.8")

    assert statuses == [200, 200, 200, 429]
    assert other_ip.status_code == 200
    limited = client.get(path, REMOTE_ADDR="203.0.113.7")
    assert limited.json()["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0


def test_once_arrived_there_is_no_eta_and_a_delivery_is_shown(journey):
    parcel, _ = journey
    operator = parcel.carrier
    now = timezone.now()
    tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "m-2",
                "awb_number": "020-12345675",
                "code": "ARR",
                "occurred_at": (now - timedelta(minutes=5)).isoformat(),
                "location": "HGH",
            }
        ],
    )

    body = APIClient().get(f"{URL}{parcel.tracking_number}/").json()

    assert body["status"] == "arrived"
    assert body["eta"] is None
    assert body["events"][-1]["place"]["time_zone"] == "Asia/Shanghai"


def test_the_hand_rendered_body_matches_its_documented_serializer(journey):
    parcel, _ = journey

    body = APIClient().get(f"{URL}{parcel.tracking_number}/").json()

    documented = PublicTrackingOutput(public_tracking(tracking_number=parcel.tracking_number))
    assert json.loads(JSONRenderer().render(documented.data)) == body


def test_the_public_payload_is_cached_until_a_report_about_the_parcel_or_its_mawb(journey):
    parcel, _ = journey
    url = f"{URL}{parcel.tracking_number}/"
    operator = parcel.carrier
    first = APIClient().get(url).json()

    with CaptureQueriesContext(connection) as cached:
        again = APIClient().get(url).json()
    tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "m-2",
                "awb_number": "020-12345675",
                "code": "ARR",
                "occurred_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                "location": "HGH",
            }
        ],
    )
    after_mawb = APIClient().get(url).json()
    tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "p-9",
                "tracking_number": parcel.tracking_number,
                "code": "OUT_FOR_DELIVERY",
                "occurred_at": (timezone.now() - timedelta(minutes=1)).isoformat(),
                "location": "HGH",
            }
        ],
    )
    after_parcel = APIClient().get(url).json()

    assert again == first
    assert len(cached.captured_queries) == 0
    assert after_mawb["status"] == "arrived"
    assert len(after_mawb["events"]) == len(first["events"]) + 1
    assert after_parcel["status"] == "out_for_delivery"
