"""Writes of orders: placement (which reserves stock) and one service per status move."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.money import Money, round_half_up
from ewtp.events.bus import publish
from logistics.selectors import destination_is_served
from marketplace.events import EVENT_FOR_STATUS, order_event_data
from marketplace.models import (
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Product,
)

MAX_LINES = 100


@dataclass(frozen=True, slots=True)
class OrderLineRequest:
    sku: str
    quantity: int


def _organization(*, slug: str, kind: str) -> Organization | None:
    return Organization.objects.filter(slug=slug, kind=kind).first()


def _publish_order_event(order: Order) -> None:
    """The order's current state, to the marketplace that placed it and the merchant selling it."""
    order = Order.objects.select_related("marketplace", "merchant", "payment_provider").get(
        pk=order.pk
    )
    publish(
        type=EVENT_FOR_STATUS[order.status],
        data=order_event_data(order),
        recipients=[order.marketplace, order.merchant],
    )


def _order_move(
    *,
    order: Order,
    to: OrderStatus,
    reason: str = "",
    paid_at: datetime | None = None,
    delivered_at: datetime | None = None,
) -> Order:
    """Lock the order, check the transition table, move, audit, publish."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not locked.can_move_to(to):
        raise InvalidTransition(
            f"An order that is {locked.status} cannot become {to}.",
            code="order_invalid_transition",
        )
    previous = locked.status
    now = timezone.now()
    locked.status = to
    locked.updated_at = now
    fields = ["status", "updated_at"]
    if paid_at is not None:
        locked.paid_at = paid_at
        fields.append("paid_at")
    if delivered_at is not None:
        locked.delivered_at = delivered_at
        fields.append("delivered_at")
    locked.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=locked, from_status=previous, to_status=to, reason=reason[:500], changed_at=now
    )
    _publish_order_event(locked)
    # In-process handlers of the event may already have moved the order further.
    locked.refresh_from_db()
    return locked


def _validate_lines(lines: Sequence[OrderLineRequest]) -> None:
    if not lines:
        raise DomainError("An order needs at least one line.", code="order_empty", field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(
            f"An order has at most {MAX_LINES} lines.", code="order_too_many_lines", field="lines"
        )
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            raise DomainError(
                "Quantities are positive.",
                code="quantity_not_positive",
                field=f"lines.{index}.quantity",
            )
        if line.sku in seen:
            raise DomainError(
                f"SKU {line.sku!r} appears twice; put the whole quantity on one line.",
                code="duplicate_sku",
                field=f"lines.{index}.sku",
            )
        seen.add(line.sku)


def _reserve_stock(*, product: Product, quantity: int, index: int) -> None:
    # One conditional UPDATE: two orders racing for the last units cannot both win.
    reserved = Product.objects.filter(pk=product.pk, stock__gte=quantity).update(
        stock=F("stock") - quantity, updated_at=timezone.now()
    )
    if reserved != 1:
        raise Conflict(
            f"Not enough stock of {product.sku!r} for {quantity}.",
            code="insufficient_stock",
            field=f"lines.{index}.quantity",
        )


@transaction.atomic
def order_place(
    *,
    marketplace: Organization,
    reference: str,
    merchant_slug: str,
    payment_provider_slug: str,
    buyer_name: str,
    destination_country: str,
    destination_airport: str,
    currency: str,
    lines: Sequence[OrderLineRequest],
) -> Order:
    """Place an order with one merchant and reserve its stock. All or nothing: one line short
    of stock refuses the whole order. References are unique per marketplace."""
    if marketplace.kind != OrganizationKind.MARKETPLACE:
        raise PermissionDenied("Only marketplaces place orders.", code="not_a_marketplace")
    _validate_lines(lines)
    merchant = _organization(slug=merchant_slug, kind=OrganizationKind.MERCHANT)
    if merchant is None:
        raise DomainError(
            f"No merchant {merchant_slug!r}.", code="unknown_merchant", field="merchant"
        )
    provider = _organization(slug=payment_provider_slug, kind=OrganizationKind.PAYMENT_PROVIDER)
    if provider is None:
        raise DomainError(
            f"No payment provider {payment_provider_slug!r}.",
            code="unknown_payment_provider",
            field="payment_provider",
        )
    if not destination_is_served(iata=destination_airport, country=destination_country):
        raise DomainError(
            f"The hub does not fly to {destination_airport} in {destination_country}.",
            code="destination_not_served",
            field="destination_airport",
        )
    if Order.objects.filter(marketplace=marketplace, reference=reference).exists():
        raise Conflict(
            f"Order {reference!r} was already placed.",
            code="order_reference_exists",
            field="reference",
        )

    products = {
        p.sku: p
        for p in Product.objects.for_merchant(merchant)
        .published()
        .filter(sku__in=[line.sku for line in lines])
    }
    total = Money.zero(currency)
    priced: list[tuple[int, OrderLineRequest, Product, Decimal]] = []
    for index, line in enumerate(lines):
        product = products.get(line.sku)
        if product is None:
            raise DomainError(
                f"{merchant_slug} sells no published product {line.sku!r}.",
                code="unknown_product",
                field=f"lines.{index}.sku",
            )
        if product.currency != currency:
            raise DomainError(
                f"{line.sku!r} is priced in {product.currency}, the order in {currency}.",
                code="currency_mismatch",
                field="currency",
            )
        line_total = round_half_up(product.unit_price * line.quantity)
        total += Money(line_total, currency)
        priced.append((index, line, product, line_total))

    # Lock products in a fixed order so two orders for the same goods cannot deadlock.
    for index, line, product, _ in sorted(priced, key=lambda p: str(p[2].pk)):
        _reserve_stock(product=product, quantity=line.quantity, index=index)

    try:
        with transaction.atomic():
            order = Order.objects.create(
                marketplace=marketplace,
                merchant=merchant,
                payment_provider=provider,
                reference=reference,
                buyer_name=buyer_name,
                destination_country=destination_country,
                destination_airport=destination_airport,
                currency=currency,
                total=total.rounded().amount,
            )
    except IntegrityError:
        raise Conflict(
            f"Order {reference!r} was already placed.",
            code="order_reference_exists",
            field="reference",
        ) from None
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                line_number=index + 1,
                product=product,
                sku=product.sku,
                title=product.title,
                hs_code=product.hs_code,
                origin_country=product.origin_country,
                quantity=line.quantity,
                unit_price=product.unit_price,
                line_total=line_total,
                unit_weight_kg=product.weight_kg,
            )
            for index, line, product, line_total in priced
        ]
    )
    OrderStatusChange.objects.create(
        order=order, from_status="", to_status=OrderStatus.PLACED, changed_at=order.created_at
    )
    _publish_order_event(order)
    order.refresh_from_db()
    return order


@transaction.atomic
def order_cancel(*, order: Order, reason: str = "") -> Order:
    """Cancel an order that has not gone to customs (or that customs held or refused) and put
    its stock back on sale."""
    cancelled = _order_move(order=order, to=OrderStatus.CANCELLED, reason=reason)
    for line in OrderLine.objects.filter(order=cancelled).order_by("product_id"):
        Product.objects.filter(pk=line.product_id).update(
            stock=F("stock") + line.quantity, updated_at=timezone.now()
        )
    return cancelled


@transaction.atomic
def order_mark_paid(*, order: Order, paid_at: datetime) -> Order:
    """A paid order is ready to be declared to customs."""
    return _order_move(order=order, to=OrderStatus.PAID, paid_at=paid_at)


@transaction.atomic
def order_record_customs_submission(*, order_id: uuid.UUID, declaration_id: str) -> Order:
    """Customs has the declaration for this order."""
    order = Order.objects.get(pk=order_id)
    return _order_move(
        order=order, to=OrderStatus.CUSTOMS_SUBMITTED, reason=f"declaration {declaration_id}"
    )


@transaction.atomic
def order_clear(*, order_id: uuid.UUID, reason: str = "") -> Order:
    """Customs released the goods."""
    return _order_move(order=Order.objects.get(pk=order_id), to=OrderStatus.CLEARED, reason=reason)


@transaction.atomic
def order_hold(*, order_id: uuid.UUID, reason: str) -> Order:
    """Customs held the goods pending a check."""
    return _order_move(order=Order.objects.get(pk=order_id), to=OrderStatus.HELD, reason=reason)


@transaction.atomic
def order_reject(*, order_id: uuid.UUID, reason: str) -> Order:
    """Customs refused the goods entry."""
    return _order_move(order=Order.objects.get(pk=order_id), to=OrderStatus.REJECTED, reason=reason)


@transaction.atomic
def order_hand_to_logistics(*, order_id: uuid.UUID, tracking_number: str) -> Order:
    """The hub has a shipment for the cleared goods."""
    return _order_move(
        order=Order.objects.get(pk=order_id),
        to=OrderStatus.HANDED_TO_LOGISTICS,
        reason=f"shipment {tracking_number}",
    )


@transaction.atomic
def order_deliver(*, order_id: uuid.UUID, delivered_at: datetime) -> Order:
    """The last-mile carrier delivered the goods to the buyer."""
    return _order_move(
        order=Order.objects.get(pk=order_id), to=OrderStatus.DELIVERED, delivered_at=delivered_at
    )
