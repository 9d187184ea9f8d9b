"""Commission and payout statements: per merchant, per calendar month (UTC), per currency.

A statement counts money when it moved: payments captured in the month, refunds made in the
month (a refund of last month's order lowers this month's payout). The freight and import taxes
in a capture are withheld (they are the carrier's and customs'), and given back in the month a
refund makes the buyer whole; commission is on the goods only. Every amount is computed per
order line and rounded half-up to the cent there; the statement's totals are the sums of its
lines, so it reconciles to the cent by construction, and the database checks it does.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.money import round_half_up
from marketplace.models import (
    DiscountFunder,
    MerchantCommission,
    Order,
    OrderLine,
    OrderLineDiscount,
    Payment,
    PayoutLine,
    PayoutStatement,
    PayoutStatus,
    Refund,
)

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class _Figures:
    order: Order
    captured: Decimal
    gross_goods: Decimal
    merchant_discount: Decimal
    withheld: Decimal
    refunded: Decimal
    commission: Decimal
    payment_fee: Decimal
    presentment_currency: str
    exchange_rate: Decimal
    exchange_rate_date: date

    @property
    def net(self) -> Decimal:
        return self.captured - self.withheld - self.refunded - self.commission - self.payment_fee

    def matches(self, line: PayoutLine) -> bool:
        return (
            line.captured,
            line.gross_goods,
            line.merchant_discount,
            line.withheld,
            line.refunded,
            line.commission,
            line.payment_fee,
        ) == (
            self.captured,
            self.gross_goods,
            self.merchant_discount,
            self.withheld,
            self.refunded,
            self.commission,
            self.payment_fee,
        )


def commission_rate(*, merchant: Organization) -> Decimal:
    """The merchant's own rate if it has one, else the platform's, in percent."""
    own = MerchantCommission.objects.filter(merchant=merchant).first()
    return own.rate_percent if own else Decimal(settings.MARKETPLACE_COMMISSION_PERCENT)


@transaction.atomic
def merchant_commission_set(*, merchant: Organization, rate_percent: Decimal) -> MerchantCommission:
    """Give a merchant its own commission rate; statements built afterwards use it (closed ones
    never change)."""
    if merchant.kind != OrganizationKind.MERCHANT:
        raise DomainError("Only merchants pay commission.", code="not_a_merchant")
    if not (ZERO <= rate_percent <= HUNDRED) or rate_percent != round_half_up(rate_percent):
        raise DomainError(
            "A commission is 0 to 100 percent, to two decimals.",
            code="commission_rate_invalid",
            field="rate_percent",
        )
    commission, _ = MerchantCommission.objects.update_or_create(
        merchant=merchant, defaults={"rate_percent": rate_percent, "updated_at": timezone.now()}
    )
    return commission


def month_start(day: date) -> date:
    return day.replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = (
        datetime(month.year + 1, 1, 1, tzinfo=UTC)
        if month.month == 12
        else datetime(month.year, month.month + 1, 1, tzinfo=UTC)
    )
    return start, end


def _figures(*, merchant: Organization, month: date) -> dict[str, list[_Figures]]:
    """Each order's money in the month, by currency, in a stable order."""
    start, end = _bounds(month)
    captured: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    refunded: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        Payment.objects.filter(order__merchant=merchant, paid_at__gte=start, paid_at__lt=end)
        .values("order_id")
        .annotate(total=Sum("amount"))
    ):
        captured[row["order_id"]] = row["total"]
    for row in (
        Refund.objects.filter(order__merchant=merchant, refunded_at__gte=start, refunded_at__lt=end)
        .values("order_id")
        .annotate(total=Sum("amount"))
    ):
        refunded[row["order_id"]] = row["total"]
    order_ids = set(captured) | set(refunded)
    orders = Order.objects.filter(pk__in=order_ids).order_by("reference", "id")
    rates = {
        line.order_id: line
        for line in OrderLine.objects.filter(order__in=order_ids, line_number=1).only(
            "order_id", "exchange_rate", "exchange_rate_date"
        )
    }
    merchant_funded = {
        row["order_line__order_id"]: row["total"]
        for row in OrderLineDiscount.objects.filter(
            order_line__order__in=order_ids, funded_by=DiscountFunder.MERCHANT
        )
        .values("order_line__order_id")
        .annotate(total=Sum("amount"))
    }
    # The refund that made an order whole in the month gives the withheld freight and taxes back.
    made_whole = set(
        Refund.objects.filter(order__in=order_ids, refunded_at__gte=start, refunded_at__lt=end)
        .filter(order__refunded_total=F("order__amount_due"))
        .values_list("order_id", flat=True)
    )
    commission_percent = commission_rate(merchant=merchant)
    fee_percent = Decimal(settings.PAYMENT_FEE_PERCENT)
    by_currency: dict[str, list[_Figures]] = defaultdict(list)
    for order in orders:
        paid, back = captured[order.pk], refunded[order.pk]
        pass_through = order.freight + order.taxes
        withheld = (pass_through if paid else ZERO) - (
            pass_through if order.pk in made_whole else ZERO
        )
        by_currency[order.currency].append(
            _Figures(
                order=order,
                captured=paid,
                gross_goods=order.gross_goods if paid else ZERO,
                merchant_discount=merchant_funded.get(order.pk, ZERO) if paid else ZERO,
                withheld=withheld,
                refunded=back,
                # Commission is on the goods the merchant kept: not on freight and taxes, and a
                # refund gives its share back.
                commission=round_half_up((paid - withheld - back) * commission_percent / HUNDRED),
                # The provider's fee is on the capture and is not returned with a refund.
                payment_fee=round_half_up(paid * fee_percent / HUNDRED),
                presentment_currency=order.presentment_currency,
                exchange_rate=rates[order.pk].exchange_rate,
                exchange_rate_date=rates[order.pk].exchange_rate_date,
            )
        )
    return by_currency


