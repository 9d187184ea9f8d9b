"""Landed cost: what a buyer pays to have goods delivered at a destination airport — the goods,
the air freight from the hub and the import taxes — in the buyer's currency.

A basket is split into consignments, one per merchant, because each merchant's goods travel as
one order, one declaration and one shipment: the freight minimum charge, the CBEC
single-transaction limit and the EU's EUR 150 line (H7 or H1) apply per consignment.

Taxes come from the customs tax engine (`customs.services.tax_quote_compute`), in the regime's
currency: unit prices are converted into it at the ECB reference rate and rounded half-up to
the cent, as the clearance job does when it assesses the declaration. Freight goes in as
`freight` for China (air freight is part of the dutiable value up to the port of entry) and as
`onward_transport` for the EU (the goods enter the EU at the Liège hub; the flight on from there
is transport to the destination, part of the VAT base only). Every amount shown is converted
into the buyer's currency on its own and rounded half-up; totals are sums of the shown amounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from customs.services import QuoteItem, tax_quote_compute, tax_quote_request_build
from customs.tariff_source import DatabaseTariff
from customs.taxes import Regime, TariffRate, member_states, standard_vat_rate
from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.core.money import round_half_up
from logistics.selectors import destination_is_served, freight_quote
from logistics.weights import round_up_to_half_kg, volumetric_weight_kg
from marketplace.models import EURO, Order, OrderLandedCost, Product, ProductVariant
from marketplace.selectors import Rate, conversion_rate, listing_get
from marketplace.services.campaigns import campaign_discounts

ZERO = Decimal("0.00")
MAX_LINES = 100
# The EU regimes' line between a low-value consignment (H7) and a full declaration (H1).
H7_INTRINSIC_VALUE_LIMIT_EUR = Decimal("150.00")
REGIME_CURRENCY = {"CN": "CNY", "EU": EURO}


@dataclass(frozen=True, slots=True)
class LandedCostLineRequest:
    listing_id: uuid.UUID
    quantity: int
    variant_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ExchangeRateUsed:
    """`rate` units of `quote` buy one unit of `base` (ECB reference rate of `date`)."""

    base: str
    quote: str
    rate: Decimal
    date: date


@dataclass(frozen=True, slots=True)
class QuoteReason:
    code: str  # customs' ReasonCode
    detail: str


@dataclass(frozen=True, slots=True)
class GoodsLineQuote:
    line: int  # 1-based, in the order the lines were given
    listing_id: uuid.UUID
    variant_id: uuid.UUID | None
    sku: str
    title: str
    hs_code: str
    quantity: int
    unit_price: Decimal  # in the listing's currency, for this quantity (tiers apply)
    listing_currency: str
    amount: Decimal  # the line in the buyer's currency, net of `discount`
    discount: Decimal = ZERO  # a campaign's discount on the line, in the buyer's currency


@dataclass(frozen=True, slots=True)
class TaxLineQuote:
    """One declared line's taxes in the buyer's currency. `customs_value` is the engine's base
    (the dutiable value under CN regimes, the customs value under EU ones); the rates are the
    tariff's and the destination's, in percent (CBEC levies 70 % of excise and VAT within its
    limits, duty nil; H7 charges a flat duty per classification)."""

    line: int
    code: str
    customs_value: Decimal
    duty_rate: Decimal | None
    duty: Decimal
    excise_rate: Decimal | None
    excise: Decimal
    vat_rate: Decimal | None
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.duty + self.excise + self.vat


@dataclass(frozen=True, slots=True)
class ConsignmentQuote:
    """One merchant's goods, as one order, declaration and shipment."""

    merchant_slug: str
    merchant_name: str
    regime: str
    rule_pack: str | None
    admissible: bool
    reasons: tuple[QuoteReason, ...]
    chargeable_weight_kg: Decimal
    goods_lines: tuple[GoodsLineQuote, ...]
    tax_lines: tuple[TaxLineQuote, ...]
    goods: Decimal
    freight: Decimal
    taxes: Decimal

    @property
    def total(self) -> Decimal:
        return self.goods + self.freight + self.taxes


