"""The outbox of domain events and the partner webhooks they fan out to.

Rows and their one-row invariants only; the rules live in `services` and `delivery`:
- `OutboxEvent`: every domain event, written in the transaction of the change it reports.
- `WebhookEndpoint`: a partner's URL, subscribed to some event types (none listed = all).
- `WebhookSecret`: an endpoint's signing secrets. The current one has no expiry; a rotated-out
  one keeps signing until `expires_at`, so receivers can switch without dropping a message.
- `WebhookDelivery`: one event owed to one endpoint, with its retry schedule.
- `WebhookAttempt`: the log of every HTTP attempt of a delivery.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ewtp.core.models import Organization


class OutboxEvent(models.Model):
    """One domain event. `id` is the stable event id partners see (the webhook-id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100, db_index=True)
    # DjangoJSONEncoder: services publish Decimal money and datetimes; they travel as strings.
    data = models.JSONField(encoder=DjangoJSONEncoder)
    # Who the event was addressed to, for audit; the deliveries say who actually got it.
    recipient_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["occurred_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def for_organization(self, organization: Organization) -> WebhookEndpointQuerySet:
        return self.filter(organization=organization)

    def active(self) -> WebhookEndpointQuerySet:
        return self.filter(is_active=True)

    def subscribed_to(self, event_type: str) -> WebhookEndpointQuerySet:
        return self.filter(Q(event_types=[]) | Q(event_types__contains=[event_type]))


class WebhookEndpoint(models.Model):
    """A partner's webhook URL. An empty `event_types` subscribes it to every event type."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    # Start of the current run of failed attempts (None after any success): drives auto-disable.
    failing_since = models.DateTimeField(null=True, blank=True)
    # The last delivery sequence number handed out; bumped under the row lock, so per-endpoint
    # sequence numbers follow commit order without gaps.
    last_sequence = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True, disabled_at__isnull=True)
                | Q(is_active=False, disabled_at__isnull=False),
                name="webhook_endpoint_disabled_at_iff_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}:{self.url}"


class WebhookSecretQuerySet(models.QuerySet["WebhookSecret"]):
    def signing_at(self, moment: datetime) -> WebhookSecretQuerySet:
        """The secrets that sign a message sent at `moment`, newest first."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment)).order_by(
            "-created_at", "-id"
        )


class WebhookSecret(models.Model):
    """A signing secret, `whsec_` + base64 of 32 random bytes.

    Stored in clear because we must sign with it (HMAC); only staff can read this table.
    """

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="None: the current secret")

    objects = WebhookSecretQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint"],
                condition=Q(expires_at__isnull=True),
                name="webhook_one_current_secret_per_endpoint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id} secret {self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def for_organization(self, organization: Organization) -> WebhookDeliveryQuerySet:
        return self.filter(endpoint__organization=organization)

    def due(self, now: datetime) -> WebhookDeliveryQuerySet:
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event owed to one endpoint. Pending rows, and only those, have a `next_attempt_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    sequence = models.BigIntegerField(help_text="Increases by one per delivery to this endpoint")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-sequence"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "sequence"], name="webhook_delivery_sequence_per_endpoint"
            ),
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint"
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False)
                | (~Q(status=DeliveryStatus.PENDING) & Q(next_attempt_at__isnull=True)),
                name="webhook_delivery_scheduled_iff_pending",
            ),
        ]
        indexes = [
            # The worker's queue: only pending rows, in due order.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id}#{self.sequence} {self.status}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, kept for the partner's and our own debugging."""

    # Not "attempts": that is the delivery's attempt counter.
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["delivery", "-attempted_at"], name="webhook_attempt_log")]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
