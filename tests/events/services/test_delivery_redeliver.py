"""Manual redelivery: back to pending, due now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.errors import Conflict
from ewtp.events import tasks
from ewtp.events.delivery import webhook_deliveries_send_due
from ewtp.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery
from ewtp.events.services import webhook_delivery_redeliver, webhook_endpoint_disable

pytestmark = pytest.mark.django_db


def _failed_delivery(make_org, make_endpoint, publish_event, receiver):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    receiver.status = 500
    event = publish_event(org)
    OutboxEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - timedelta(days=4))
    webhook_deliveries_send_due()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.FAILED
    return endpoint, delivery


def test_a_failed_delivery_is_sent_again_when_redelivered(
    make_org,
    make_endpoint,
    publish_event,
    receiver,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    queued: list[bool] = []
    monkeypatch.setattr(tasks.deliver_due_webhooks, "delay", lambda: queued.append(True))
    _, delivery = _failed_delivery(make_org, make_endpoint, publish_event, receiver)
    receiver.status = 200
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_redeliver(delivery=delivery, now=now)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == (DeliveryStatus.PENDING, now)
    assert queued == [True]
    assert webhook_deliveries_send_due(now=now) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    first, second = receiver.posts()
    # The same message again: same webhook-id and body, so the partner can deduplicate.
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body


def test_a_redelivery_past_the_retry_window_gets_one_attempt(
    make_org, make_endpoint, publish_event, receiver
):
    _, delivery = _failed_delivery(make_org, make_endpoint, publish_event, receiver)

    webhook_delivery_redeliver(delivery=delivery)
    webhook_deliveries_send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)


def test_redelivery_to_a_disabled_endpoint_is_refused(
    make_org, make_endpoint, publish_event, receiver
):
    endpoint, delivery = _failed_delivery(make_org, make_endpoint, publish_event, receiver)
    webhook_endpoint_disable(endpoint=endpoint, reason="test")

    with pytest.raises(Conflict) as err:
        webhook_delivery_redeliver(delivery=delivery)

    assert err.value.code == "webhook_endpoint_disabled"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