@dataclass(frozen=True, slots=True)
class LandedCostQuote:
    destination_country: str
    destination_airport: str
    currency: str
    quoted_on: date
    consignments: tuple[ConsignmentQuote, ...]
    rates: tuple[ExchangeRateUsed, ...]

    @property
    def goods(self) -> Decimal:
        return sum((c.goods for c in self.consignments), ZERO)

    @property
    def freight(self) -> Decimal:
        return sum((c.freight for c in self.consignments), ZERO)

    @property
    def taxes(self) -> Decimal:
        return sum((c.taxes for c in self.consignments), ZERO)

    @property
    def total(self) -> Decimal:
        return self.goods + self.freight + self.taxes

    @property
    def admissible(self) -> bool:
        return all(c.admissible for c in self.consignments)

    def consignment_of(self, merchant_slug: str) -> ConsignmentQuote | None:
        return next((c for c in self.consignments if c.merchant_slug == merchant_slug), None)


@dataclass
class _Line:
    number: int
    product: Product
    variant: ProductVariant | None
    quantity: int
    unit_price: Decimal
    # A running campaign's discount on the whole line, in the listing's currency, found by the
    # function checkout applies (marketplace.services.campaigns.campaign_discounts).
    discount: Decimal = ZERO

    @property
    def net_total(self) -> Decimal:
        """What the buyer pays for the line in the listing's currency: checkout's line total."""
        return round_half_up(self.unit_price * self.quantity) - self.discount


@dataclass
class _Rates:
    """The ECB rates a quote uses, each looked up once."""

    on: date
    used: dict[tuple[str, str], Rate] = field(default_factory=dict)

    def get(self, base: str, quote: str) -> Rate:
        if (base, quote) not in self.used:
            try:
                self.used[(base, quote)] = conversion_rate(base=base, quote=quote, on=self.on)
            except DomainError as exc:
                exc.field = "currency"
                raise
        return self.used[(base, quote)]

    def convert(self, amount: Decimal, base: str, quote: str) -> Decimal:
        return round_half_up(amount * self.get(base, quote).rate)


def unit_price_for(*, product: Product, variant: ProductVariant | None, quantity: int) -> Decimal:
    """The price per unit at this quantity, as order placement prices it: a variant's own
    price, else the tier with the largest threshold the quantity reaches, else the base price."""
    if variant is not None and variant.unit_price is not None:
        return variant.unit_price
    price = product.unit_price
    for tier in sorted(product.price_tiers.all(), key=lambda t: t.min_quantity):
        if quantity >= tier.min_quantity:
            price = tier.unit_price
    return price


def _jurisdiction(country: str) -> str:
    if country == "CN":
        return "CN"
    if country in member_states():
        return "EU"
    raise DomainError(
        f"Landed costs are quoted into China and the EU member states, not {country}.",
        code="destination_not_supported",
        field="destination_country",
    )


