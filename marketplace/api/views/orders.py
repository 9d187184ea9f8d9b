"""Checkouts and orders placed by marketplaces; payment providers' confirmations and refunds."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.api.serializers import StrictSerializer
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import selectors, services
from marketplace.api.serializers import (
    CheckoutOutput,
    CheckoutPlaceInput,
    OrderCancelInput,
    OrderListQuery,
    OrderOutput,
    OrderPlaceInput,
    OrderReturnReceivedInput,
    OrderReturnRequestInput,
    PaymentConfirmInput,
    PaymentOutput,
    RefundInput,
    RefundOutput,
)
from marketplace.api.views.common import CONFLICT, INVALID, NOT_FOUND, REFUSED
from marketplace.models import Order, OrderStatus
from marketplace.services import CheckoutLineRequest, OrderLineRequest


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
        description="Place an order with one merchant (a checkout of one order); its stock is "
        "reserved at once, and for China the buyer's CBEC limits are checked and quota reserved.",
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
            buyer_id_number=given.get("buyer_id_number"),
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


class _OrderMoveApi(PartnerApi):
    """A move the marketplace that placed the order makes: parse the body, find the order
    (only marketplaces get here, so a visible order is one this marketplace placed), call the
    service, answer with the order."""

    required_scopes = {"POST": Scope.ORDERS_WRITE}
    allowed_kinds = {OrganizationKind.MARKETPLACE}
    input_serializer: type[StrictSerializer]

    def move(self, order: Order, data: dict[str, Any]) -> Order:
        raise NotImplementedError  # each subclass names its service

    def post(self, request: Request, order_id: uuid.UUID) -> Response:
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = self.organization(request)
        order = selectors.order_get(organization=organization, order_id=order_id)
        moved = self.move(order, dict(data.validated_data))
        return Response(_order_output(organization, moved))


def _move_schema(operation_id: str, request: type[StrictSerializer]) -> Any:
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            request=request,
            responses={
                200: OrderOutput,
                400: INVALID,
                404: NOT_FOUND,
                409: CONFLICT,
                422: REFUSED,
            },
        )
    )


@_move_schema("orders_cancel", OrderCancelInput)
class OrderCancelApi(_OrderMoveApi):
    """The marketplace cancels an order before customs has it (or after customs refused it)."""

    input_serializer = OrderCancelInput

    def move(self, order: Order, data: dict[str, Any]) -> Order:
        return services.order_cancel(order=order, reason=data["reason"])


@_move_schema("orders_complete", OrderCancelInput)
class OrderCompleteApi(_OrderMoveApi):
    """The marketplace closes a delivered order once the buyer can no longer ask for a refund."""

    input_serializer = OrderCancelInput

    def move(self, order: Order, data: dict[str, Any]) -> Order:
        return services.order_complete(order=order, reason=data["reason"])


@_move_schema("orders_return_request", OrderReturnRequestInput)
class OrderReturnRequestApi(_OrderMoveApi):
    """The buyer sends delivered goods back (CBEC: asked within 30 days of customs' release)."""

    input_serializer = OrderReturnRequestInput

    def move(self, order: Order, data: dict[str, Any]) -> Order:
        return services.order_return_request(order=order, reason=data["reason"])


@_move_schema("orders_return_received", OrderReturnReceivedInput)
class OrderReturnReceivedApi(_OrderMoveApi):
    """The returned goods are back in the bonded hub (CBEC: within 45 days of release): the
    buyer's annual allowance comes back and customs cancels the tax."""

    input_serializer = OrderReturnReceivedInput

    def move(self, order: Order, data: dict[str, Any]) -> Order:
        return services.order_return_receive(order=order, received_at=data.get("received_at"))


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


class OrderRefundCreateApi(PartnerApi):
    """The payment provider the order names records money given back to the buyer."""

    required_scopes = {"POST": Scope.PAYMENTS_WRITE}
    allowed_kinds = {OrganizationKind.PAYMENT_PROVIDER}

    @extend_schema(
        operation_id="orders_refunds_create",
        request=RefundInput,
        responses={
            201: RefundOutput,
            200: OpenApiResponse(RefundOutput, description="This refund was already recorded"),
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            422: REFUSED,
        },
    )
    def post(self, request: Request, order_id: uuid.UUID) -> Response:
        data = RefundInput(data=request.data)
        data.is_valid(raise_exception=True)
        recorded = services.refund_record(
            provider=self.organization(request), order_id=order_id, **data.validated_data
        )
        refund = recorded.refund
        refund.order = recorded.order
        return Response(
            RefundOutput(refund).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class CheckoutListCreateApi(PartnerApi):
    """A marketplace's checkouts: one buyer, one or more merchants, one order per merchant."""

    required_scopes = {"GET": Scope.ORDERS_READ, "POST": Scope.ORDERS_WRITE}
    allowed_kinds = {OrganizationKind.MARKETPLACE}
    pagination_class = CreatedCursorPagination

    @extend_schema(operation_id="checkouts_list", responses=CheckoutOutput(many=True))
    def get(self, request: Request) -> Response:
        checkouts = selectors.checkout_list(marketplace=self.organization(request))
        return self.paginated_response(request, checkouts, CheckoutOutput)

    @extend_schema(
        operation_id="checkouts_place",
        description="Place a checkout: split into one order per merchant, whose totals add up "
        "to the checkout's. All or nothing: one line short of stock or one order over the "
        "buyer's CBEC limits refuses everything.",
        request=CheckoutPlaceInput,
        responses={201: CheckoutOutput, 400: INVALID, 409: CONFLICT, 422: REFUSED},
    )
    def post(self, request: Request) -> Response:
        data = CheckoutPlaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        marketplace = self.organization(request)
        checkout = services.checkout_place(
            marketplace=marketplace,
            reference=given["reference"],
            payment_provider_slug=given["payment_provider"],
            buyer_name=given["buyer_name"],
            buyer_id_number=given.get("buyer_id_number"),
            destination_country=given["destination_country"],
            destination_airport=given["destination_airport"],
            currency=given["currency"],
            presentment_currency=given.get("presentment_currency"),
            lines=[
                CheckoutLineRequest(
                    merchant=line["merchant"], sku=line["sku"], quantity=line["quantity"]
                )
                for line in given["lines"]
            ],
        )
        fresh = selectors.checkout_get(marketplace=marketplace, checkout_id=checkout.pk)
        return Response(
            CheckoutOutput(fresh).data,
            status=status.HTTP_201_CREATED,
            headers={
                "Location": reverse("marketplace-checkout", kwargs={"checkout_id": checkout.pk})
            },
        )


class CheckoutDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.ORDERS_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE}

    @extend_schema(
        operation_id="checkouts_retrieve", responses={200: CheckoutOutput, 404: NOT_FOUND}
    )
    def get(self, request: Request, checkout_id: uuid.UUID) -> Response:
        checkout = selectors.checkout_get(
            marketplace=self.organization(request), checkout_id=checkout_id
        )
        return Response(CheckoutOutput(checkout).data)
