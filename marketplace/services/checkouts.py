"""Placing a checkout: one buyer's purchase from one or more merchants, split into one order per
merchant. Placement prices the lines (campaign discounts off), reserves the stock, charges each
order's air freight and, for China, asks customs once for the buyer's CBEC limits and the
order's taxes and reserves the buyer's annual quota; all of it or nothing. What the buyer pays
for an order is its amount due: goods + freight + taxes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from customs.services import (
    QuotaExceeded,
    QuoteItem,
    quota_reserve,
    tax_quote_compute,
    tax_quote_request_build,
)
from customs.taxes import ReasonCode, Regime, TaxQuote
from ewtp.core.errors import Conflict, DomainError, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.money import round_half_up
from logistics.selectors import destination_is_served, freight_quote
from marketplace import buyer_identity
from marketplace.allocation import allocate
from marketplace.models import (
    Checkout,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Product,
    ProductPriceTier,
    ProductVariant,
    QuotaState,
)
from marketplace.selectors import Rate, conversion_rate, merchant_is_approved
from marketplace.services.campaigns import (
    LineDiscount,
    campaign_discounts,
    order_line_discount_record,
)
from marketplace.services.landed_cost import chargeable_weight_kg
from marketplace.services.orders import _publish_order_event

MAX_LINES = 100
CHINA = "CN"
CNY = "CNY"
# What the marketplace refuses at checkout: the buyer's limits. Other reasons a CBEC quote may
# give (a code not on the positive list, a tariff line not held) are for customs to decide at
# clearance, where an officer can still hold or refuse the goods.
LIMIT_REASONS = {
    ReasonCode.CBEC_SINGLE_LIMIT_EXCEEDED: "lines",
    ReasonCode.CBEC_ANNUAL_LIMIT_EXCEEDED: "buyer_id_number",
}


@dataclass(frozen=True, slots=True)
class CheckoutLineRequest:
    merchant: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class OrderLineRequest:
    """A line of a one-merchant order (the merchant is the order's)."""

    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class _Priced:
    index: int
    request: CheckoutLineRequest
    product: Product
    variant: ProductVariant | None
    unit_price: Decimal
    line_total: Decimal

    @property
    def sku(self) -> str:
        return self.variant.sku if self.variant is not None else self.product.sku


def _organization(*, slug: str, kind: str) -> Organization | None:
    return Organization.objects.filter(slug=slug, kind=kind).first()


def _validate_lines(lines: Sequence[CheckoutLineRequest]) -> None:
    if not lines:
        raise DomainError("An order needs at least one line.", code="order_empty", field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(
            f"An order has at most {MAX_LINES} lines.", code="order_too_many_lines", field="lines"
        )
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            raise DomainError(
                "Quantities are positive.",
                code="quantity_not_positive",
                field=f"lines.{index}.quantity",
            )
        if (line.merchant, line.sku) in seen:
            raise DomainError(
                f"SKU {line.sku!r} appears twice; put the whole quantity on one line.",
                code="duplicate_sku",
                field=f"lines.{index}.sku",
            )
        seen.add((line.merchant, line.sku))


def _merchant(slug: str, *, field: str) -> Organization:
    merchant = _organization(slug=slug, kind=OrganizationKind.MERCHANT)
    if merchant is None:
        raise DomainError(f"No merchant {slug!r}.", code="unknown_merchant", field=field)
    if not merchant_is_approved(merchant=merchant):
        raise DomainError(
            f"{slug} is not approved to sell.", code="merchant_not_approved", field=field
        )
    return merchant


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


def _price(
    *, merchant: Organization, currency: str, lines: list[tuple[int, CheckoutLineRequest]]
) -> list[_Priced]:
    """One merchant's lines priced in `currency`: quantity prices and minimums apply."""
    skus = [line.sku for _, line in lines]
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

    priced: list[_Priced] = []
    for index, line in lines:
        variant = variants.get(line.sku)
        product = variant.product if variant is not None else products.get(line.sku)
        if product is None:
            raise DomainError(
                f"{merchant.slug} sells no published product {line.sku!r}.",
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
        priced.append(_Priced(index, line, product, variant, unit_price, line_total))
    return priced


def _discounted(
    priced: dict[str, list[_Priced]], *, destination_country: str, on: date
) -> tuple[dict[str, list[_Priced]], dict[int, LineDiscount]]:
    """The lines with the best running campaign's discount taken off their totals (what the
    buyer pays and customs is declared), and each discount by request line index, to be kept
    beside the placed line with the campaign and who funds it."""
    every_line = [line for lines in priced.values() for line in lines]
    found = campaign_discounts(
        destination_country=destination_country,
        on=on,
        lines=[(p.product.pk, p.unit_price, p.request.quantity) for p in every_line],
    )
    discounts = {
        line.index: discount
        for line, discount in zip(every_line, found, strict=True)
        if discount is not None and discount.amount > 0
    }
    net = {
        slug: [
            replace(p, line_total=p.line_total - discounts[p.index].amount)
            if p.index in discounts
            else p
            for p in lines
        ]
        for slug, lines in priced.items()
    }
    return net, discounts


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


def _cny_rate(currency: str, on: datetime) -> Rate:
    try:
        return conversion_rate(base=currency, quote=CNY, on=on.date())
    except DomainError as exc:
        exc.field = "destination_country"
        exc.detail = f"{exc.detail} China's CBEC limits are in CNY."
        raise


def _freight(*, lines: list[_Priced], destination_airport: str, currency: str, on: date) -> Decimal:
    """The air freight of one merchant's consignment, as the landed-cost quote prices it (the
    chargeable weight at the rate in force), in the order currency."""
    weight = chargeable_weight_kg((p.product, p.request.quantity) for p in lines)
    charge = freight_quote(
        destination_airport=destination_airport, chargeable_weight_kg=weight, on=on
    )
    rate = conversion_rate(base=charge.currency, quote=currency, on=on)
    return round_half_up(charge.amount * rate.rate)


@dataclass(frozen=True, slots=True)
class _CbecTaxes:
    """Customs' CBEC quote of one order as it will be declared, and its taxes in the order
    currency (each line's tax converted on its own, as the landed-cost quote shows them)."""

    quote: TaxQuote
    rate: Rate
    acceptance_date: date
    taxes: Decimal


def _cbec_quote(
    *,
    merchant: Organization,
    lines: list[_Priced],
    freight: Decimal,
    currency: str,
    number: str,
    at: datetime,
) -> _CbecTaxes:
    """Ask customs whether the buyer's CBEC limits allow this order and what its taxes are. The
    request is the one the declaration will make (customs.services.assessment): each line's
    value net of discount, converted at the order's ECB rate and divided by its quantity,
    rounded half-up, and the freight converted the same way; so the assessment reproduces
    these taxes to the fen."""
    rate = _cny_rate(currency, at)
    request = tax_quote_request_build(
        regime=Regime.CN_CBEC,
        destination_country=CHINA,
        currency=CNY,
        items=[
            QuoteItem(
                code=line.product.hs_code,
                description=line.product.title,
                quantity=line.request.quantity,
                unit_price=round_half_up(line.line_total * rate.rate / line.request.quantity),
            )
            for line in lines
        ],
        freight=round_half_up(freight * rate.rate),
    )
    quote = tax_quote_compute(request=request, buyer_id_number=number)
    for reason in quote.reasons:
        if reason.code in LIMIT_REASONS:
            raise DomainError(
                f"{merchant.slug}: {reason.detail}",
                code=str(reason.code),
                field=LIMIT_REASONS[reason.code],
            )
    back = conversion_rate(base=CNY, quote=currency, on=at.date()).rate
    taxes = sum(
        (
            round_half_up(line.duty * back)
            + round_half_up(line.excise * back)
            + round_half_up(line.vat * back)
            for line in quote.lines
        ),
        Decimal("0.00"),
    )
    return _CbecTaxes(quote, rate, request.acceptance_date, taxes)


def _cbec_reserve(*, order: Order, cbec: _CbecTaxes, sealed: buyer_identity.SealedId) -> None:
    """Reserve the order's dutiable value in the buyer's annual quota. Two orders racing for
    the last room: the quota ledger's lock lets exactly one through."""
    value = cbec.quote.customs_value
    if value > 0:
        try:
            quota_reserve(
                buyer_key=sealed.key,
                amount=value,
                on=cbec.acceptance_date,
                declaration_ref=str(order.pk),
            )
        except QuotaExceeded as exc:
            # The same refusal, and the same status, as when the quote itself saw it.
            raise DomainError(
                f"{order.merchant.slug}: {exc.detail}",
                code=ReasonCode.CBEC_ANNUAL_LIMIT_EXCEEDED,
                field="buyer_id_number",
            ) from None
    Order.objects.filter(pk=order.pk).update(
        cbec_value_cny=value,
        cny_rate=cbec.rate.rate,
        cny_rate_date=cbec.rate.date,
        quota_year=cbec.acceptance_date.year,
        quota_state=QuotaState.RESERVED if value > 0 else QuotaState.NONE,
    )


def _buyer_id(
    number: str | None, *, destination_country: str
) -> tuple[buyer_identity.SealedId | None, str]:
    if not number:
        if destination_country == CHINA:
            # GACC 2018 No. 194: a CBEC import declares the buyer's identity.
            raise DomainError(
                "Orders to China need the buyer's PRC resident ID number.",
                code="buyer_id_required",
                field="buyer_id_number",
                status=400,
            )
        return None, ""
    sealed = buyer_identity.seal(number)
    return sealed, number


@transaction.atomic
def checkout_place(
    *,
    marketplace: Organization,
    reference: str,
    payment_provider_slug: str,
    buyer_name: str,
    destination_country: str,
    destination_airport: str,
    currency: str,
    lines: Sequence[CheckoutLineRequest],
    buyer_id_number: str | None = None,
    presentment_currency: str | None = None,
) -> Checkout:
    """Place a buyer's checkout with one or more approved merchants: one order per merchant,
    each owing goods + freight + taxes, whose amounts add up to the checkout's in the order
    currency and in the buyer's (`presentment_currency`: the amount due converted once at the
    day's ECB rate and split by largest remainder). A destination without a freight rate in
    force is `no_freight_rate`. All or nothing: one line short of stock, or one order over the
    buyer's CBEC limits, refuses everything. References are unique per marketplace. Orders to
    China need the buyer's PRC ID number; it is kept encrypted, keyed and masked, never in
    the clear."""
    if marketplace.kind != OrganizationKind.MARKETPLACE:
        raise PermissionDenied("Only marketplaces place orders.", code="not_a_marketplace")
    _validate_lines(lines)
    sealed, number = _buyer_id(buyer_id_number, destination_country=destination_country)
    by_merchant: dict[str, list[tuple[int, CheckoutLineRequest]]] = {}
    for index, line in enumerate(lines):
        by_merchant.setdefault(line.merchant, []).append((index, line))
    merchants = {
        slug: _merchant(slug, field=f"lines.{parts[0][0]}.merchant")
        for slug, parts in by_merchant.items()
    }
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
    if Checkout.objects.filter(marketplace=marketplace, reference=reference).exists():
        raise Conflict(
            f"Order {reference!r} was already placed.",
            code="order_reference_exists",
            field="reference",
        )
    now = timezone.now()
    priced, discounts = _discounted(
        {
            slug: _price(merchant=merchants[slug], currency=currency, lines=parts)
            for slug, parts in by_merchant.items()
        },
        destination_country=destination_country,
        on=now.date(),
    )
    rate = conversion_rate(base=currency, quote=presentment_currency or currency, on=now.date())

    # Lock rows in a fixed order so two checkouts for the same goods cannot deadlock.
    every_line = [line for merchant_lines in priced.values() for line in merchant_lines]
    for priced_line in sorted(every_line, key=lambda p: (str(p.product.pk), p.sku)):
        _reserve_stock(line=priced_line)

    zero = Decimal("0.00")
    goods = {slug: sum((p.line_total for p in ls), zero) for slug, ls in priced.items()}
    freight = {
        slug: _freight(
            lines=ls, destination_airport=destination_airport, currency=currency, on=now.date()
        )
        for slug, ls in priced.items()
    }
    cbec: dict[str, _CbecTaxes] = {}
    if sealed is not None and destination_country == CHINA:
        cbec = {
            slug: _cbec_quote(
                merchant=merchants[slug],
                lines=ls,
                freight=freight[slug],
                currency=currency,
                number=number,
                at=now,
            )
            for slug, ls in priced.items()
        }
    taxes = {slug: cbec[slug].taxes if slug in cbec else zero for slug in priced}
    due = {slug: goods[slug] + freight[slug] + taxes[slug] for slug in priced}
    amount_due = sum(due.values(), zero)
    # The buyer's currency: the amount due converted once, then split over the orders, and
    # each order's share over its goods, freight and taxes, so every level adds up exactly.
    presentment_amount_due = round_half_up(amount_due * rate.rate)
    presentment_due = dict(
        zip(priced, allocate(presentment_amount_due, list(due.values())), strict=True)
    )
    presentment_parts = {
        slug: allocate(presentment_due[slug], [goods[slug], freight[slug], taxes[slug]])
        for slug in priced
    }
    try:
        with transaction.atomic():
            checkout = Checkout.objects.create(
                marketplace=marketplace,
                payment_provider=provider,
                reference=reference,
                buyer_name=buyer_name,
                buyer_id_encrypted=sealed.encrypted if sealed else "",
                buyer_id_key=sealed.key if sealed else "",
                buyer_id_masked=sealed.masked if sealed else "",
                destination_country=destination_country,
                destination_airport=destination_airport,
                currency=currency,
                total=sum(goods.values(), zero),
                freight=sum(freight.values(), zero),
                taxes=sum(taxes.values(), zero),
                presentment_currency=rate.quote,
                presentment_total=sum((parts[0] for parts in presentment_parts.values()), zero),
                presentment_freight=sum((parts[1] for parts in presentment_parts.values()), zero),
                presentment_taxes=sum((parts[2] for parts in presentment_parts.values()), zero),
                created_at=now,
            )
    except IntegrityError:
        raise Conflict(
            f"Order {reference!r} was already placed.",
            code="order_reference_exists",
            field="reference",
        ) from None

    orders: list[Order] = []
    for slug, merchant_lines in priced.items():
        presentment_goods, presentment_freight, presentment_taxes = presentment_parts[slug]
        order = Order.objects.create(
            checkout=checkout,
            marketplace=marketplace,
            merchant=merchants[slug],
            payment_provider=provider,
            reference=reference,
            buyer_name=buyer_name,
            destination_country=destination_country,
            destination_airport=destination_airport,
            currency=currency,
            total=goods[slug],
            discount=sum(
                (discounts[p.index].amount for p in merchant_lines if p.index in discounts), zero
            ),
            freight=freight[slug],
            taxes=taxes[slug],
            tax_currency=CNY if slug in cbec else "",
            taxes_in_tax_currency=cbec[slug].quote.total_tax if slug in cbec else zero,
            presentment_currency=rate.quote,
            presentment_total=presentment_goods,
            presentment_freight=presentment_freight,
            presentment_taxes=presentment_taxes,
            created_at=now,
            updated_at=now,
        )
        line_presentment = allocate(presentment_goods, [p.line_total for p in merchant_lines])
        placed_lines = OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                line_number=number_in_order,
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
                presentment_unit_price=round_half_up(p.unit_price * rate.rate),
                presentment_line_total=presentment,
            )
            for number_in_order, (p, presentment) in enumerate(
                zip(merchant_lines, line_presentment, strict=True), start=1
            )
        )
        for placed_line, priced_line in zip(placed_lines, merchant_lines, strict=True):
            discount = discounts.get(priced_line.index)
            if discount is not None:
                order_line_discount_record(order_line=placed_line, discount=discount)
        if sealed is not None and slug in cbec:
            _cbec_reserve(order=order, cbec=cbec[slug], sealed=sealed)
        OrderStatusChange.objects.create(
            order=order, from_status="", to_status=OrderStatus.PLACED, changed_at=now
        )
        orders.append(order)
    for order in orders:
        _publish_order_event(order)
    checkout.refresh_from_db()  # the amounts due the database computed
    return checkout


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
    buyer_id_number: str | None = None,
    presentment_currency: str | None = None,
) -> Order:
    """Place an order with one merchant: a checkout of one order (see `checkout_place`)."""
    try:
        checkout = checkout_place(
            marketplace=marketplace,
            reference=reference,
            payment_provider_slug=payment_provider_slug,
            buyer_name=buyer_name,
            buyer_id_number=buyer_id_number,
            destination_country=destination_country,
            destination_airport=destination_airport,
            currency=currency,
            presentment_currency=presentment_currency,
            lines=[
                CheckoutLineRequest(merchant=merchant_slug, sku=line.sku, quantity=line.quantity)
                for line in lines
            ],
        )
    except DomainError as exc:
        # The one-merchant request names its merchant once, at the top.
        if exc.field is not None and exc.field.endswith(".merchant"):
            exc.field = "merchant"
        raise
    return checkout.orders.get()