def _lines(requests: Sequence[LandedCostLineRequest], country: str) -> list[_Line]:
    if not requests:
        raise DomainError("A quote needs at least one line.", code="lines_empty", field="lines")
    if len(requests) > MAX_LINES:
        raise DomainError(
            f"A quote has at most {MAX_LINES} lines.", code="too_many_lines", field="lines"
        )
    seen: set[tuple[uuid.UUID, uuid.UUID | None]] = set()
    lines = []
    for index, request in enumerate(requests):
        at = f"lines.{index}"
        if (request.listing_id, request.variant_id) in seen:
            raise DomainError(
                "This listing appears twice; put the whole quantity on one line.",
                code="duplicate_line",
                field=f"{at}.listing",
            )
        seen.add((request.listing_id, request.variant_id))
        try:
            product = listing_get(listing_id=request.listing_id)
        except NotFound:
            raise DomainError(
                "No listing on sale with this id.",
                code="listing_not_on_sale",
                field=f"{at}.listing",
            ) from None
        variant = None
        if request.variant_id is not None:
            variant = next((v for v in product.variants.all() if v.pk == request.variant_id), None)
            if variant is None:
                raise DomainError(
                    "The listing has no such variant.",
                    code="unknown_variant",
                    field=f"{at}.variant",
                )
        if country not in product.markets:
            raise DomainError(
                f"{product.sku!r} is not offered in {country}.",
                code="not_offered_in_market",
                field="destination_country",
            )
        if request.quantity < product.min_order_quantity:
            raise DomainError(
                f"{product.sku!r} is sold from {product.min_order_quantity} units.",
                code="below_minimum_order_quantity",
                field=f"{at}.quantity",
            )
        price = unit_price_for(product=product, variant=variant, quantity=request.quantity)
        lines.append(_Line(index + 1, product, variant, request.quantity, price))
    return lines


def chargeable_weight_kg(goods: Iterable[tuple[Product, int]]) -> Decimal:
    """IATA's chargeable weight of a consignment of (product, quantity): gross or volumetric
    (units with all three dimensions), the greater, up to the next half kilogram. The quote
    and order placement both weigh a consignment here, so they charge the same freight."""
    gross = Decimal(0)
    volumetric = Decimal(0)
    for p, quantity in goods:
        gross += p.weight_kg * quantity
        if p.length_cm is not None and p.width_cm is not None and p.height_cm is not None:
            volume = volumetric_weight_kg(
                length_cm=p.length_cm, width_cm=p.width_cm, height_cm=p.height_cm
            )
            volumetric += volume * quantity
    return round_up_to_half_kg(max(gross, volumetric))


def _regime(jurisdiction: str, lines: Sequence[_Line], rates: _Rates) -> Regime:
    if jurisdiction == "CN":
        return Regime.CN_CBEC
    intrinsic = sum(
        (rates.convert(line.net_total, line.product.currency, EURO) for line in lines), ZERO
    )
    return Regime.EU_H7 if intrinsic <= H7_INTRINSIC_VALUE_LIMIT_EUR else Regime.EU_H1


def _code(product: Product, jurisdiction: str) -> str:
    """The national tariff line the merchant gave for the destination, else the HS subheading."""
    national = product.national_codes.get(jurisdiction) if product.national_codes else None
    return str(national) if national else product.hs_code


