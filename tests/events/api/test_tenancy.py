"""Another organisation's endpoints and deliveries do not exist for the caller (404)."""

from __future__ import annotations

import pytest

from ewtp.events.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookSecret

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(make_org, make_endpoint, publish_event):
    owner = make_org()
    endpoint, _ = make_endpoint(owner, description="theirs")
    publish_event(owner)
    return endpoint, WebhookDelivery.objects.get(endpoint=endpoint)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "endpoints/{endpoint}/", None),
        ("patch", "endpoints/{endpoint}/", {"description": "mine now"}),
        ("delete", "endpoints/{endpoint}/", None),
        ("post", "endpoints/{endpoint}/rotate-secret/", {}),
        ("get", "endpoints/{endpoint}/deliveries/", None),
        ("post", "deliveries/{delivery}/redeliver/", None),
    ],
)
def test_another_organisations_rows_are_not_found(
    make_org, partner_client, foreign, method, path, body
):
    endpoint, delivery = foreign
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )
    intruder = partner_client(make_org())
    url = "/api/v1/webhooks/" + path.format(endpoint=endpoint.pk, delivery=delivery.pk)

    response = getattr(intruder, method)(url, body, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] in {"webhook_endpoint_not_found", "webhook_delivery_not_found"}
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.description == "theirs"
    assert WebhookSecret.objects.filter(endpoint=endpoint, expires_at__isnull=True).count() == 1
    assert WebhookSecret.objects.filter(endpoint=endpoint).count() == 1
    assert delivery.status == DeliveryStatus.FAILED


def test_the_list_shows_only_the_callers_endpoints(make_org, partner_client, foreign):
    mine = partner_client(make_org())

    response = mine.get("/api/v1/webhooks/endpoints/")

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert WebhookEndpoint.objects.count() == 1
