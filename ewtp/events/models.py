"""The outbox: every domain event, written in the same transaction as the change it reports."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization


class OutboxEvent(models.Model):
    """One domain event. `id` is the stable event id partners see (the webhook-id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100, db_index=True)
    data = models.JSONField()
    recipients = models.ManyToManyField(Organization, related_name="+", blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["occurred_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"
