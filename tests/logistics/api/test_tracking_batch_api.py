from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from logistics.models import TrackingEvent
from tests.logistics import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/tracking-events/batch/"


@pytest.fixture
def hub():
    _, hgh = factories.network()
    operator = factories.carrier()
    return operator, factories.flight(operator, hgh)


def item(parcel, event_id, code="HUB_IN", minutes_ago=30, **extra):
    return {
        "event_id": event_id,
        "tracking_number": parcel.tracking_number,
        "code": code,
        "occurred_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
    } | extra


def test_a_mixed_batch_answers_each_item_in_order_and_a_replay_adds_nothing(hub, partner_client):
    operator, booked = hub
    parcel = factories.parcel(booked)
    client = partner_client(operator, scopes=["tracking:write"])
    hub_in = item(parcel, "e-1", "HUB_IN", 90, location="LGG")
    batch = {
        "events": [hub_in, item(parcel, "e-2", "NOPE"), item(parcel, "e-3", "DEP", -30), hub_in]
    }

    first = client.post(URL, batch, format="json")
    replay = client.post(URL, batch, format="json")

    assert first.status_code == 200, first.json()
    body = first.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 1, 2)
    assert [r["result"] for r in body["results"]] == [
        "accepted",
        "rejected",
        "rejected",
        "duplicate",
    ]
    assert body["results"][1] == {
        "result": "rejected",
        "event_id": "e-2",
        "code": "CODE_UNKNOWN",
        "field": "code",
        "message": "Unknown tracking code 'NOPE'.",
    }
    assert body["results"][2]["code"] == "TIMESTAMP_IN_FUTURE"
    assert set(body["results"][0]) == {"result", "event_id", "id"}
    assert replay.status_code == 200
    assert [r["result"] for r in replay.json()["results"]] == [
        "duplicate",
        "rejected",
        "rejected",
        "duplicate",
    ]
    assert TrackingEvent.objects.count() == 1


def test_more_than_ten_thousand_events_is_a_413_and_nothing_is_stored(hub, partner_client):
    operator, booked = hub
    parcel = factories.parcel(booked)
    events = [
        {
            "event_id": f"e{i}",
            "tracking_number": parcel.tracking_number,
            "code": "SORTED",
            "occurred_at": "2026-01-01T00:00:00Z",
        }
        for i in range(10_001)
    ]

    response = partner_client(operator).post(URL, {"events": events}, format="json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "BATCH_TOO_LARGE"
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"events": [{"event_id": "e-1", ', "parse_error"),  # cut off
        ("[]", "BATCH_INVALID"),
        ('{"events": {"event_id": "e-1"}}', "BATCH_INVALID"),
        ('{"items": []}', "BATCH_INVALID"),
        ('{"events": [], "extra": 1}', "FIELD_UNKNOWN"),
    ],
)
def test_a_malformed_body_is_a_400_problem_and_writes_nothing(hub, partner_client, raw, code):
    operator, booked = hub
    parcel = factories.parcel(booked)
    good = json.dumps(item(parcel, "e-0"))
    client = partner_client(operator)

    response = client.post(
        URL,
        raw.replace("[]", f"[{good}]", 1) if raw == "[]" else raw,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not TrackingEvent.objects.exists()


def test_another_carriers_parcels_are_not_leaked(hub, partner_client):
    _, booked = hub
    parcel = factories.parcel(booked)
    intruder = partner_client(factories.carrier(), scopes=["tracking:write"])

    response = intruder.post(URL, {"events": [item(parcel, "e-1")]}, format="json")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "result": "rejected",
            "event_id": "e-1",
            "code": "PARCEL_UNKNOWN",
            "field": "tracking_number",
            "message": "No such parcel of yours.",
        }
    ]
    assert not TrackingEvent.objects.exists()


def test_only_carriers_and_ground_handlers_with_the_scope_post_batches(
    hub, make_org, partner_client
):
    operator, booked = hub
    batch = {"events": [item(factories.parcel(booked), "e-1")]}

    marketplace = partner_client(make_org(OrganizationKind.MARKETPLACE)).post(
        URL, batch, format="json"
    )
    no_scope = partner_client(operator, scopes=["shipments:read"]).post(URL, batch, format="json")

    assert marketplace.status_code == 403
    assert no_scope.json()["code"] == "scope_missing"
    assert not TrackingEvent.objects.exists()


def test_an_idempotency_key_replays_the_stored_answer(hub, partner_client):
    operator, booked = hub
    batch = {"events": [item(factories.parcel(booked), "e-1")]}
    client = partner_client(operator)

    first = client.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["results"][0]["result"] == "accepted"


def test_a_month_without_a_partition_is_a_coded_rejection_not_a_500(
    hub, partner_client, monkeypatch
):
    operator, booked = hub
    parcel = factories.parcel(booked)
    client = partner_client(operator, scopes=["tracking:write"])
    monkeypatch.setattr(
        "logistics.services.tracking_batch.tracking_partition_open", lambda *, at: False
    )

    response = client.post(URL, {"events": [item(parcel, "e-1")]}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["results"] == [
        {
            "result": "rejected",
            "event_id": "e-1",
            "code": "PARTITION_MISSING",
            "field": "",
            "message": "Reports received this month cannot be stored yet (no partition); "
            "send them again later.",
        }
    ]
    assert not TrackingEvent.objects.exists()