def _consignment(
    *,
    lines: list[_Line],
    country: str,
    airport: str,
    currency: str,
    rates: _Rates,
) -> ConsignmentQuote:
    jurisdiction = _jurisdiction(country)
    regime = _regime(jurisdiction, lines, rates)
    tax_currency = REGIME_CURRENCY[jurisdiction]
    weight = chargeable_weight_kg((line.product, line.quantity) for line in lines)
    freight = freight_quote(destination_airport=airport, chargeable_weight_kg=weight, on=rates.on)
    freight_in_tax_currency = rates.convert(freight.amount, freight.currency, tax_currency)
    codes = [_code(line.product, jurisdiction) for line in lines]
    request = tax_quote_request_build(
        regime=regime,
        destination_country=country,
        currency=tax_currency,
        items=[
            QuoteItem(
                code=code,
                description=line.product.title,
                quantity=line.quantity,
                # Declared as checkout places the order and customs assesses it: the line's
                # value net of discount, converted and divided by its quantity, half-up.
                unit_price=round_half_up(
                    line.net_total
                    * rates.get(line.product.currency, tax_currency).rate
                    / line.quantity
                ),
            )
            for code, line in zip(codes, lines, strict=True)
        ],
        freight=freight_in_tax_currency if jurisdiction == "CN" else ZERO,
        onward_transport=freight_in_tax_currency if jurisdiction == "EU" else ZERO,
    )
    # One tariff read serves both the quote and the rates shown beside each tax line.
    tariff = DatabaseTariff().prefetch(jurisdiction, codes)
    taxed = tax_quote_compute(request=request, tariff=tariff)
    eu_vat = standard_vat_rate(country, request.acceptance_date) if jurisdiction == "EU" else None
    tax_lines = []
    for line, tax in zip(lines, taxed.lines, strict=True):
        rate: TariffRate | None = tariff.rate_for(jurisdiction, tax.code)
        tax_lines.append(
            TaxLineQuote(
                line=line.number,
                code=tax.code,
                customs_value=rates.convert(tax.customs_value, tax_currency, currency),
                duty_rate=None if rate is None else rate.duty_rate,
                duty=rates.convert(tax.duty, tax_currency, currency),
                excise_rate=None if rate is None else rate.excise_rate,
                excise=rates.convert(tax.excise, tax_currency, currency),
                vat_rate=eu_vat if jurisdiction == "EU" else (rate.vat_rate if rate else None),
                vat=rates.convert(tax.vat, tax_currency, currency),
            )
        )
    goods_lines = tuple(
        GoodsLineQuote(
            line=line.number,
            listing_id=line.product.pk,
            variant_id=None if line.variant is None else line.variant.pk,
            sku=line.product.sku if line.variant is None else line.variant.sku,
            title=line.product.title,
            hs_code=line.product.hs_code,
            quantity=line.quantity,
            unit_price=line.unit_price,
            listing_currency=line.product.currency,
            amount=rates.convert(line.net_total, line.product.currency, currency),
            discount=rates.convert(line.discount, line.product.currency, currency),
        )
        for line in lines
    )
    merchant = lines[0].product.merchant
    return ConsignmentQuote(
        merchant_slug=merchant.slug,
        merchant_name=merchant.name,
        regime=str(regime),
        rule_pack=taxed.rule_pack,
        admissible=taxed.admissible,
        reasons=tuple(QuoteReason(str(r.code), r.detail) for r in taxed.reasons),
        chargeable_weight_kg=weight,
        goods_lines=goods_lines,
        tax_lines=tuple(tax_lines),
        goods=sum((g.amount for g in goods_lines), ZERO),
        freight=rates.convert(freight.amount, freight.currency, currency),
        taxes=sum((t.total for t in tax_lines), ZERO),
    )


def landed_cost_quote(
    *,
    destination_country: str,
    destination_airport: str,
    currency: str,
    lines: Sequence[LandedCostLineRequest],
) -> LandedCostQuote:
    """Goods + freight + import taxes of listings on sale, delivered at a destination airport
    the hub serves, in `currency`, per merchant's consignment and in all. Writes nothing.

    Refused with a coded DomainError: a destination the hub does not fly to
    (`destination_not_served`) or outside China and the EU (`destination_not_supported`), a
    listing not on sale (`listing_not_on_sale`) or not offered there (`not_offered_in_market`),
    a quantity under the minimum order (`below_minimum_order_quantity`), no freight rate
    (`no_freight_rate`) or no ECB rate (`exchange_rate_unavailable`). Goods customs would not
    admit are not an error: the consignment says `admissible: false` and why, untaxed.
    """
    if not destination_is_served(iata=destination_airport, country=destination_country):
        raise DomainError(
            f"The hub does not fly to {destination_airport} in {destination_country}.",
            code="destination_not_served",
            field="destination_airport",
        )
    _jurisdiction(destination_country)
    priced = _lines(lines, destination_country)
    rates = _Rates(on=timezone.now().date())
    found = campaign_discounts(
        destination_country=destination_country,
        on=rates.on,
        lines=[(line.product.pk, line.unit_price, line.quantity) for line in priced],
    )
    for line, discount in zip(priced, found, strict=True):
        if discount is not None:
            line.discount = discount.amount
    by_merchant: dict[uuid.UUID, list[_Line]] = {}
    for line in priced:
        by_merchant.setdefault(line.product.merchant_id, []).append(line)
    consignments = tuple(
        _consignment(
            lines=group,
            country=destination_country,
            airport=destination_airport,
            currency=currency,
            rates=rates,
        )
        for group in by_merchant.values()
    )
    return LandedCostQuote(
        destination_country=destination_country,
        destination_airport=destination_airport,
        currency=currency,
        quoted_on=rates.on,
        consignments=consignments,
        rates=tuple(
            ExchangeRateUsed(r.base, r.quote, r.rate, r.date)
            for r in rates.used.values()
            if r.base != r.quote
        ),
    )


