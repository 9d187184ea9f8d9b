"""The public tracking view as schema.org ParcelDelivery JSON-LD: from the API with
`Accept: application/ld+json`, and in the tracking page's <script> element. Nothing personal
and nothing of any tenant."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from logistics import jsonld
from logistics.services import tracking_events_ingest
from tests.logistics import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/track/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def parcel():
    """A parcel loaded at the hub for a flight that has not left, with a remark naming a person."""
    _, hgh = factories.network()
    operator = factories.carrier()
    booked = factories.flight(operator, hgh, departs_in=timedelta(hours=6))
    shipment = factories.parcel(booked)
    loaded = datetime.now(UTC) - timedelta(hours=1)
    tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "p-1",
                "tracking_number": shipment.tracking_number,
                "code": "ULD_LOADED",
                "occurred_at": loaded.isoformat(),
                "location": "LGG",
                "remarks": "Li Wei </script><b>",
            }
        ],
    )
    return shipment


def private_words(shipment) -> list[str]:
    return [
        shipment.order_reference,
        str(shipment.order_id),
        shipment.marketplace.slug,
        shipment.merchant.slug,
        shipment.carrier.slug,
        "Li Wei",
        str(shipment.weight_kg),
    ]


def assert_parcel_delivery(data, shipment):
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ParcelDelivery"
    assert data["trackingNumber"] == shipment.tracking_number
    assert data["trackingUrl"].endswith(f"/track/{shipment.tracking_number}/")
    assert data["deliveryStatus"]["@type"] == "DeliveryEvent"
    assert data["deliveryStatus"]["name"] == "Loaded for the flight"
    assert data["deliveryStatus"]["location"]["iataCode"] == "LGG"
    assert data["originAddress"]["addressCountry"] == "BE"
    assert data["deliveryAddress"] == {"@type": "PostalAddress", "addressCountry": "CN"}
    assert data["expectedArrivalUntil"].endswith("Z")
    assert data["potentialAction"]["@type"] == "TrackAction"


def test_the_api_answers_json_ld_when_asked(parcel):
    response = APIClient().get(f"{URL}{parcel.tracking_number}/", HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    text = response.content.decode()
    assert_parcel_delivery(json.loads(text), parcel)
    for word in private_words(parcel):
        assert word not in text


def test_plain_json_is_still_the_default(parcel):
    response = APIClient().get(f"{URL}{parcel.tracking_number}/")

    assert response["Content-Type"] == "application/json"
    assert response.json()["tracking_number"] == parcel.tracking_number


def test_an_unknown_number_is_a_problem_whatever_was_asked():
    response = APIClient().get(f"{URL}EW000000000BE/", HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_tracking_page_carries_the_same_json_ld(parcel):
    page = Client().get(f"/track/{parcel.tracking_number}/").content.decode()

    [script] = SCRIPT.findall(page)
    assert_parcel_delivery(json.loads(script), parcel)
    for word in private_words(parcel):
        assert word not in script


def test_no_value_can_close_the_script_element():
    text = jsonld.script_text({"name": "</script><script>alert(1)</script> & more"})

    assert "</script>" not in text
    assert "<" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & more"
