"""/api/v1/webhooks/endpoints/<id>/deliveries/ and /deliveries/<id>/redeliver/."""

from __future__ import annotations

import pytest

from ewtp.events.delivery import webhook_deliveries_send_due
from ewtp.events.models import DeliveryStatus, WebhookDelivery
from tests.events.conftest import EVENT_TYPE

pytestmark = pytest.mark.django_db


def test_deliveries_are_listed_newest_first_with_their_attempts_and_paginated(
    make_org, make_endpoint, publish_event, partner_client, receiver
):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    receiver.status = 500
    first = publish_event(org)
    webhook_deliveries_send_due()
    receiver.status = 200
    second = publish_event(org)
    webhook_deliveries_send_due(limit=1)
    client = partner_client(org)
    url = f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/"

    page = client.get(url, {"page_size": 1})
    rest = client.get(page.json()["next"])

    assert page.status_code == 200
    [newest] = page.json()["results"]
    [oldest] = rest.json()["results"]
    assert (newest["event_id"], newest["sequence"]) == (str(second.pk), 2)
    assert (oldest["event_id"], oldest["sequence"]) == (str(first.pk), 1)
    assert newest["event_type"] == EVENT_TYPE
    assert [a["status_code"] for a in newest["recent_attempts"]] == [200]
    assert oldest["status"] == "pending"
    assert oldest["last_status_code"] == 500
    assert oldest["recent_attempts"][0]["error"] == "HTTP 500."
    assert rest.json()["next"] is None


def test_deliveries_can_be_filtered_by_status(
    make_org, make_endpoint, publish_event, partner_client, receiver
):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    publish_event(org)
    webhook_deliveries_send_due()
    publish_event(org)
    client = partner_client(org)
    url = f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/"

    pending = client.get(url, {"status": "pending"}).json()["results"]
    bad = client.get(url, {"status": "lost"})

    assert [d["sequence"] for d in pending] == [2]
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "status"


def test_redeliver_schedules_the_delivery_now(
    make_org, make_endpoint, publish_event, partner_client, receiver
):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    publish_event(org)
    webhook_deliveries_send_due()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.SUCCEEDED

    response = partner_client(org).post(f"/api/v1/webhooks/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert response.json()["next_attempt_at"] is not None
    assert webhook_deliveries_send_due() == 1
    assert len(receiver.posts()) == 2


def test_redeliver_to_a_disabled_endpoint_is_a_409(
    make_org, make_endpoint, publish_event, partner_client
):
    org = make_org()
    endpoint, _ = make_endpoint(org)
    publish_event(org)
    client = partner_client(org)
    client.patch(f"/api/v1/webhooks/endpoints/{endpoint.pk}/", {"is_active": False}, format="json")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    response = client.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 409
    assert response.json()["code"] == "webhook_endpoint_disabled"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
