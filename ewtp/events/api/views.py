"""Partners manage their webhook endpoints and inspect and replay deliveries.

Every view needs the `webhooks:manage` scope and sees only the caller's organisation.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.scopes import Scope
from ewtp.events import selectors, services
from ewtp.events.api.serializers import (
    WebhookDeliveryFilterSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookSecretRotatedSerializer,
    WebhookSecretRotateSerializer,
)

TAGS = ["webhooks"]
_SCOPE = Scope.WEBHOOKS_MANAGE.value


class DeliverySequenceCursorPagination(CreatedCursorPagination):
    # Per endpoint, the sequence is unique and follows commit order: newest first.
    ordering = "-sequence"


class WebhooksApi(PartnerApi):
    required_scopes = dict.fromkeys(("GET", "HEAD", "OPTIONS", "POST", "PATCH", "DELETE"), _SCOPE)


class WebhookEndpointListCreateApi(WebhooksApi):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_list",
        summary="List webhook endpoints",
        responses=WebhookEndpointSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        endpoints = selectors.webhook_endpoint_list(organization=self.organization(request))
        return self.paginated_response(request, endpoints, WebhookEndpointSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_create",
        summary="Register a webhook endpoint",
        description=(
            "The URL must be https and resolve only to public addresses. The response carries "
            "the signing secret; it is not shown again."
        ),
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        given = WebhookEndpointCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_create(
            organization=self.organization(request), **given.validated_data
        )
        body = WebhookEndpointCreatedSerializer(endpoint, context={"secret": secret}).data
        location = reverse("webhook-endpoint", kwargs={"endpoint_id": endpoint.pk})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class WebhookEndpointDetailApi(WebhooksApi):
    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_retrieve",
        summary="Show a webhook endpoint",
        responses=WebhookEndpointSerializer,
    )
    def get(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = selectors.webhook_endpoint_get(
            organization=self.organization(request), endpoint_id=endpoint_id
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_update",
        summary="Change a webhook endpoint",
        request=WebhookEndpointUpdateSerializer,
        responses=WebhookEndpointSerializer,
    )
    def patch(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = selectors.webhook_endpoint_get(
            organization=self.organization(request), endpoint_id=endpoint_id
        )
        given = WebhookEndpointUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(endpoint=endpoint, **given.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_destroy",
        summary="Delete a webhook endpoint and its delivery log",
        responses={204: OpenApiResponse(description="Deleted.")},
    )
    def delete(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = selectors.webhook_endpoint_get(
            organization=self.organization(request), endpoint_id=endpoint_id
        )
        services.webhook_endpoint_delete(endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateApi(WebhooksApi):
    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_rotate_secret",
        summary="Rotate an endpoint's signing secret",
        description=(
            "Makes a new secret, shown only in this response. During the grace period every "
            "message carries one signature per live secret in `webhook-signature`."
        ),
        request=WebhookSecretRotateSerializer,
        responses=WebhookSecretRotatedSerializer,
    )
    def post(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = selectors.webhook_endpoint_get(
            organization=self.organization(request), endpoint_id=endpoint_id
        )
        given = WebhookSecretRotateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        hours: int | None = given.validated_data.get("grace_period_hours")
        secret, old_expire_at = services.webhook_secret_rotate(
            endpoint=endpoint, grace=None if hours is None else timedelta(hours=hours)
        )
        body = {"secret": secret.secret, "previous_secrets_expire_at": old_expire_at}
        return Response(WebhookSecretRotatedSerializer(body).data)


class WebhookDeliveryListApi(WebhooksApi):
    pagination_class = DeliverySequenceCursorPagination

    @extend_schema(
        tags=TAGS,
        operation_id="webhook_endpoints_deliveries_list",
        summary="List an endpoint's deliveries, newest first, with their latest attempts",
        parameters=[WebhookDeliveryFilterSerializer],
        responses=WebhookDeliverySerializer(many=True),
    )
    def get(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = selectors.webhook_endpoint_get(
            organization=self.organization(request), endpoint_id=endpoint_id
        )
        # Only the filter's own keys: the cursor and page size belong to the paginator.
        given = (
            {"status": request.query_params["status"]} if "status" in request.query_params else {}
        )
        query = WebhookDeliveryFilterSerializer(data=given)
        query.is_valid(raise_exception=True)
        deliveries = selectors.webhook_delivery_list(
            endpoint=endpoint, status=query.validated_data.get("status")
        )
        return self.paginated_response(request, deliveries, WebhookDeliverySerializer)


class WebhookDeliveryRedeliverApi(WebhooksApi):
    @extend_schema(
        tags=TAGS,
        operation_id="webhook_deliveries_redeliver",
        summary="Send a delivery again now",
        description="Accepted for an attempt as soon as a worker is free; watch its attempts.",
        request=None,
        responses={202: WebhookDeliverySerializer},
    )
    def post(self, request: Request, delivery_id: UUID) -> Response:
        organization = self.organization(request)
        delivery = selectors.webhook_delivery_get(
            organization=organization, delivery_id=delivery_id
        )
        services.webhook_delivery_redeliver(delivery=delivery)
        delivery = selectors.webhook_delivery_get(
            organization=organization, delivery_id=delivery_id
        )
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
