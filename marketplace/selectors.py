"""Reads of the marketplace, scoped to the organisation asking. Another tenant's row is NotFound."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization
from marketplace.countries import is_country
from marketplace.identifiers import eori_problem, iban_problem, vat_problem
from marketplace.models import (
    EURO,
    Checkout,
    ExchangeRate,
    MerchantProfile,
    MerchantStatus,
    Order,
    PayoutStatement,
    Product,
    ProductVariant,
)
from marketplace.search import (
    Facet,
    FacetValue,
    ListingQuery,
    SearchPage,
    listing_search,
)

RATE_PLACES = Decimal("0.000001")

__all__ = [
    "Facet",
    "FacetValue",
    "ListingQuery",
    "Rate",
    "Requirement",
    "SearchPage",
    "checkout_get",
    "checkout_list",
    "conversion_rate",
    "exchange_rate_latest_date",
    "listing_get",
    "listing_search",
    "merchant_checklist",
    "merchant_is_approved",
    "merchant_profile_of",
    "order_get",
    "order_list",
    "payout_statement_get",
    "payout_statement_list",
    "product_find_by_sku",
    "product_get",
    "product_list",
    "rate_on",
]


# --- merchants


@dataclass(frozen=True, slots=True)
class Requirement:
    """One item of a merchant's onboarding checklist."""

    code: str
    label: str
    met: bool
    detail: str = ""


def merchant_profile_of(*, merchant: Organization) -> MerchantProfile | None:
    return MerchantProfile.objects.filter(organization=merchant).first()


def merchant_is_approved(*, merchant: Organization) -> bool:
    return MerchantProfile.objects.approved().filter(organization=merchant).exists()


def merchant_checklist(*, profile: MerchantProfile) -> list[Requirement]:
    """What an application must hold before staff may approve it, computed from its data."""
    missing_company = [
        label
        for label, value in (
            ("legal name", profile.legal_name),
            ("street address", profile.street_address),
            ("postal code", profile.postal_code),
            ("city", profile.city),
        )
        if not value.strip()
    ]
    if not is_country(profile.country):
        missing_company.append("country")
    eori = eori_problem(profile.eori) if profile.eori else "No EORI number."
    vat = vat_problem(profile.vat_number) if profile.vat_number else "No VAT number."
    bank = iban_problem(profile.iban) if profile.iban else "No IBAN."
    if bank is None and not profile.bank_account_holder.strip():
        bank = "No account holder."
    signed = profile.contacts.filter(signed_off_at__isnull=False).exists()
    return [
        Requirement(
            "company_data",
            "Company data (legal name, address, country)",
            not missing_company,
            f"Missing: {', '.join(missing_company)}." if missing_company else "",
        ),
        Requirement("eori", "EORI number", eori is None, eori or ""),
        Requirement("vat_number", "VAT number", vat is None, vat or ""),
        Requirement("bank_details", "Bank details (IBAN)", bank is None, bank or ""),
        Requirement(
            "signed_off_contact",
            "A contact who signed off the application",
            signed,
            "" if signed else "No contact has signed off the application.",
        ),
    ]


# --- listings


