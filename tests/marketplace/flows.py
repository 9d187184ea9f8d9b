"""Whole flows built from the real services, for tests of every app on the order's path.

Handlers run in-process in the publishing transaction, so an order that is paid really gets
its declaration, a released declaration really gets its shipment, and so on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from customs.models import Declaration
from customs.services import commodity_codes_load, declaration_clear
from ewtp.core.models import Organization, OrganizationKind, User
from ewtp.core.services import organization_get_or_create
from logistics.models import Airport, Flight, Shipment
from logistics.services import airport_upsert, flight_schedule
from marketplace.models import Order, Product, ProductStatus
from marketplace.services import OrderLineRequest, order_place, payment_confirm, product_create

_references = itertools.count(1)
_organizations = itertools.count(1)
_users = itertools.count(1)
_flight_numbers = itertools.count(100)


@dataclass
class Trade:
    """The partners of one order's journey."""

    marketplace: Organization
    merchant: Organization
    provider: Organization
    carrier: Organization
    destination: Airport


def organization(kind: str, slug: str | None = None) -> Organization:
    """A new organisation of this kind, made by the core service."""
    made, _ = organization_get_or_create(
        slug=slug or f"{kind.replace('_', '-')}-{next(_organizations)}", kind=kind
    )
    return made


def staff_user(role: str) -> User:
    """A member of staff with this role (an officer, say), signing in with no password."""
    return User.objects.create_user(
        username=f"staff-{next(_users)}", password=None, role=role, is_staff=True
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
) -> Product:
    return product_create(
        merchant=merchant or trade.merchant,
        sku=sku,
        title=f"Test product {sku}",
        hs_code=hs_code,
        origin_country="BE",
        unit_price=Decimal(unit_price),
        currency=currency,
        stock=stock,
        weight_kg=Decimal(weight_kg),
        status=status,
    )


def place(
    trade: Trade,
    *,
    lines: list[tuple[str, int]] | None = None,
    reference: str | None = None,
    airport: str = "HGH",
    country: str = "CN",
) -> Order:
    return order_place(
        marketplace=trade.marketplace,
        reference=reference or f"MP-{next(_references):06d}",
        merchant_slug=trade.merchant.slug,
        payment_provider_slug=trade.provider.slug,
        buyer_name="Li Wei",
        destination_country=country,
        destination_airport=airport,
        currency="EUR",
        lines=[OrderLineRequest(sku=sku, quantity=q) for sku, q in (lines or [("PRL-250", 2)])],
    )


def pay(trade: Trade, order: Order, *, transaction_id: str | None = None) -> Order:
    confirmation = payment_confirm(
        provider=trade.provider,
        order_id=order.pk,
        transaction_id=transaction_id or f"TX-{order.reference}",
        amount=order.total,
        currency=order.currency,
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
