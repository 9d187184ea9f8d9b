"""Reads of the exporter portal: the dashboard's figures and the filtered lists of listings and
orders. Every read is scoped to the merchant asking; each dashboard figure is one aggregate
query, so the dashboard costs the same with ten orders or a million."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek

from customs.selectors import commodity_codes_known
from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from marketplace import selectors as marketplace
from marketplace.models import (
    Language,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Product,
    ProductStatus,
)
from marketplace.selectors import Requirement

WEEKS = 12
TOP_PRODUCTS = 5
TOP_DESTINATIONS = 10
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
# Sales are orders the buyer paid that customs did not refuse and nobody cancelled: the money
# the merchant will be paid for. They count in the week and month they were paid (UTC).
NOT_SALES = (OrderStatus.CANCELLED, OrderStatus.REJECTED)


@dataclass(frozen=True, slots=True)
class MonthlySales:
    currency: str
    this_month: Decimal
    last_month: Decimal
    orders_this_month: int
    orders_last_month: int


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str
    label: str
    orders: int


@dataclass(frozen=True, slots=True)
class TopProduct:
    sku: str
    title: str
    units: int
    revenue: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class WeeklyRevenue:
    week: datetime  # Monday 00:00 UTC
    revenue: Decimal
    orders: int


@dataclass(frozen=True, slots=True)
class DestinationCount:
    country: str
    airport: str
    orders: int


def _sales(merchant: Organization) -> QuerySet[Order]:
    return Order.objects.filter(merchant=merchant, paid_at__isnull=False).exclude(
        status__in=NOT_SALES
    )


def month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def week_start(moment: datetime) -> datetime:
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def sales_by_month(*, merchant: Organization, now: datetime) -> list[MonthlySales]:
    """This calendar month's and last month's sales, one row per currency sold in."""
    this_month = month_start(now)
    last_month = month_start(this_month - timedelta(days=1))
    current = Q(paid_at__gte=this_month)
    previous = Q(paid_at__lt=this_month)
    rows = (
        _sales(merchant)
        .filter(paid_at__gte=last_month, paid_at__lte=now)
        .values("currency")
        .annotate(
            this_month=Coalesce(Sum("total", filter=current), ZERO),
            last_month=Coalesce(Sum("total", filter=previous), ZERO),
            orders_this_month=Count("id", filter=current),
            orders_last_month=Count("id", filter=previous),
        )
        .order_by("-this_month", "currency")
    )
    return [MonthlySales(**row) for row in rows]


def orders_by_status(*, merchant: Organization) -> list[StatusCount]:
    """How many of the merchant's orders are in each status, in the order's own flow order."""
    counts = dict(
        Order.objects.filter(merchant=merchant)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [
        StatusCount(status.value, str(status.label), counts[status.value])
        for status in OrderStatus
        if counts.get(status.value)
    ]


def top_products(*, merchant: Organization, limit: int = TOP_PRODUCTS) -> list[TopProduct]:
    """The listings that sold the most units, with what they brought in."""
    rows = (
        OrderLine.objects.filter(order__in=_sales(merchant))
        .values("product_id", "product__sku", "product__title", "order__currency")
        .annotate(units=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-units", "-revenue", "product__sku")[:limit]
    )
    return [
        TopProduct(
            sku=row["product__sku"],
            title=row["product__title"],
            units=row["units"],
            revenue=row["revenue"],
            currency=row["order__currency"],
        )
        for row in rows
    ]


def revenue_by_week(
    *, merchant: Organization, currency: str, now: datetime, weeks: int = WEEKS
) -> list[WeeklyRevenue]:
    """Sales in one currency per ISO week (Monday, UTC), the last `weeks` weeks up to this one,
    with the weeks that sold nothing as zeros so the chart's time axis has no gaps."""
    first = week_start(now) - timedelta(weeks=weeks - 1)
    rows = {
        row["week"]: row
        for row in _sales(merchant)
        .filter(currency=currency, paid_at__gte=first, paid_at__lte=now)
        .annotate(week=TruncWeek("paid_at", tzinfo=UTC))
        .values("week")
        .annotate(revenue=Sum("total"), orders=Count("id"))
    }
    result = []
    for i in range(weeks):
        week = first + timedelta(weeks=i)
        row = rows.get(week)
        result.append(
            WeeklyRevenue(
                week=week,
                revenue=row["revenue"] if row else Decimal("0.00"),
                orders=row["orders"] if row else 0,
            )
        )
    return result


