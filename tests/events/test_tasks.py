"""The Celery task is a thin, idempotent wrapper of the delivery service."""

from __future__ import annotations

import pytest

from ewtp.events.models import DeliveryStatus, WebhookDelivery
from ewtp.events.tasks import deliver_due_webhooks

pytestmark = pytest.mark.django_db


def test_the_task_delivers_what_is_due_and_a_second_run_does_nothing(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    make_endpoint(org, url=receiver.url)
    publish_event(org)

    first = deliver_due_webhooks.apply().get()
    second = deliver_due_webhooks.apply().get()

    assert (first, second) == (1, 0)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED
    assert len(receiver.posts()) == 1