def _consignment_json(quote: LandedCostQuote, consignment: ConsignmentQuote) -> dict[str, Any]:
    def money(amount: Decimal) -> str:
        return str(amount)

    return {
        "destination_country": quote.destination_country,
        "destination_airport": quote.destination_airport,
        "currency": quote.currency,
        "quoted_on": quote.quoted_on.isoformat(),
        "merchant": consignment.merchant_slug,
        "regime": consignment.regime,
        "rule_pack": consignment.rule_pack,
        "admissible": consignment.admissible,
        "reasons": [{"code": r.code, "detail": r.detail} for r in consignment.reasons],
        "chargeable_weight_kg": str(consignment.chargeable_weight_kg),
        "goods_lines": [
            {
                "line": g.line,
                "listing_id": str(g.listing_id),
                "sku": g.sku,
                "quantity": g.quantity,
                "unit_price": money(g.unit_price),
                "listing_currency": g.listing_currency,
                "amount": money(g.amount),
                "discount": money(g.discount),
            }
            for g in consignment.goods_lines
        ],
        "tax_lines": [
            {
                "line": t.line,
                "code": t.code,
                "customs_value": money(t.customs_value),
                "duty_rate": None if t.duty_rate is None else str(t.duty_rate),
                "duty": money(t.duty),
                "excise_rate": None if t.excise_rate is None else str(t.excise_rate),
                "excise": money(t.excise),
                "vat_rate": None if t.vat_rate is None else str(t.vat_rate),
                "vat": money(t.vat),
            }
            for t in consignment.tax_lines
        ],
        "goods": money(consignment.goods),
        "freight": money(consignment.freight),
        "taxes": money(consignment.taxes),
        "total": money(consignment.total),
        "rates": [
            {"base": r.base, "quote": r.quote, "rate": str(r.rate), "date": r.date.isoformat()}
            for r in quote.rates
        ],
    }


@transaction.atomic
def order_landed_cost_record(*, order: Order, quote: LandedCostQuote) -> OrderLandedCost:
    """Keep with a placed order the landed cost its buyer was quoted: the consignment of the
    order's merchant, for the order's destination and in its presentment currency. Once per
    order (`landed_cost_already_recorded`); a quote of other goods or another destination is
    refused (`landed_cost_mismatch`)."""
    consignment = quote.consignment_of(order.merchant.slug)
    if (
        consignment is None
        or quote.destination_country != order.destination_country
        or quote.destination_airport != order.destination_airport
        or quote.currency != order.presentment_currency
    ):
        raise DomainError(
            "The quote is not for this order's merchant, destination or currency.",
            code="landed_cost_mismatch",
        )
    if OrderLandedCost.objects.filter(order=order).exists():
        raise Conflict(
            "The order's landed cost is already recorded.", code="landed_cost_already_recorded"
        )
    return OrderLandedCost.objects.create(
        order=order,
        currency=quote.currency,
        goods=consignment.goods,
        freight=consignment.freight,
        taxes=consignment.taxes,
        total=consignment.total,
        regime=consignment.regime,
        admissible=consignment.admissible,
        quoted_on=quote.quoted_on,
        quote=_consignment_json(quote, consignment),
    )
