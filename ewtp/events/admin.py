"""Staff view of the outbox and webhooks. Events and attempts are history: read-only. Changes to
endpoints and deliveries go through the services (actions), so their rules hold here too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ewtp.core.errors import DomainError
from ewtp.events import services
from ewtp.events.models import (
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookSecret,
)

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    OutboxEventAdminBase = admin.ModelAdmin[OutboxEvent]
    EndpointAdminBase = admin.ModelAdmin[WebhookEndpoint]
    DeliveryAdminBase = admin.ModelAdmin[WebhookDelivery]
    SecretInlineBase = admin.TabularInline[WebhookSecret, WebhookEndpoint]
    AttemptInlineBase = admin.TabularInline[WebhookAttempt, WebhookDelivery]
else:
    OutboxEventAdminBase = EndpointAdminBase = DeliveryAdminBase = admin.ModelAdmin
    SecretInlineBase = AttemptInlineBase = admin.TabularInline


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyMixin, OutboxEventAdminBase):
    list_display = ["occurred_at", "type", "id"]
    list_filter = ["type"]
    search_fields = ["=id", "type"]
    date_hierarchy = "occurred_at"
    fields = ["id", "type", "occurred_at", "recipient_ids", "data"]


class WebhookSecretInline(ReadOnlyMixin, SecretInlineBase):
    """When each secret was made and stops signing. The secret itself is not shown."""

    model = WebhookSecret
    fields = ["created_at", "expires_at"]
    extra = 0


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(EndpointAdminBase):
    list_display = ["url", "organization", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active"]
    list_select_related = ["organization"]
    search_fields = ["url", "organization__slug", "organization__name"]
    # Only the description is edited in place: the URL must pass the SSRF guard (partners
    # change it through the API) and activity changes through the actions below.
    readonly_fields = [
        "id",
        "organization",
        "url",
        "event_types",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "last_sequence",
        "created_at",
        "updated_at",
    ]
    inlines = [WebhookSecretInline]
    actions = ["disable_endpoints", "enable_endpoints"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # partners register endpoints through the API, which returns the secret

    @admin.action(description="Disable the selected endpoints")
    def disable_endpoints(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        user = getattr(request.user, "username", "staff")
        for endpoint in queryset:
            services.webhook_endpoint_disable(endpoint=endpoint, reason=f"Disabled by {user}.")
        self.message_user(request, f"Disabled {len(queryset)} endpoint(s).", messages.SUCCESS)

    @admin.action(description="Enable the selected endpoints")
    def enable_endpoints(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            services.webhook_endpoint_enable(endpoint=endpoint)
        self.message_user(request, f"Enabled {len(queryset)} endpoint(s).", messages.SUCCESS)


class WebhookAttemptInline(ReadOnlyMixin, AttemptInlineBase):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "duration_ms", "error", "response_excerpt"]
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(DeliveryAdminBase):
    list_display = [
        "id",
        "endpoint",
        "sequence",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
    ]
    list_filter = ["status"]
    list_select_related = ["endpoint", "event"]
    search_fields = ["=id", "=event__id", "endpoint__url"]
    readonly_fields = [
        "id",
        "event",
        "endpoint",
        "sequence",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
    ]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries are made by publishing events

    @admin.action(description="Redeliver the selected deliveries now")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        done = 0
        for delivery in queryset:
            try:
                services.webhook_delivery_redeliver(delivery=delivery)
            except DomainError as exc:
                self.message_user(request, f"{delivery.pk}: {exc.detail}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"Scheduled {done} delivery(ies) now.", messages.SUCCESS)