def orders_by_destination(
    *, merchant: Organization, limit: int = TOP_DESTINATIONS
) -> list[DestinationCount]:
    """Where the merchant's orders go (cancelled ones excepted), busiest airport first."""
    rows = (
        Order.objects.filter(merchant=merchant)
        .exclude(status=OrderStatus.CANCELLED)
        .values("destination_country", "destination_airport")
        .annotate(n=Count("id"))
        .order_by("-n", "destination_airport")[:limit]
    )
    return [
        DestinationCount(row["destination_country"], row["destination_airport"], row["n"])
        for row in rows
    ]


# --- the listings and orders pages


def listing_list(
    *, merchant: Organization, status: str | None = None, query: str = ""
) -> QuerySet[Product]:
    """The merchant's listings, newest first, by status and by a piece of SKU or title."""
    products = marketplace.product_list(merchant=merchant).order_by("-created_at", "id")
    if status:
        products = products.filter(status=status)
    if query.strip():
        term = query.strip()
        products = products.filter(Q(sku__icontains=term) | Q(title__icontains=term))
    return products


def order_page_list(*, merchant: Organization, status: str | None = None) -> QuerySet[Order]:
    """The orders placed with the merchant, newest first."""
    return (
        marketplace.order_list(organization=merchant, status=status or None)
        .filter(merchant=merchant)
        .order_by("-created_at", "id")
    )


def order_status_history(*, order: Order) -> list[OrderStatusChange]:
    return list(order.status_changes.order_by("changed_at", "id"))


def main_currency(*, merchant: Organization) -> str:
    """The currency most of the merchant's sales are in: the one its revenue chart is drawn in."""
    row = (
        _sales(merchant)
        .values("currency")
        .annotate(n=Count("id"))
        .order_by("-n", "currency")
        .values_list("currency", flat=True)
        .first()
    )
    return row or "EUR"


def merchant_order_get(*, merchant: Organization, order_id: uuid.UUID) -> Order:
    """An order placed with this merchant; any other order is not found."""
    order = order_page_list(merchant=merchant).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def publish_checklist(*, product: Product, today: date) -> list[Requirement]:
    """What the publish service will check, item by item, so the merchant sees everything that
    is missing at once. The service stays the judge: it refuses with the first unmet rule."""
    languages = {t.language for t in product.translations.all()}
    for_china = "CN" in product.markets
    lapsed = [
        f"{c.get_kind_display()} {c.number}"
        for c in product.certificates.all()
        if c.required and not c.valid_from <= today <= c.valid_until
    ]
    known = bool(commodity_codes_known(codes=[product.hs_code]))
    return [
        Requirement(
            "merchant_approved",
            "Your company is approved to sell",
            marketplace.merchant_is_approved(merchant=product.merchant),
            "Publishing opens once the platform has approved your application.",
        ),
        Requirement(
            "hs_code_known",
            f"HS code {product.hs_code} is in the nomenclature",
            known,
            "" if known else "Check the code: customs does not know this subheading.",
        ),
        Requirement(
            "chinese_title",
            "A title in Simplified Chinese" + (" (selling in China)" if for_china else ""),
            not for_china or Language.ZH_HANS in languages,
            "Chinese buyers must be able to read what they buy.",
        ),
        Requirement(
            "certificates_valid",
            "Every required certificate is valid today",
            not lapsed,
            f"Not valid today: {', '.join(lapsed)}." if lapsed else "",
        ),
    ]


def listing_counts(*, merchant: Organization) -> dict[str, int]:
    """How many listings the merchant has in each status (one query)."""
    counts = dict(
        Product.objects.for_merchant(merchant)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status.value: counts.get(status.value, 0) for status in ProductStatus}
