"""The staff admin: pages render, actions go through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ewtp.events.models import DeliveryStatus, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(make_org, make_endpoint, publish_event, receiver):
    from ewtp.events.delivery import webhook_deliveries_send_due

    org = make_org()
    endpoint, secret = make_endpoint(org, url=receiver.url)
    event = publish_event(org)
    webhook_deliveries_send_due()
    return endpoint, secret, event, WebhookDelivery.objects.get(endpoint=endpoint)


def test_the_pages_render_and_never_show_a_secret(admin_client, delivered):
    endpoint, secret, event, delivery = delivered
    pages = [
        reverse("admin:events_webhookendpoint_changelist"),
        reverse("admin:events_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:events_webhookdelivery_changelist") + "?status__exact=succeeded",
        reverse("admin:events_webhookdelivery_change", args=[delivery.pk]),
        reverse("admin:events_outboxevent_changelist"),
        reverse("admin:events_outboxevent_change", args=[event.pk]),
    ]

    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        assert secret not in response.content.decode()
    attempt_page = admin_client.get(pages[3]).content.decode()
    assert "{&quot;received&quot;: true}" in attempt_page  # the attempts inline


def test_events_are_read_only(admin_client, delivered):
    _, _, event, _ = delivered

    add = admin_client.get(reverse("admin:events_outboxevent_add"))
    delete = admin_client.post(reverse("admin:events_outboxevent_delete", args=[event.pk]))

    assert (add.status_code, delete.status_code) == (403, 403)


def test_disable_and_enable_actions(admin_client, delivered):
    endpoint, *_ = delivered
    changelist = reverse("admin:events_webhookendpoint_changelist")

    admin_client.post(
        changelist, {"action": "disable_endpoints", "_selected_action": [endpoint.pk]}
    )
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert endpoint.disabled_reason == "Disabled by admin."

    admin_client.post(changelist, {"action": "enable_endpoints", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.is_active is True


def test_the_redeliver_action(admin_client, delivered):
    *_, delivery = delivered
    assert delivery.status == DeliveryStatus.SUCCEEDED

    response = admin_client.post(
        reverse("admin:events_webhookdelivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
