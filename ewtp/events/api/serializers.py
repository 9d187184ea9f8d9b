"""Shapes of the webhook API: strict inputs (an unknown field is an error), explicit outputs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import StrictSerializer
from ewtp.events.models import DeliveryStatus, WebhookEndpoint
from ewtp.events.services import EVENT_TYPE_PATTERN, MAX_EVENT_TYPES

URL_MAX_LENGTH = WebhookEndpoint._meta.get_field("url").max_length or 2000


class EventTypeField(serializers.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(EVENT_TYPE_PATTERN.pattern, max_length=100, **kwargs)
        self.error_messages["invalid"] = (
            "Not an event type; types look like 'customs.declaration.released'."
        )


class WebhookEndpointCreateSerializer(StrictSerializer):
    """A webhook endpoint to register."""

    url = serializers.URLField(max_length=URL_MAX_LENGTH)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=EventTypeField(),
        required=False,
        max_length=MAX_EVENT_TYPES,
        help_text="The event types to receive; empty or absent for all of them.",
    )


class WebhookEndpointUpdateSerializer(StrictSerializer):
    """The endpoint fields to change; absent fields stay as they are."""

    url = serializers.URLField(max_length=URL_MAX_LENGTH, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=EventTypeField(), required=False, max_length=MAX_EVENT_TYPES
    )
    is_active = serializers.BooleanField(
        required=False, help_text="false disables the endpoint; true enables it again."
    )


class WebhookEndpointSerializer(StrictSerializer):
    """A webhook endpoint. `failing_since` starts the clock of auto-disable (5 days)."""

    id = serializers.UUIDField()
    url = serializers.URLField()
    description = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text="Start of the current run of failed attempts, if any."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """A new webhook endpoint, with its signing secret shown this once."""

    secret = serializers.SerializerMethodField(
        help_text="The signing secret (whsec_...). Shown only in this response."
    )

    def get_secret(self, obj: WebhookEndpoint) -> str:
        secret: str = self.context["secret"]
        return secret


class WebhookSecretRotateSerializer(StrictSerializer):
    """How long the old signing secrets keep signing beside the new one."""

    grace_period_hours = serializers.IntegerField(
        min_value=0,
        max_value=168,
        required=False,
        help_text="How long the old secrets keep signing (default 24); 0 if a secret leaked.",
    )


class WebhookSecretRotatedSerializer(StrictSerializer):
    """The new signing secret, shown this once."""

    secret = serializers.CharField(help_text="The new signing secret. Shown only here.")
    previous_secrets_expire_at = serializers.DateTimeField(
        help_text="Until then messages carry a signature by the old secret too."
    )


class WebhookAttemptSerializer(StrictSerializer):
    """One HTTP attempt of a delivery. Only a 2xx status counts as delivered."""

    attempted_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField()
    error = serializers.CharField()
    response_excerpt = serializers.CharField()


class WebhookDeliverySerializer(StrictSerializer):
    """One event owed to an endpoint, its retry state and its latest attempts."""

    id = serializers.UUIDField()
    event_id = serializers.UUIDField()
    event_type = serializers.CharField(source="event.type")
    sequence = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    recent_attempts = WebhookAttemptSerializer(
        many=True, help_text="The latest attempts, newest first (up to 20)."
    )


class WebhookDeliveryFilterSerializer(StrictSerializer):
    """Which deliveries to list."""

    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
