"""Retries: exponential backoff with full jitter, scheduled in the database, given up after 72 h."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.events.delivery import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MIN_DELAY,
    retry_delay,
    webhook_deliveries_send_due,
)
from ewtp.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("attempts", "ceiling"),
    [
        (1, timedelta(seconds=10)),
        (2, timedelta(seconds=20)),
        (5, timedelta(seconds=160)),
        (12, timedelta(seconds=20480)),
        (13, BACKOFF_CAP),
        (500, BACKOFF_CAP),
    ],
)
def test_the_delay_is_drawn_between_one_second_and_the_doubling_ceiling(attempts, ceiling):
    rng = random.Random(attempts)  # noqa: S311  # seeded on purpose: a reproducible draw

    delays = [retry_delay(attempts=attempts, rng=rng) for _ in range(300)]

    assert all(MIN_DELAY <= d <= ceiling for d in delays)
    # Full jitter spreads retries over the whole range instead of bunching at the ceiling.
    assert min(delays) < MIN_DELAY + (ceiling - MIN_DELAY) * 0.1
    assert max(delays) > ceiling * 0.9


class _AlwaysTheCeiling(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


def test_the_ceiling_doubles_from_the_base():
    ceilings = [retry_delay(attempts=n, rng=_AlwaysTheCeiling()) for n in range(1, 6)]

    assert ceilings == [BACKOFF_BASE * 2**n for n in range(5)]


def _failing_delivery(make_org, make_endpoint, publish_event, receiver):
    org = make_org()
    endpoint, _ = make_endpoint(org, url=receiver.url)
    receiver.status = 503
    event = publish_event(org)
    return event, WebhookDelivery.objects.get(endpoint=endpoint)


def test_a_failure_is_rescheduled_in_the_database(make_org, make_endpoint, publish_event, receiver):
    _, delivery = _failing_delivery(make_org, make_endpoint, publish_event, receiver)
    at = timezone.now()

    webhook_deliveries_send_due(now=at)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_attempt_at == at
    assert delivery.next_attempt_at is not None
    assert at + MIN_DELAY <= delivery.next_attempt_at <= at + BACKOFF_BASE
    # Not due again until then: a second run at the same moment sends nothing.
    assert webhook_deliveries_send_due(now=at) == 0
    assert len(receiver.posts()) == 1


def test_retries_follow_the_schedule_until_one_succeeds(
    make_org, make_endpoint, publish_event, receiver
):
    _, delivery = _failing_delivery(make_org, make_endpoint, publish_event, receiver)
    at = timezone.now()
    for _ in range(4):
        webhook_deliveries_send_due(now=at)
        delivery.refresh_from_db()
        assert delivery.next_attempt_at is not None
        at = delivery.next_attempt_at
    receiver.status = 204

    webhook_deliveries_send_due(now=at)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        5,
        204,
    )
    assert [a.status_code for a in delivery.attempt_log.order_by("attempted_at")] == [
        503,
        503,
        503,
        503,
        204,
    ]


def test_a_delivery_is_given_up_when_the_next_retry_falls_after_72_hours(
    make_org, make_endpoint, publish_event, receiver, settings
):
    event, delivery = _failing_delivery(make_org, make_endpoint, publish_event, receiver)
    give_up_at = event.occurred_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    # The last moment a retry can still be scheduled inside the window, minus less than 1 s.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=give_up_at - timedelta(milliseconds=500)
    )

    webhook_deliveries_send_due(now=give_up_at - timedelta(milliseconds=500))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.last_status_code == 503


def test_a_failure_well_inside_the_window_keeps_the_delivery_pending(
    make_org, make_endpoint, publish_event, receiver, settings
):
    event, delivery = _failing_delivery(make_org, make_endpoint, publish_event, receiver)
    # 71 h after the event: any retry (at most 10 s away on a first attempt) is still inside.
    at = event.occurred_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS - 1)

    webhook_deliveries_send_due(now=at)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_a_backlog_older_than_the_window_gets_one_attempt_then_fails(
    make_org, make_endpoint, publish_event, receiver
):
    event, delivery = _failing_delivery(make_org, make_endpoint, publish_event, receiver)
    OutboxEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - timedelta(hours=80))

    webhook_deliveries_send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert len(receiver.posts()) == 1
