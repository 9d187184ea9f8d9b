"""Sending deliveries to a real HTTP server on loopback: payload, signature, failures."""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from ewtp.events.delivery import webhook_deliveries_send_due
from ewtp.events.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tests.events.conftest import EVENT_TYPE
from tests.events.standard_webhooks import signatures

pytestmark = pytest.mark.django_db


def test_a_due_delivery_is_posted_signed_and_marked_succeeded(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    endpoint, secret = make_endpoint(org, url=receiver.url)
    receiver.secrets = [secret]
    event = publish_event(org, data={"parcel": "P-9", "weight_kg": "1.25"})

    made = webhook_deliveries_send_due()

    assert made == 1
    [request] = receiver.posts()
    assert request.path == "/hooks"
    assert request.verified is True
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == str(event.pk)
    assert len(signatures(request.headers["webhook-signature"])) == 1
    assert json.loads(request.body) == {
        "id": str(event.pk),
        "type": EVENT_TYPE,
        "timestamp": event.occurred_at.isoformat(),
        "sequence": 1,
        "data": {"parcel": "P-9", "weight_kg": "1.25"},
    }
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )
    assert delivery.next_attempt_at is None
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 200
    assert attempt.response_excerpt == '{"received": true}'


def test_the_timestamp_header_is_the_send_time_in_unix_seconds(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    make_endpoint(org, url=receiver.url)
    publish_event(org)
    at = timezone.now() + timedelta(minutes=3)

    webhook_deliveries_send_due(now=at)

    assert receiver.posts()[0].headers["webhook-timestamp"] == str(int(at.timestamp()))


def test_a_redirect_is_a_failure_and_is_not_followed(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    receiver.status = 302
    receiver.response_headers = {"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"}
    publish_event(org)

    webhook_deliveries_send_due()

    assert [(r.method, r.path) for r in receiver.requests] == [("POST", "/hooks")]
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.PENDING  # failed once, retried later
    assert delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error
    assert delivery.next_attempt_at is not None
    assert delivery.last_attempt_at is not None
    assert delivery.next_attempt_at > delivery.last_attempt_at


@pytest.mark.parametrize("status", [400, 410, 500, 503])
def test_a_non_2xx_answer_is_a_failed_attempt(
    make_org, make_endpoint, publish_event, receiver, status
):
    org = make_org()
    make_endpoint(org, url=receiver.url)
    receiver.status = status
    publish_event(org)

    webhook_deliveries_send_due()

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == status
    assert attempt.error == f"HTTP {status}."
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING


def test_a_timeout_is_a_failed_attempt(make_org, make_endpoint, publish_event, receiver):
    org = make_org()
    make_endpoint(org, url=receiver.url)
    receiver.stall = threading.Event()
    publish_event(org)

    with override_settings(WEBHOOK_TIMEOUT_SECONDS=0.2):
        webhook_deliveries_send_due()

    receiver.stall.set()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("Timed out")
    assert len(receiver.posts()) == 1


def test_a_refused_connection_is_a_failed_attempt(make_org, make_endpoint, publish_event):
    org = make_org()
    # A port bound but not listening: connections are refused at once, and nobody can take it.
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        make_endpoint(org, url=f"http://127.0.0.1:{closed_port.getsockname()[1]}/hooks")
        publish_event(org)

        webhook_deliveries_send_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code is None
    assert "ConnectionError" in delivery.last_error


def test_a_url_now_resolving_to_a_private_address_fails_without_connecting(
    make_org, make_endpoint, publish_event, receiver, fake_dns
):
    org = make_org()
    fake_dns.table["hooks.partner.test"] = ["127.0.0.1"]
    endpoint, _ = make_endpoint(org, url=f"http://hooks.partner.test:{receiver.port}/hooks")
    publish_event(org)
    fake_dns.table["hooks.partner.test"] = ["10.0.0.8"]  # the DNS answer changed since

    webhook_deliveries_send_due()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("Not sent:")
    assert "private address (10.0.0.8)" in delivery.last_error


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(
    make_org, make_endpoint, publish_event, receiver, fake_dns
):
    org = make_org()
    fake_dns.table["hooks.partner.test"] = ["127.0.0.1"]
    endpoint, secret = make_endpoint(org, url=f"http://hooks.partner.test:{receiver.port}/hooks")
    receiver.secrets = [secret]
    publish_event(org)
    fake_dns.lookups.clear()

    webhook_deliveries_send_due()

    # Resolved once, by the guard: a rebinding DNS gets no second chance to answer.
    assert fake_dns.lookups == ["hooks.partner.test"]
    [request] = receiver.posts()
    assert request.headers["host"] == f"hooks.partner.test:{receiver.port}"
    assert request.verified is True
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == DeliveryStatus.SUCCEEDED


def test_only_due_deliveries_are_attempted_and_the_limit_holds(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    make_endpoint(org, url=receiver.url)
    for _ in range(3):
        publish_event(org)
    later = WebhookDelivery.objects.order_by("sequence").last()
    assert later is not None
    WebhookDelivery.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )

    assert webhook_deliveries_send_due(limit=1) == 1
    assert webhook_deliveries_send_due() == 1
    assert webhook_deliveries_send_due() == 0

    assert len(receiver.posts()) == 2
    later.refresh_from_db()
    assert (later.status, later.attempts) == (DeliveryStatus.PENDING, 0)
