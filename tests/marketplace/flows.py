"""Whole flows built from the real services, for tests of every app on the order's path.

Handlers run in-process in the publishing transaction, so an order that is paid really gets
its declaration, a released declaration really gets its shipment, and so on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from customs.buyer_ids import check_character
from customs.models import Declaration, InformationRequest
from customs.selectors import commodity_codes_known
from customs.services import (
    commodity_codes_load,
    declaration_clear,
    declaration_request_information,
)
from ewtp.core.models import Organization, OrganizationKind, User, UserRole
from ewtp.core.services import organization_get_or_create
from logistics.models import Airport, Flight, FreightRate, Shipment
from logistics.services import airport_upsert, flight_schedule
from marketplace.buyer_identity import unseal
from marketplace.ecb import EcbRate
from marketplace.models import (
    Checkout,
    Language,
    MerchantProfile,
    Order,
    Product,
    ProductStatus,
)
from marketplace.services import (
    OrderLineRequest,
    TranslationRequest,
    exchange_rates_load,
    merchant_approve,
    merchant_contact_add,
    merchant_profile_create,
    merchant_review_start,
    order_place,
    payment_confirm,
    product_create,
)

_references = itertools.count(1)
_organizations = itertools.count(1)
_users = itertools.count(1)
_flight_numbers = itertools.count(100)
_buyers = itertools.count(1)

# The euro in yuan on an old ECB day: CN orders convert at the last rate on or before today,
# so tests that load recent rates still see theirs.
CNY_RATE = Decimal("8.000000")
CNY_RATE_DAY = date(2020, 1, 2)


def resident_id(n: int | None = None) -> str:
    """A valid PRC resident ID number (Beijing Chaoyang, a birthday and order code from `n`)."""
    n = next(_buyers) if n is None else n
    born = date(1980, 1, 1) + timedelta(days=n // 1000)
    first_17 = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + check_character(first_17)


@dataclass
class Trade:
    """The partners of one order's journey."""

    marketplace: Organization
    merchant: Organization
    provider: Organization
    carrier: Organization
    destination: Airport


# A complete application: every checklist item met (the identifiers pass their check digits).
COMPLETE_PROFILE = {
    "legal_name": "Chocolaterie Test BV",
    "street_address": "Wollestraat 12",
    "postal_code": "8000",
    "city": "Brugge",
    "country": "BE",
    "eori": "BE0456781215",
    "vat_number": "BE0456781215",
    "bank_account_holder": "Chocolaterie Test BV",
    "iban": "BE71096123456769",
}


def organization(kind: str, slug: str | None = None, *, approved: bool = True) -> Organization:
    """A new organisation of this kind, made by the core service. A merchant is onboarded and
    approved (unless `approved=False`), as it must be to sell."""
    made, _ = organization_get_or_create(
        slug=slug or f"{kind.replace('_', '-')}-{next(_organizations)}", kind=kind
    )
    if kind == OrganizationKind.MERCHANT and approved:
        approved_profile(made)
    return made


def merchant_application(merchant: Organization, **data: str) -> MerchantProfile:
    """A merchant's complete application with a signed-off contact, not yet reviewed."""
    profile = merchant_profile_create(organization=merchant, data=COMPLETE_PROFILE | data)
    merchant_contact_add(
        profile=profile,
        name="Lotte Van Acker",
        role="Managing director",
        email="lotte@example.test",
        signed_off_at=timezone.now(),
    )
    return profile


def approved_profile(merchant: Organization) -> MerchantProfile:
    """Onboard a merchant through the real services: apply, review, approve."""
    profile = merchant_application(merchant)
    merchant_review_start(profile=profile, by=None, reason="Documents received")
    return merchant_approve(profile=profile, by=None, reason="Documents checked")


def staff_user(role: str) -> User:
    """A member of staff with this role (an officer, say), signing in with no password."""
    return User.objects.create_user(
        username=f"staff-{next(_users)}", password=None, role=role, is_staff=True
    )


# The hub's air freight to every destination the tests fly to: 4.00 EUR per kg, at least 12.00
# (so one box of pralines, 0.7 kg, pays the minimum). Placement charges it on every order.
FREIGHT_PER_KG = Decimal("4.00")
FREIGHT_MINIMUM = Decimal("12.00")


def hub_freight_rate(iata: str) -> None:
    """A freight rate to the airport in force since CNY_RATE_DAY, unless one is there already."""
    FreightRate.objects.get_or_create(
        destination_id=iata,
        valid_from=CNY_RATE_DAY,
        defaults={
            "currency": "EUR",
            "price_per_kg": FREIGHT_PER_KG,
            "minimum_charge": FREIGHT_MINIMUM,
        },
    )


def trade_setup() -> Trade:
    airport_upsert(
        iata="LGG",
        name="Liège Airport",
        city="Liège",
        country="BE",
        timezone_name="Europe/Brussels",
    )
    destination = airport_upsert(
        iata="HGH",
        name="Hangzhou Xiaoshan International Airport",
        city="Hangzhou",
        country="CN",
        timezone_name="Asia/Shanghai",
    )
    commodity_codes_load(
        codes=[("180690", "Chocolate preparations n.e.s."), ("220300", "Beer made from malt")]
    )
    exchange_rates_load(rates=[EcbRate(date=CNY_RATE_DAY, currency="CNY", rate=CNY_RATE)])
    hub_freight_rate(destination.iata)
    return Trade(
        marketplace=organization(OrganizationKind.MARKETPLACE),
        merchant=organization(OrganizationKind.MERCHANT),
        provider=organization(OrganizationKind.PAYMENT_PROVIDER),
        carrier=organization(OrganizationKind.CARRIER),
        destination=destination,
    )