def _totals(figures: list[_Figures]) -> dict[str, Decimal]:
    def total(name: str) -> Decimal:
        return sum((getattr(f, name) for f in figures), ZERO)

    return {
        "gross_captured": total("captured"),
        "withheld": total("withheld"),
        "refunds": total("refunded"),
        "commission": total("commission"),
        "payment_fees": total("payment_fee"),
        "net_payout": total("net"),
    }


def _unchanged(statement: PayoutStatement, figures: list[_Figures]) -> bool:
    lines = {line.order_id: line for line in statement.lines.all()}
    return len(lines) == len(figures) and all(
        f.order.pk in lines and f.matches(lines[f.order.pk]) for f in figures
    )


@transaction.atomic
def payout_statements_build(
    *, merchant: Organization, month: date, close: bool = False
) -> list[PayoutStatement]:
    """Build the merchant's statements of `month` (one per currency it was paid in), or bring
    them up to date. Idempotent: a run over the same payments and refunds writes nothing. A
    closed statement is final and is returned as it is; `close` closes them, once the month
    is over. Runs for one merchant are serialised by a lock on the merchant."""
    month = month_start(month)
    if close and _bounds(month)[1] > timezone.now():
        raise DomainError(
            f"{month:%Y-%m} is not over yet; its statements cannot be closed.",
            code="payout_month_not_over",
            field="month",
        )
    Organization.objects.select_for_update().filter(pk=merchant.pk).first()
    existing = {
        s.currency: s
        for s in PayoutStatement.objects.filter(merchant=merchant, month=month).prefetch_related(
            "lines"
        )
    }
    if any(s.status == PayoutStatus.CLOSED for s in existing.values()):
        return sorted(existing.values(), key=lambda s: s.currency)
    now = timezone.now()
    built: list[PayoutStatement] = []
    for currency, figures in sorted(_figures(merchant=merchant, month=month).items()):
        statement = existing.pop(currency, None)
        if statement is None or not _unchanged(statement, figures):
            statement = _write(
                statement, merchant=merchant, month=month, currency=currency, figures=figures
            )
        if close:
            statement.status = PayoutStatus.CLOSED
            statement.closed_at = now
            statement.save(update_fields=["status", "closed_at"])
        built.append(statement)
    for stale in existing.values():  # a currency with no money left in the month
        stale.delete()
    return built


def _write(
    statement: PayoutStatement | None,
    *,
    merchant: Organization,
    month: date,
    currency: str,
    figures: list[_Figures],
) -> PayoutStatement:
    values = _totals(figures) | {
        "commission_rate_percent": commission_rate(merchant=merchant),
        "payment_fee_percent": Decimal(settings.PAYMENT_FEE_PERCENT),
        "built_at": timezone.now(),
    }
    if statement is None:
        statement = PayoutStatement.objects.create(
            merchant=merchant, month=month, currency=currency, **values
        )
    else:
        for name, value in values.items():
            setattr(statement, name, value)
        statement.save()
        statement.lines.all().delete()
    PayoutLine.objects.bulk_create(
        PayoutLine(
            statement=statement,
            order=f.order,
            reference=f.order.reference,
            captured=f.captured,
            gross_goods=f.gross_goods,
            merchant_discount=f.merchant_discount,
            withheld=f.withheld,
            refunded=f.refunded,
            commission=f.commission,
            payment_fee=f.payment_fee,
            net=f.net,
            presentment_currency=f.presentment_currency,
            exchange_rate=f.exchange_rate,
            exchange_rate_date=f.exchange_rate_date,
        )
        for f in figures
    )
    return statement


def payout_statements_close_month(*, month: date) -> int:
    """Build and close `month`'s statements of every merchant paid or refunded in it, one
    transaction per merchant. Returns how many statements are closed."""
    start, end = _bounds(month_start(month))
    merchant_ids = set(
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end).values_list(
            "order__merchant_id", flat=True
        )
    ) | set(
        Refund.objects.filter(refunded_at__gte=start, refunded_at__lt=end).values_list(
            "order__merchant_id", flat=True
        )
    )
    closed = 0
    for merchant in Organization.objects.filter(pk__in=merchant_ids).order_by("slug"):
        closed += len(payout_statements_build(merchant=merchant, month=month, close=True))
    return closed
