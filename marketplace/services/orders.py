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
    ProductPriceTier,
    ProductVariant,
)
from marketplace.selectors import Rate, conversion_rate, merchant_is_approved

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


@dataclass(frozen=True, slots=True)
class _Priced:
    index: int
    request: OrderLineRequest
    product: Product
    variant: ProductVariant | None
    unit_price: Decimal
    line_total: Decimal

    @property
    def sku(self) -> str:
        return self.variant.sku if self.variant is not None else self.product.sku


def _reserve_stock(*, line: _Priced) -> None:
    # One conditional UPDATE: two orders racing for the last units cannot both win.
    quantity = line.request.quantity
    now = timezone.now()
    if line.variant is not None:
        reserved = ProductVariant.objects.filter(pk=line.variant.pk, stock__gte=quantity).update(
            stock=F("stock") - quantity, updated_at=now
        )
    else:
        reserved = Product.objects.filter(pk=line.product.pk, stock__gte=quantity).update(
            stock=F("stock") - quantity, updated_at=now
        )
    if reserved != 1:
        raise Conflict(
            f"Not enough stock of {line.sku!r} for {quantity}.",
            code="insufficient_stock",
            field=f"lines.{line.index}.quantity",
        )


def _unit_price(
    *,
    product: Product,
    variant: ProductVariant | None,
    quantity: int,
    tiers: list[ProductPriceTier],
) -> Decimal:
    """A variant's own price if it has one; else the listing's price for this quantity (the
    tier with the largest threshold the quantity reaches, or the base price)."""
    if variant is not None and variant.unit_price is not None:
        return variant.unit_price
    price = product.unit_price
    for tier in tiers:  # ordered by min_quantity
        if quantity >= tier.min_quantity:
            price = tier.unit_price
    return price


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
    presentment_currency: str | None = None,
) -> Order:
    """Place an order with one approved merchant and reserve its stock. All or nothing: one
    line short of stock refuses the whole order. References are unique per marketplace.
    Lines name a listing's or a variant's SKU; quantity prices and minimum order quantities
    apply. Each line keeps the exchange rate into `presentment_currency` (the buyer's
    currency, the order's own if not given) of the day it was placed."""
    if marketplace.kind != OrganizationKind.MARKETPLACE:
        raise PermissionDenied("Only marketplaces place orders.", code="not_a_marketplace")
    _validate_lines(lines)
    merchant = _organization(slug=merchant_slug, kind=OrganizationKind.MERCHANT)
    if merchant is None:
        raise DomainError(
            f"No merchant {merchant_slug!r}.", code="unknown_merchant", field="merchant"
        )
    if not merchant_is_approved(merchant=merchant):
        raise DomainError(
            f"{merchant_slug} is not approved to sell.",
            code="merchant_not_approved",
            field="merchant",
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

    skus = [line.sku for line in lines]
    on_sale = Product.objects.for_merchant(merchant).published()
    products = {p.sku: p for p in on_sale.filter(sku__in=skus)}
    variants = {
        v.sku: v
        for v in ProductVariant.objects.filter(
            merchant=merchant, sku__in=skus, product__in=on_sale
        ).select_related("product")
    }
    tiers: dict[uuid.UUID, list[ProductPriceTier]] = {}
    for tier in ProductPriceTier.objects.filter(
        product__in=[p.pk for p in products.values()] + [v.product_id for v in variants.values()]
    ).order_by("min_quantity"):
        tiers.setdefault(tier.product_id, []).append(tier)

    total = Money.zero(currency)
    priced: list[_Priced] = []
    for index, line in enumerate(lines):
        variant = variants.get(line.sku)
        product = variant.product if variant is not None else products.get(line.sku)
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
        if line.quantity < product.min_order_quantity:
            raise DomainError(
                f"{line.sku!r} is sold from {product.min_order_quantity} units.",
                code="below_minimum_order_quantity",
                field=f"lines.{index}.quantity",
            )
        unit_price = _unit_price(
            product=product,
            variant=variant,
            quantity=line.quantity,
            tiers=tiers.get(product.pk, []),
        )
        line_total = round_half_up(unit_price * line.quantity)
        total += Money(line_total, currency)
        priced.append(_Priced(index, line, product, variant, unit_price, line_total))

    placed_on = timezone.now().date()
    rate: Rate = conversion_rate(
        base=currency, quote=presentment_currency or currency, on=placed_on
    )

    # Lock rows in a fixed order so two orders for the same goods cannot deadlock.
    for priced_line in sorted(priced, key=lambda p: (str(p.product.pk), p.sku)):
        _reserve_stock(line=priced_line)

    presentment_lines = [
        (round_half_up(p.unit_price * rate.rate), round_half_up(p.line_total * rate.rate))
        for p in priced
    ]
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
                presentment_currency=rate.quote,
                presentment_total=sum((t for _, t in presentment_lines), Decimal("0.00")),
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
                line_number=p.index + 1,
                product=p.product,
                variant=p.variant,
                sku=p.sku,
                title=p.product.title,
                hs_code=p.product.hs_code,
                origin_country=p.product.origin_country,
                quantity=p.request.quantity,
                unit_price=p.unit_price,
                line_total=p.line_total,
                unit_weight_kg=p.product.weight_kg,
                exchange_rate=rate.rate,
                exchange_rate_date=rate.date,
                presentment_unit_price=unit,
                presentment_line_total=line_total,
            )
            for p, (unit, line_total) in zip(priced, presentment_lines, strict=True)
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
    now = timezone.now()
    for line in OrderLine.objects.filter(order=cancelled).order_by("product_id", "sku"):
        if line.variant_id is not None:
            ProductVariant.objects.filter(pk=line.variant_id).update(
                stock=F("stock") + line.quantity, updated_at=now
            )
        else:
            Product.objects.filter(pk=line.product_id).update(
                stock=F("stock") + line.quantity, updated_at=now
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
