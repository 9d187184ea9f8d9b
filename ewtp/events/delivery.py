"""Sending due webhook deliveries: signing, retrying, giving up, disabling dead endpoints.

The rules:
- A delivery is due when pending and its `next_attempt_at` has come. A worker takes one due row
  at a time with `SELECT ... FOR UPDATE SKIP LOCKED`, makes one attempt and records it in the
  same transaction, so any number of workers share the queue and never send one delivery twice
  at once. The lock is held for at most one HTTP call (WEBHOOK_TIMEOUT_SECONDS); holding a
  batch of rows across many calls would make each result wait for the slowest partner. A worker
  killed mid-attempt rolls back and the row is simply due again (at-least-once delivery).
- Payload: `{"id", "type", "timestamp", "sequence", "data"}`, signed per Standard Webhooks
  with every live secret of the endpoint (see `signing`).
- A 2xx answer succeeds. Anything else fails: 3xx (redirects are never followed), 4xx, 5xx,
  timeouts, connection errors, and a URL the SSRF guard now refuses (nothing is sent then).
- After a failure the next attempt is scheduled in the database (not a Celery countdown) with
  exponential backoff and full jitter: uniform(1 s, min(6 h, 10 s * 2^(attempts - 1))). When it
  would fall more than WEBHOOK_RETRY_HOURS (72 h) after the event, the delivery fails instead.
- Auto-disable: an endpoint whose every attempt has failed for WEBHOOK_DISABLE_AFTER_DAYS
  (5 days; any 2xx restarts the clock) is disabled with the reason recorded. Time, not a count
  of failures: a count trips in minutes for a busy partner with a short outage, while five days
  of nothing but failures outlasts a whole retry window and means nobody is listening.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ewtp.events.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookSecret,
)
from ewtp.events.services import webhook_endpoint_disable
from ewtp.events.signing import signature_header
from ewtp.events.ssrf import WebhookUrlForbidden, url_check
from ewtp.events.transport import Outcome, post

BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=6)
MIN_DELAY = timedelta(seconds=1)
BATCH_LIMIT = 200
TIME_BUDGET_SECONDS = 60.0  # well inside the Celery soft time limit; the beat runs us again
USER_AGENT = "eWTP-Webhooks/1.0"

_jitter = random.SystemRandom()


def retry_delay(*, attempts: int, rng: random.Random = _jitter) -> timedelta:
    """The wait after the `attempts`-th failed attempt (full jitter, see the module docstring)."""
    exponent = min(max(attempts - 1, 0), 30)  # 2**30 * 10 s is far past the cap already
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**exponent)
    seconds = rng.uniform(MIN_DELAY.total_seconds(), max(ceiling, MIN_DELAY).total_seconds())
    return timedelta(seconds=seconds)


def payload_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent and signed."""
    event = delivery.event
    document = {
        "id": str(event.id),
        "type": event.type,
        "timestamp": event.occurred_at.isoformat(),
        "sequence": delivery.sequence,
        "data": event.data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def _send(delivery: WebhookDelivery, at: datetime) -> Outcome:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return Outcome(None, 0, error="Not sent: the endpoint is disabled.")
    try:
        target = url_check(endpoint.url)
    except WebhookUrlForbidden as exc:
        return Outcome(None, 0, error=f"Not sent: {exc.detail}")
    secrets = list(
        WebhookSecret.objects.filter(endpoint=endpoint)
        .signing_at(at)
        .values_list("secret", flat=True)
    )
    if not secrets:
        return Outcome(None, 0, error="Not sent: the endpoint has no signing secret.")
    body = payload_body(delivery)
    msg_id = str(delivery.event_id)
    timestamp = int(at.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            signing_secrets=secrets, msg_id=msg_id, timestamp=timestamp, body=body
        ),
    }
    return post(
        url=endpoint.url,
        target=target,
        body=body,
        headers=headers,
        timeout=float(settings.WEBHOOK_TIMEOUT_SECONDS),
    )


def _record(delivery: WebhookDelivery, outcome: Outcome, at: datetime) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=at,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
        response_excerpt=outcome.response_excerpt,
    )
    delivery.attempts += 1
    delivery.last_attempt_at = at
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.next_attempt_at = None
    else:
        give_up_at = delivery.event.occurred_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
        next_at = at + retry_delay(attempts=delivery.attempts)
        if next_at > give_up_at or not delivery.endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = next_at
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "status",
            "next_attempt_at",
        ]
    )


def _endpoint_health(endpoint_id: UUID, outcome: Outcome, at: datetime) -> None:
    """Track the endpoint's run of failures and disable it when the run is too long."""
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id)
    if outcome.ok:
        endpoints.filter(failing_since__isnull=False).update(failing_since=None)
        return
    endpoints.filter(failing_since__isnull=True).update(failing_since=at)
    limit = timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    dead = endpoints.active().filter(failing_since__lte=at - limit).first()
    if dead is not None and dead.failing_since is not None:
        webhook_endpoint_disable(
            endpoint=dead,
            reason=(
                f"Every attempt since {dead.failing_since:%Y-%m-%d %H:%M} UTC failed "
                f"(last: {outcome.error or 'no answer'})"
            ),
            now=at,
        )


def _attempt_next_due(*, cutoff: datetime, now: datetime | None) -> bool:
    """Attempt the most overdue delivery nobody else holds; False when there is none."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.due(cutoff)
            .select_related("event", "endpoint")
            # Lock only the delivery: a publisher may hold the endpoint row for its sequence.
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at")
            .first()
        )
        if delivery is None:
            return False
        at = now or timezone.now()
        outcome = _send(delivery, at)
        _record(delivery, outcome, at)
    # After the delivery's commit: disabling locks the endpoint and then its pending deliveries,
    # so doing it while holding a delivery lock could deadlock with a concurrent disable.
    _endpoint_health(delivery.endpoint_id, outcome, at)
    return True


def webhook_deliveries_send_due(
    *,
    now: datetime | None = None,
    limit: int = BATCH_LIMIT,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> int:
    """Attempt the deliveries due at the start, until none is left, `limit` attempts or
    `time_budget` seconds. Returns the number of attempts. `now` pins the clock (tests).

    Only rows due at the start are taken, so a retry scheduled during the run waits its turn.
    """
    cutoff = now or timezone.now()
    stop_at = time.monotonic() + time_budget
    made = 0
    while made < limit and time.monotonic() < stop_at:
        if not _attempt_next_due(cutoff=cutoff, now=now):
            break
        made += 1
    return made
