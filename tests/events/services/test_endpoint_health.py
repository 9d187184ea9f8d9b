"""Auto-disable after five days of nothing but failures; manual disable and enable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.events.delivery import webhook_deliveries_send_due
from ewtp.events.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from ewtp.events.services import webhook_endpoint_disable, webhook_endpoint_enable

pytestmark = pytest.mark.django_db


def _next_due(endpoint):
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def test_an_endpoint_failing_for_five_days_is_disabled_with_the_reason(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    receiver.status = 500
    publish_event(org)
    t0 = timezone.now()
    webhook_deliveries_send_due(now=t0)
    endpoint.refresh_from_db()
    assert endpoint.failing_since == t0
    assert endpoint.is_active

    # Four days on, still failing (a new event): not yet.
    publish_event(org)
    webhook_deliveries_send_due(now=t0 + timedelta(days=4))
    endpoint.refresh_from_db()
    assert endpoint.is_active

    publish_event(org)
    late = t0 + timedelta(days=5, minutes=1)
    webhook_deliveries_send_due(now=late, limit=1)

    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert endpoint.disabled_at == late
    assert "failed" in endpoint.disabled_reason
    assert "HTTP 500" in endpoint.disabled_reason
    # Its pending deliveries are failed, so nothing more is sent to it.
    assert _next_due(endpoint) is None
    assert webhook_deliveries_send_due(now=late + timedelta(days=1)) == 0
    # And new events are no longer owed to it.
    event = publish_event(org)
    assert not WebhookDelivery.objects.filter(event=event).exists()


def test_a_success_restarts_the_five_day_clock(make_org, make_endpoint, publish_event, receiver):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    receiver.status = 500
    publish_event(org)
    t0 = timezone.now()
    webhook_deliveries_send_due(now=t0)

    receiver.status = 200
    publish_event(org)
    webhook_deliveries_send_due(now=t0 + timedelta(days=3))
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None

    receiver.status = 500
    publish_event(org)
    at = t0 + timedelta(days=5, minutes=1)
    webhook_deliveries_send_due(now=at)

    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.failing_since == at


def test_disable_keeps_the_first_reason_and_enable_clears_the_record(make_org, make_endpoint):
    endpoint, _ = make_endpoint(make_org())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now())

    webhook_endpoint_disable(endpoint=endpoint, reason="first")
    webhook_endpoint_disable(endpoint=endpoint, reason="second")
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, "first")

    webhook_endpoint_enable(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert (endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since) == (
        None,
        "",
        None,
    )