def _with_details(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("merchant").prefetch_related(
        "translations",
        "price_tiers",
        "certificates",
        Prefetch("variants", queryset=ProductVariant.objects.order_by("created_at")),
    )


def product_list(*, merchant: Organization) -> QuerySet[Product]:
    return _with_details(Product.objects.for_merchant(merchant))


def product_get(*, merchant: Organization, product_id: uuid.UUID) -> Product:
    product = product_list(merchant=merchant).filter(pk=product_id).first()
    if product is None:
        raise NotFound("No such product.")
    return product


def product_find_by_sku(*, merchant: Organization, sku: str) -> Product | None:
    return Product.objects.for_merchant(merchant).filter(sku=sku).first()


def variant_get(*, product: Product, variant_id: uuid.UUID) -> ProductVariant:
    variant = ProductVariant.objects.filter(product=product, pk=variant_id).first()
    if variant is None:
        raise NotFound("No such variant.")
    return variant


def listing_get(*, listing_id: uuid.UUID) -> Product:
    """A listing on sale: published, by an approved merchant. Anything else is not found."""
    listing = (
        _with_details(Product.objects.published())
        .filter(
            pk=listing_id,
            merchant__merchant_profile__status=MerchantStatus.APPROVED,
        )
        .first()
    )
    if listing is None:
        raise NotFound("No such listing.")
    return listing


# --- exchange rates


@dataclass(frozen=True, slots=True)
class Rate:
    """`rate` units of `quote` buy one unit of `base`, as published on `date`."""

    base: str
    quote: str
    rate: Decimal
    date: date


def rate_on(*, currency: str, on: date) -> Rate:
    """The euro's rate in `currency` on `on`, or the last one before it: the ECB does not
    publish on weekends and TARGET holidays, so Saturday's rate is Friday's."""
    if currency == EURO:
        return Rate(EURO, EURO, Decimal(1), on)
    row = (
        ExchangeRate.objects.filter(currency=currency, date__lte=on)
        .order_by("-date")
        .only("rate", "date")
        .first()
    )
    if row is None:
        raise DomainError(
            f"No ECB reference rate for {currency} on or before {on.isoformat()}.",
            code="exchange_rate_unavailable",
            field="presentment_currency",
        )
    return Rate(EURO, currency, row.rate, row.date)


def exchange_rate_latest_date() -> date | None:
    return ExchangeRate.objects.order_by("-date").values_list("date", flat=True).first()


def conversion_rate(*, base: str, quote: str, on: date) -> Rate:
    """How many `quote` one `base` buys on `on`, crossed through the euro for two non-euro
    currencies, to 6 decimal places. The date is the older of the two ECB days used."""
    if base == quote:
        return Rate(base, quote, Decimal(1), on)
    to_quote = rate_on(currency=quote, on=on)
    to_base = rate_on(currency=base, on=on)
    rate = (to_quote.rate / to_base.rate).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return Rate(base, quote, rate, min(to_quote.date, to_base.date))


# --- orders


def order_list(*, organization: Organization, status: str | None = None) -> QuerySet[Order]:
    """Orders the organisation placed (marketplace) or sells (merchant), newest first."""
    orders = (
        Order.objects.visible_to(organization)
        .select_related("marketplace", "merchant", "payment_provider", "checkout")
        .prefetch_related("lines__discount")
    )
    if status is not None:
        orders = orders.filter(status=status)
    return orders


def order_get(*, organization: Organization, order_id: uuid.UUID) -> Order:
    order = order_list(organization=organization).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


# --- checkouts


def checkout_list(*, marketplace: Organization) -> QuerySet[Checkout]:
    """Checkouts the marketplace placed, newest first, with their orders and lines. Only the
    marketplace sees a checkout whole; each merchant sees its own order of it."""
    return (
        Checkout.objects.filter(marketplace=marketplace)
        .select_related("marketplace", "payment_provider")
        .prefetch_related(
            Prefetch(
                "orders",
                queryset=Order.objects.select_related("merchant")
                .prefetch_related("lines__discount")
                .order_by("created_at", "merchant__slug"),
            )
        )
    )


def checkout_get(*, marketplace: Organization, checkout_id: uuid.UUID) -> Checkout:
    checkout = checkout_list(marketplace=marketplace).filter(pk=checkout_id).first()
    if checkout is None:
        raise NotFound("No such checkout.")
    return checkout


# --- payouts


def payout_statement_list(*, merchant: Organization) -> QuerySet[PayoutStatement]:
    """The merchant's own statements, newest month first, with their lines."""
    return (
        PayoutStatement.objects.filter(merchant=merchant)
        .select_related("merchant")
        .prefetch_related("lines")
    )


def payout_statement_get(*, merchant: Organization, statement_id: uuid.UUID) -> PayoutStatement:
    statement = payout_statement_list(merchant=merchant).filter(pk=statement_id).first()
    if statement is None:
        raise NotFound("No such payout statement.")
    return statement
