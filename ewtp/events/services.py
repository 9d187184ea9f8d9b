"""Writes of the events app: the outbox, partners' webhook endpoints, their secrets, redelivery.

Sending is in `ewtp.events.delivery`; the rules of sequence numbers and secrets are here:
- Every delivery to an endpoint takes the endpoint's next `sequence` under the endpoint's row
  lock, in the publishing transaction, so per-endpoint sequences follow commit order with no
  gaps (a rolled-back publish gives its number back). Endpoints are locked in id order.
- An endpoint always has exactly one current secret. Rotating makes a new one; every older
  secret keeps signing until `now + grace` at the latest (24 h by default, 0 for a leak).
- Disabling an endpoint fails its pending deliveries; they can be redelivered once re-enabled.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import Organization
from ewtp.events.models import (
    DeliveryStatus,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookSecret,
)
from ewtp.events.signing import secret_generate
from ewtp.events.ssrf import url_check

logger = logging.getLogger(__name__)

MAX_ENDPOINTS_PER_ORGANIZATION = 20
MAX_EVENT_TYPES = 100
MAX_GRACE = timedelta(days=7)
EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def _deliver_soon() -> None:
    """Ask a worker to send now rather than at the next beat (every 10 s) after this commits."""
    # Imported here: tasks imports delivery, which imports this module.
    from ewtp.events.tasks import deliver_due_webhooks

    # robust: the change is committed already; if the broker is down the beat still delivers.
    transaction.on_commit(lambda: deliver_due_webhooks.delay(), robust=True)


@transaction.atomic(savepoint=False)
def outbox_record(
    *, type: str, data: dict[str, Any], recipients: Sequence[Organization]
) -> OutboxEvent:
    """Record an event and owe it to every active endpoint of `recipients` subscribed to `type`.

    Written in the caller's transaction. Without endpoints this is one INSERT and one SELECT.
    """
    now = timezone.now()
    event = OutboxEvent.objects.create(
        type=type,
        data=data,
        recipient_ids=list(dict.fromkeys(org.pk for org in recipients)),
        occurred_at=now,
    )
    if not recipients:
        return event
    endpoints = list(
        WebhookEndpoint.objects.filter(organization__in=recipients)
        .active()
        .subscribed_to(type)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", "last_sequence")
    )
    if not endpoints:
        return event
    # Safe to compute in Python: the rows stay locked until the caller commits.
    WebhookEndpoint.objects.filter(pk__in=[pk for pk, _ in endpoints]).update(
        last_sequence=F("last_sequence") + 1
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            event=event,
            endpoint_id=pk,
            sequence=last + 1,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        for pk, last in endpoints
    )
    _deliver_soon()
    return event


@transaction.atomic(savepoint=False)
def outbox_record_many(
    *, events: Sequence[tuple[str, dict[str, Any], Sequence[Organization]]]
) -> list[OutboxEvent]:
    """`outbox_record` for many events (type, data, recipients) at once, in the given order:
    one INSERT for the events, one read and lock of the recipients' endpoints, one INSERT for
    the deliveries. Each endpoint's sequence numbers follow the events' order, as they would
    had the events been recorded one by one."""
    now = timezone.now()
    created = OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(
                type=type,
                data=data,
                recipient_ids=list(dict.fromkeys(org.pk for org in recipients)),
                occurred_at=now,
            )
            for type, data, recipients in events
        ]
    )
    organization_ids = {org.pk for _, _, recipients in events for org in recipients}
    if not organization_ids:
        return created
    endpoints = list(
        WebhookEndpoint.objects.filter(organization_id__in=organization_ids)
        .active()
        .select_for_update()
        .order_by("pk")
    )
    if not endpoints:
        return created
    last = {endpoint.pk: endpoint.last_sequence for endpoint in endpoints}
    deliveries = []
    for event in created:
        for endpoint in endpoints:
            subscribed = not endpoint.event_types or event.type in endpoint.event_types
            if subscribed and endpoint.organization_id in event.recipient_ids:
                last[endpoint.pk] += 1
                deliveries.append(
                    WebhookDelivery(
                        event=event,
                        endpoint_id=endpoint.pk,
                        sequence=last[endpoint.pk],
                        status=DeliveryStatus.PENDING,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    if not deliveries:
        return created
    # Safe to compute in Python: the rows stay locked until the caller commits.
    for endpoint in endpoints:
        if last[endpoint.pk] != endpoint.last_sequence:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_sequence=last[endpoint.pk])
    WebhookDelivery.objects.bulk_create(deliveries)
    _deliver_soon()
    return created


def _event_types_clean(event_types: Sequence[str]) -> list[str]:
    cleaned = sorted(set(event_types))
    if len(cleaned) > MAX_EVENT_TYPES:
        raise DomainError(
            f"Subscribe to at most {MAX_EVENT_TYPES} event types.",
            code="too_many_event_types",
            field="event_types",
        )
    bad = [name for name in cleaned if not EVENT_TYPE_PATTERN.fullmatch(name)]
    if bad:
        raise DomainError(
            f"Not an event type: {', '.join(bad)}. Types look like 'customs.declaration.released'.",
            code="invalid_event_type",
            field="event_types",
        )
    return cleaned


def _lock(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)


@transaction.atomic
def webhook_endpoint_create(
    *,
    organization: Organization,
    url: str,
    description: str = "",
    event_types: Sequence[str] = (),
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint with a new signing secret; the secret is returned here only.

    The URL must pass the SSRF guard; an organisation has at most 20 endpoints.
    """
    url_check(url)
    types = _event_types_clean(event_types)
    # The organisation's row lock makes the count check hold under concurrent creates.
    Organization.objects.select_for_update().filter(pk=organization.pk).exists()
    if (
        WebhookEndpoint.objects.for_organization(organization).count()
        >= MAX_ENDPOINTS_PER_ORGANIZATION
    ):
        raise Conflict(
            f"An organisation can have at most {MAX_ENDPOINTS_PER_ORGANIZATION} endpoints.",
            code="webhook_endpoint_limit_reached",
        )
    endpoint = WebhookEndpoint.objects.create(
        organization=organization, url=url, description=description, event_types=types
    )
    secret = WebhookSecret.objects.create(endpoint=endpoint, secret=secret_generate())
    return endpoint, secret.secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    description: str | None = None,
    event_types: Sequence[str] | None = None,
    is_active: bool | None = None,
    now: datetime | None = None,
) -> WebhookEndpoint:
    """Change what is given. A new URL passes the SSRF guard; `is_active` disables or enables."""
    now = now or timezone.now()
    locked = _lock(endpoint)
    if url is not None and url != locked.url:
        url_check(url)
        locked.url = url
    if description is not None:
        locked.description = description
    if event_types is not None:
        locked.event_types = _event_types_clean(event_types)
    locked.updated_at = now
    locked.save(update_fields=["url", "description", "event_types", "updated_at"])
    if is_active is False:
        return webhook_endpoint_disable(endpoint=locked, reason="Disabled by the partner.", now=now)
    if is_active is True:
        return webhook_endpoint_enable(endpoint=locked, now=now)
    return locked


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint with its secrets, deliveries and attempt log. Events stay."""
    locked = _lock(endpoint)
    # Wait for attempts in flight (they hold their pending delivery's lock), so none can add an
    # attempt row to a delivery the cascade has already collected for deletion.
    list(
        WebhookDelivery.objects.filter(endpoint=locked, status=DeliveryStatus.PENDING)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    locked.delete()


@transaction.atomic
def webhook_endpoint_disable(
    *, endpoint: WebhookEndpoint, reason: str, now: datetime | None = None
) -> WebhookEndpoint:
    """Stop sending to an endpoint and fail its pending deliveries. Disabling twice keeps the
    first reason."""
    now = now or timezone.now()
    locked = _lock(endpoint)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.disabled_at = now
    locked.disabled_reason = reason[:500]
    locked.updated_at = now
    locked.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    WebhookDelivery.objects.filter(endpoint=locked, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        last_error=f"Endpoint disabled: {reason}",
    )
    logger.info("webhook endpoint %s disabled: %s", locked.pk, reason)
    return locked


@transaction.atomic
def webhook_endpoint_enable(
    *, endpoint: WebhookEndpoint, now: datetime | None = None
) -> WebhookEndpoint:
    """Send to the endpoint again, with a clean failure record. Only new events are owed to it."""
    now = now or timezone.now()
    locked = _lock(endpoint)
    if locked.is_active:
        return locked
    locked.is_active = True
    locked.disabled_at = None
    locked.disabled_reason = ""
    locked.failing_since = None
    locked.updated_at = now
    locked.save(
        update_fields=["is_active", "disabled_at", "disabled_reason", "failing_since", "updated_at"]
    )
    return locked


@transaction.atomic
def webhook_secret_rotate(
    *, endpoint: WebhookEndpoint, grace: timedelta | None = None, now: datetime | None = None
) -> tuple[WebhookSecret, datetime]:
    """Make a new current secret; no older secret signs after `now + grace`, which is returned.

    `grace` defaults to WEBHOOK_SECRET_GRACE_HOURS; 0 retires the old secrets at once.
    """
    now = now or timezone.now()
    if grace is None:
        grace = timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise DomainError(
            f"The grace period must be between 0 and {MAX_GRACE.days * 24} hours.",
            code="invalid_grace_period",
            field="grace_period_hours",
        )
    locked = _lock(endpoint)
    retire_at = now + grace
    secrets = WebhookSecret.objects.filter(endpoint=locked)
    secrets.filter(expires_at__lte=now).delete()  # they sign nothing any more
    secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=retire_at)).update(
        expires_at=retire_at
    )
    secret = WebhookSecret.objects.create(endpoint=locked, secret=secret_generate(), created_at=now)
    return secret, retire_at


@transaction.atomic
def webhook_delivery_redeliver(
    *, delivery: WebhookDelivery, now: datetime | None = None
) -> WebhookDelivery:
    """Schedule a delivery for an attempt now, whatever its status.

    Refused (409) while its endpoint is disabled or an attempt of it is running. Retries follow
    the usual rule, so an event older than its retry window gets this one attempt.
    """
    now = now or timezone.now()
    try:
        # A savepoint, so a failed NOWAIT leaves the caller's transaction usable.
        with transaction.atomic():
            locked = (
                WebhookDelivery.objects.select_for_update(nowait=True, of=("self",))
                .select_related("endpoint")
                .get(pk=delivery.pk)
            )
    except OperationalError:
        raise Conflict(
            "This delivery is being attempted right now; try again in a moment.",
            code="webhook_delivery_in_flight",
        ) from None
    if not locked.endpoint.is_active:
        raise Conflict(
            "The endpoint is disabled; enable it before redelivering.",
            code="webhook_endpoint_disabled",
        )
    locked.status = DeliveryStatus.PENDING
    locked.next_attempt_at = now
    locked.save(update_fields=["status", "next_attempt_at"])
    _deliver_soon()
    return locked
