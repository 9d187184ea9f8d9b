"""Trade statistics for platform staff: GMV by origin country, destination, HS chapter and
month. One aggregate query per breakdown.

GMV is the value of the goods of orders that were paid and not since cancelled or refused by
customs (paid, declared, cleared, held, handed to logistics, delivered), in euros: the sum of
their lines' totals, which add up to the orders' totals. A line in euros counts as it is; a
line shown to the buyer in euros counts its presentment total (converted at the rate stored on
the order); any other line is divided by the ECB euro rate of its currency on the day of the
rate stored on the order (the last one published by then). Amounts are summed unrounded and
each total is rounded half-up to the cent. Months are UTC months of payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Substr, TruncMonth

from ewtp.core.money import round_half_up
from marketplace.models import EURO, ExchangeRate, OrderLine, OrderStatus

GMV_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.CUSTOMS_SUBMITTED,
    OrderStatus.CLEARED,
    OrderStatus.HELD,
    OrderStatus.HANDED_TO_LOGISTICS,
    OrderStatus.DELIVERED,
)
DIMENSIONS = ("origin", "destination", "hs_chapter", "month")


@dataclass(frozen=True, slots=True)
class GmvRow:
    key: str  # a country, a 2-digit HS chapter, or a month as YYYY-MM
    orders: int
    gmv_eur: Decimal


def _line_in_euros() -> Case:
    ecb_rate = (
        ExchangeRate.objects.filter(
            currency=OuterRef("order__currency"), date__lte=OuterRef("exchange_rate_date")
        )
        .order_by("-date")
        .values("rate")[:1]
    )
    return Case(
        When(order__currency=EURO, then=F("line_total")),
        When(order__presentment_currency=EURO, then=F("presentment_line_total")),
        default=F("line_total") / Subquery(ecb_rate),
        output_field=DecimalField(max_digits=30, decimal_places=10),
    )


def _counted_lines() -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__status__in=GMV_STATUSES)


def _rows(grouped: QuerySet[Any, Any], key: str) -> list[GmvRow]:
    rows = grouped.annotate(
        orders=Count("order", distinct=True), gmv=Sum(_line_in_euros())
    ).order_by(key)
    return [
        GmvRow(
            key=row[key] if isinstance(row[key], str) else f"{row[key]:%Y-%m}",
            orders=row["orders"],
            gmv_eur=round_half_up(row["gmv"] or Decimal(0)),
        )
        for row in rows
    ]


def gmv_by_origin() -> list[GmvRow]:
    return _rows(_counted_lines().values("origin_country"), "origin_country")


def gmv_by_destination() -> list[GmvRow]:
    return _rows(
        _counted_lines().values("order__destination_country"), "order__destination_country"
    )


def gmv_by_hs_chapter() -> list[GmvRow]:
    lines = _counted_lines().annotate(chapter=Substr("hs_code", 1, 2))
    return _rows(lines.values("chapter"), "chapter")


def gmv_by_month() -> list[GmvRow]:
    lines = _counted_lines().annotate(month=TruncMonth("order__paid_at", tzinfo=UTC))
    return _rows(lines.values("month"), "month")


BREAKDOWNS = {
    "origin": ("Origin country", gmv_by_origin),
    "destination": ("Destination country", gmv_by_destination),
    "hs_chapter": ("HS chapter", gmv_by_hs_chapter),
    "month": ("Month of payment (UTC)", gmv_by_month),
}
