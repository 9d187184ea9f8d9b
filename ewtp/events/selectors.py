"""Reads of the events app. Everything a partner sees is scoped to its organisation; another
organisation's endpoint or delivery is simply not found (404), never forbidden."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from ewtp.events.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryQuerySet,
    WebhookEndpoint,
    WebhookEndpointQuerySet,
)

RECENT_ATTEMPTS = 20  # shown per delivery; the full log stays in the admin


def webhook_endpoint_list(*, organization: Organization) -> WebhookEndpointQuerySet:
    return WebhookEndpoint.objects.for_organization(organization)


def webhook_endpoint_get(*, organization: Organization, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = webhook_endpoint_list(organization=organization).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.", code="webhook_endpoint_not_found")
    return endpoint


def _with_recent_attempts(deliveries: WebhookDeliveryQuerySet) -> WebhookDeliveryQuerySet:
    recent = WebhookAttempt.objects.order_by("-attempted_at", "-id")[:RECENT_ATTEMPTS]
    return deliveries.select_related("event").prefetch_related(
        # to_attr: Django cannot re-filter a sliced prefetch into the related manager's cache.
        Prefetch("attempt_log", queryset=recent, to_attr="recent_attempts")
    )


def webhook_delivery_list(
    *, endpoint: WebhookEndpoint, status: str | None = None
) -> WebhookDeliveryQuerySet:
    """The endpoint's deliveries with their latest attempts, optionally of one status."""
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    if status is not None:
        deliveries = deliveries.filter(status=status)
    return _with_recent_attempts(deliveries)


def webhook_delivery_get(*, organization: Organization, delivery_id: UUID) -> WebhookDelivery:
    delivery = (
        _with_recent_attempts(WebhookDelivery.objects.for_organization(organization))
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise NotFound("No such webhook delivery.", code="webhook_delivery_not_found")
    return delivery
