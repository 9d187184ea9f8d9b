"""Several workers share the queue: a delivery locked by one is skipped by the others."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from ewtp.events import tasks
from ewtp.events.delivery import webhook_deliveries_send_due
from ewtp.events.models import DeliveryStatus, WebhookDelivery


@pytest.mark.django_db(transaction=True)
def test_a_delivery_held_by_another_worker_is_skipped_not_waited_for(
    make_org, make_endpoint, publish_event, receiver, monkeypatch
):
    # Committed publishes queue the Celery task; this test drives delivery itself.
    monkeypatch.setattr(tasks.deliver_due_webhooks, "delay", lambda: None)
    org = make_org()
    make_endpoint(org, url=receiver.url)
    publish_event(org)
    publish_event(org)
    held = WebhookDelivery.objects.get(sequence=1)
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        made = webhook_deliveries_send_due()
    finally:
        release.set()
        thread.join(10)

    assert made == 1
    statuses = dict(WebhookDelivery.objects.values_list("sequence", "status"))
    assert statuses == {1: DeliveryStatus.PENDING, 2: DeliveryStatus.SUCCEEDED}
    assert len(receiver.posts()) == 1
