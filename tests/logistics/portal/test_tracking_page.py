"""The public tracking page: same data as the public API, no sign-in, no personal data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from ewtp.core.api.throttling import PublicRateThrottle
from logistics.services import tracking_events_ingest
from tests.logistics import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcel():
    _, hgh = factories.network()
    operator = factories.carrier()
    booked = factories.flight(operator, hgh, departs_in=timedelta(hours=8))
    shipment = factories.parcel(booked, weight_kg=Decimal("0.700"))
    tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "p-1",
                "tracking_number": shipment.tracking_number,
                "code": "HUB_IN",
                "occurred_at": "2026-11-24T13:05:00Z",
                "location": "LGG",
                "remarks": "Li Wei, Hangzhou",
            }
        ],
    )
    return shipment


def test_anyone_sees_the_timeline_in_local_time_and_the_eta(parcel):
    response = Client().get(f"/track/{parcel.tracking_number}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert parcel.tracking_number in page
    assert "2026-11-24 14:05" in page  # 13:05 UTC is 14:05 in Liège
    assert "Liège Airport (LGG)" in page
    assert 'data-testid="eta"' in page
    for private in ("Li Wei", parcel.order_reference, parcel.marketplace.name, "0.700"):
        assert private not in page


def test_the_form_sends_to_the_parcel_page_and_refuses_a_malformed_number(parcel):
    client = Client()

    found = client.get("/track/", {"tracking_number": parcel.tracking_number.lower()})
    bad = client.get("/track/", {"tracking_number": "nope"})

    assert found.status_code == 302
    assert found["Location"] == f"/track/{parcel.tracking_number}/"
    assert bad.status_code == 200
    assert "This is not a tracking number." in bad.content.decode()


def test_an_unknown_number_is_a_404_page(parcel):
    response = Client().get("/track/EW000000000BE/")

    assert response.status_code == 404
    assert "No parcel with this number" in response.content.decode()


def test_lookups_share_the_public_apis_per_ip_budget(parcel, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "2/min"})
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    try:
        assert client.get(f"/api/v1/track/{parcel.tracking_number}/").status_code == 200
        assert client.get(f"/track/{parcel.tracking_number}/").status_code == 200
        refused = client.get(f"/track/{parcel.tracking_number}/")
    finally:
        cache.clear()

    assert refused.status_code == 429
    assert "Retry-After" in refused