def product(
    trade: Trade,
    *,
    sku: str = "PRL-250",
    hs_code: str = "180690",
    unit_price: str = "24.50",
    weight_kg: str = "0.350",
    stock: int = 100,
    currency: str = "EUR",
    status: str = ProductStatus.PUBLISHED,
    merchant: Organization | None = None,
    title: str | None = None,
    **extra: Any,
) -> Product:
    """A listing with an English and a Chinese title, published unless told otherwise.

    A published listing whose HS code the nomenclature does not know cannot be published
    today; it can still exist, because it was published before a nomenclature revision took
    its code away. Customs tests need such goods, so this builds that history: the listing is
    published as it was then, by moving its status directly.
    """
    known = bool(commodity_codes_known(codes=[hs_code]))
    extra.setdefault("translations", [TranslationRequest(Language.ZH_HANS, f"测试商品 {sku}")])
    created = product_create(
        merchant=merchant or trade.merchant,
        sku=sku,
        title=title or f"Test product {sku}",
        hs_code=hs_code,
        origin_country="BE",
        unit_price=Decimal(unit_price),
        currency=currency,
        stock=stock,
        weight_kg=Decimal(weight_kg),
        status=status if known else ProductStatus.DRAFT,
        **extra,
    )
    if status == ProductStatus.PUBLISHED and not known:
        Product.objects.filter(pk=created.pk).update(status=ProductStatus.PUBLISHED)
        created.refresh_from_db()
    return created


def place(
    trade: Trade,
    *,
    lines: list[tuple[str, int]] | None = None,
    reference: str | None = None,
    airport: str = "HGH",
    country: str = "CN",
    presentment_currency: str | None = None,
    buyer_id_number: str | None = None,
) -> Order:
    """An order with the trade's merchant; an order to China gets a new buyer (a valid ID
    number of their own, so no test runs into another's CBEC allowance) unless told."""
    if buyer_id_number is None and country == "CN":
        buyer_id_number = resident_id()
    if Airport.objects.filter(iata=airport).exists():
        hub_freight_rate(airport)
    return order_place(
        marketplace=trade.marketplace,
        reference=reference or f"MP-{next(_references):06d}",
        merchant_slug=trade.merchant.slug,
        payment_provider_slug=trade.provider.slug,
        buyer_name="Li Wei",
        buyer_id_number=buyer_id_number,
        destination_country=country,
        destination_airport=airport,
        currency="EUR",
        presentment_currency=presentment_currency,
        lines=[OrderLineRequest(sku=sku, quantity=q) for sku, q in (lines or [("PRL-250", 2)])],
    )


def buyer_id_of(order: Order) -> str | None:
    """The buyer's ID number in the clear, as the payment provider knows it."""
    checkout = Checkout.objects.filter(orders__pk=order.pk).first()
    return unseal(checkout.buyer_id_encrypted) if checkout and checkout.buyer_id_encrypted else None


def pay(trade: Trade, order: Order, *, transaction_id: str | None = None) -> Order:
    """The buyer pays in full; the provider names the payer (the buyer) as CBEC requires."""
    confirmation = payment_confirm(
        provider=trade.provider,
        order_id=order.pk,
        transaction_id=transaction_id or f"TX-{order.reference}",
        amount=order.amount_due,
        currency=order.currency,
        payer_name="Li Wei",
        payer_id_number=buyer_id_of(order),
    )
    return confirmation.order


def declaration_of(order: Order) -> Declaration:
    return Declaration.objects.get(order_id=order.pk)


def clear(order: Order) -> Declaration:
    """Run the automatic clearance the Celery job would run."""
    return declaration_clear(declaration_id=declaration_of(order).pk)


def shipment_of(order: Order) -> Shipment:
    return Shipment.objects.get(order_id=order.pk)


def flight(
    trade: Trade,
    *,
    departs_in: timedelta = timedelta(days=1),
    cutoff_before: timedelta = timedelta(hours=4),
    capacity_kg: str = "1000",
    carrier: Organization | None = None,
    destination: Airport | None = None,
    now: datetime | None = None,
) -> Flight:
    departure = (now or timezone.now()) + departs_in
    return flight_schedule(
        carrier=carrier or trade.carrier,
        number=f"EW{next(_flight_numbers)}",
        destination=destination or trade.destination,
        departure_at=departure,
        cutoff_at=departure - cutoff_before,
        capacity_kg=Decimal(capacity_kg),
    )


def cleared_order(trade: Trade, **place_kwargs: object) -> Order:
    """An order whose goods customs released: it has a shipment waiting for a flight."""
    order = place(trade, **place_kwargs)  # type: ignore[arg-type]
    pay(trade, order)
    clear(order)
    order.refresh_from_db()
    return order


def held_with_question(trade: Trade, question: str) -> tuple[Order, InformationRequest]:
    """A paid order whose goods customs held (an HS code the nomenclature no longer has), and
    an officer's request for information about them."""
    product(trade, sku="OLD-CODE", hs_code="999999")
    order = place(trade, lines=[("OLD-CODE", 1)])
    pay(trade, order)
    clear(order)
    rfi = declaration_request_information(
        declaration=declaration_of(order),
        officer=staff_user(UserRole.OFFICER),
        reason_code="DOCUMENTS_MISSING",
        note=question,
    )
    return order, rfi
