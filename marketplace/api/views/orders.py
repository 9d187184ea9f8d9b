"""Orders placed by marketplaces, and payment providers' confirmations."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import selectors, services
from marketplace.api.serializers import (
    OrderCancelInput,
    OrderListQuery,
    OrderOutput,
    OrderPlaceInput,
    PaymentConfirmInput,
    PaymentOutput,
)
from marketplace.api.views.common import CONFLICT, INVALID, NOT_FOUND, REFUSED
from marketplace.models import Order, OrderStatus
from marketplace.services import OrderLineRequest


def _order_output(organization: Organization, order: Order) -> dict[str, Any]:
    # Re-read with its lines and organisations: services return the bare row.
    fresh = selectors.order_get(organization=organization, order_id=order.pk)
    return dict(OrderOutput(fresh).data)


class OrderListCreateApi(PartnerApi):
    """Orders a marketplace placed, or a merchant sells. Only marketplaces place orders."""

    required_scopes = {"GET": Scope.ORDERS_READ, "POST": Scope.ORDERS_WRITE}
    allowed_kinds = {OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT}
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="orders_list",
        parameters=[
            OpenApiParameter("status", str, enum=OrderStatus.values, required=False),
        ],
        responses=OrderOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = OrderListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        orders = selectors.order_list(
            organization=self.organization(request), status=query.validated_data.get("status")
        )
        return self.paginated_response(request, orders, OrderOutput)

    @extend_schema(
        operation_id="orders_place",
        description="Place an order with one merchant; its stock is reserved at once.",
        request=OrderPlaceInput,
        responses={201: OrderOutput, 400: INVALID, 409: CONFLICT, 422: REFUSED},
    )
    def post(self, request: Request) -> Response:
        data = OrderPlaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        order = services.order_place(
            marketplace=self.organization(request),
            reference=given["reference"],
            merchant_slug=given["merchant"],
            payment_provider_slug=given["payment_provider"],
            buyer_name=given["buyer_name"],
            destination_country=given["destination_country"],
            destination_airport=given["destination_airport"],
            currency=given["currency"],
            presentment_currency=given.get("presentment_currency"),
            lines=[
                OrderLineRequest(sku=line["sku"], quantity=line["quantity"])
                for line in given["lines"]
            ],
        )
        location = reverse("marketplace-order", kwargs={"order_id": order.pk})
        return Response(
            _order_output(self.organization(request), order),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class OrderDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.ORDERS_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT}

    @extend_schema(operation_id="orders_retrieve", responses={200: OrderOutput, 404: NOT_FOUND})
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = selectors.order_get(organization=self.organization(request), order_id=order_id)
        return Response(OrderOutput(order).data)


class OrderCancelApi(PartnerApi):
    """The marketplace cancels an order before customs has it (or after customs refused it)."""

    required_scopes = {"POST": Scope.ORDERS_WRITE}
    allowed_kinds = {OrganizationKind.MARKETPLACE}

    @extend_schema(
        operation_id="orders_cancel",
        request=OrderCancelInput,
        responses={200: OrderOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, order_id: uuid.UUID) -> Response:
        data = OrderCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = self.organization(request)
        # Only marketplaces get here, so a visible order is one this marketplace placed.
        order = selectors.order_get(organization=organization, order_id=order_id)
        order = services.order_cancel(order=order, reason=data.validated_data["reason"])
        return Response(_order_output(organization, order))


class OrderPaymentCreateApi(PartnerApi):
    """The payment provider the order names confirms that the buyer paid it in full."""

    required_scopes = {"POST": Scope.PAYMENTS_WRITE}
    allowed_kinds = {OrganizationKind.PAYMENT_PROVIDER}

    @extend_schema(
        operation_id="orders_payments_create",
        request=PaymentConfirmInput,
        responses={
            201: PaymentOutput,
            200: OpenApiResponse(
                PaymentOutput, description="This transaction was already confirmed"
            ),
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            422: REFUSED,
        },
    )
    def post(self, request: Request, order_id: uuid.UUID) -> Response:
        data = PaymentConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        confirmation = services.payment_confirm(
            provider=self.organization(request), order_id=order_id, **data.validated_data
        )
        payment = confirmation.payment
        payment.order = confirmation.order
        return Response(
            PaymentOutput(payment).data,
            status=status.HTTP_201_CREATED if confirmation.created else status.HTTP_200_OK,
        )
