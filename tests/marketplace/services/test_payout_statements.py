"""Monthly payout statements per merchant reconcile to the cent: lines sum to the totals, and
the totals are payments less refunds less commission and fees. Building is idempotent; a
closed statement never changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.core.models import OrganizationKind
from marketplace.models import Order, OrderStatus, Payment, PayoutLine, PayoutStatement, Refund
from marketplace.services import (
    merchant_commission_set,
    payout_statements_build,
    payout_statements_close_month,
    refund_record,
)
from marketplace.tasks import close_payout_statements
from tests.marketplace.flows import organization, pay, place, product

pytestmark = pytest.mark.django_db

D = Decimal
OCTOBER = date(2026, 10, 1)


def in_october(day: int) -> datetime:
    return datetime(2026, 10, day, 12, 0, tzinfo=UTC)


def paid_in(trade, lines, day: int) -> Order:
    order = pay(trade, place(trade, lines=lines))
    Payment.objects.filter(order=order).update(paid_at=in_october(day))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)  # arrange
    return order


def refund(trade, order, amount: str, tx: str, when: datetime) -> None:
    refund_record(
        provider=trade.provider,
        order_id=order.pk,
        transaction_id=tx,
        amount=D(amount),
        currency="EUR",
        reason="broken on arrival",
        refunded_at=when,
    )


@pytest.fixture
def october(trade, settings):
    settings.MARKETPLACE_COMMISSION_PERCENT = "7.50"
    settings.PAYMENT_FEE_PERCENT = "1.20"
    product(trade, sku="BONBON-9", unit_price="3.33")
    # Goods, each with 12.00 of freight (the minimum charge) and no taxes (no tariff line held).
    first = paid_in(trade, [("PRL-250", 3)], day=2)  # 73.50 + 12.00
    second = paid_in(trade, [("BONBON-9", 7)], day=15)  # 23.31 + 12.00
    third = paid_in(trade, [("PRL-250", 1), ("BONBON-9", 1)], day=31)  # 27.83 + 12.00
    refund(trade, second, "10.01", "RF-1", in_october(20))
    return first, second, third


def test_a_statement_reconciles_to_the_cent(trade, october):
    (statement,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER)

    lines = list(statement.lines.all())
    assert len(lines) == 3
    for total, field in [
        ("gross_captured", "captured"),
        ("withheld", "withheld"),
        ("refunds", "refunded"),
        ("commission", "commission"),
        ("payment_fees", "payment_fee"),
        ("net_payout", "net"),
    ]:
        assert getattr(statement, total) == sum(getattr(line, field) for line in lines)
    assert statement.gross_captured == D("160.64") == sum(p.amount for p in Payment.objects.all())
    # The freight is the carrier's: withheld, 3 x 12.00, and no commission is taken on it.
    assert statement.withheld == D("36.00")
    assert statement.refunds == D("10.01") == sum(r.amount for r in Refund.objects.all())
    # 7.5 % per order of the goods it kept: 5.51 + 1.00 + 2.09 (each rounded half-up)
    assert statement.commission == D("8.60")
    # 1.2 % of each capture: 1.03 (of 85.50) + 0.42 (of 35.31) + 0.48 (of 39.83)
    assert statement.payment_fees == D("1.93")
    assert statement.net_payout == D("104.10")
    assert statement.net_payout == (
        statement.gross_captured
        - statement.withheld
        - statement.refunds
        - statement.commission
        - statement.payment_fees
    )
    assert [(line.gross_goods, line.merchant_discount) for line in lines] == [
        (D("73.50"), D("0.00")),
        (D("23.31"), D("0.00")),
        (D("27.83"), D("0.00")),
    ]
    assert {line.exchange_rate for line in lines} == {D("1")}
    assert statement.commission_rate_percent == D("7.50")


def test_building_again_changes_nothing(trade, october):
    (first,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER)
    line_ids = set(PayoutLine.objects.values_list("pk", flat=True))

    (again,) = payout_statements_build(merchant=trade.merchant, month=date(2026, 10, 17))

    assert again.pk == first.pk
    assert again.built_at == first.built_at
    assert set(PayoutLine.objects.values_list("pk", flat=True)) == line_ids
    assert PayoutStatement.objects.count() == 1


def test_an_open_statement_follows_new_money_and_a_closed_one_never_changes(trade, october):
    first, *_ = october
    payout_statements_build(merchant=trade.merchant, month=OCTOBER)
    refund(trade, first, "3.50", "RF-2", in_october(30))

    (updated,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER, close=True)
    refund(trade, first, "5.00", "RF-3", in_october(31))
    (closed,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER)

    assert updated.refunds == D("13.51")
    assert closed.status == "closed"
    assert (closed.refunds, closed.net_payout) == (updated.refunds, updated.net_payout)


def test_a_merchants_own_commission_rate_applies(trade, october):
    merchant_commission_set(merchant=trade.merchant, rate_percent=D("10.00"))

    (statement,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER)

    assert statement.commission_rate_percent == D("10.00")
    assert statement.commission == D("7.35") + D("1.33") + D("2.78")


def test_a_bad_commission_rate_is_refused(trade):
    with pytest.raises(DomainError) as refused:
        merchant_commission_set(merchant=trade.merchant, rate_percent=D("100.01"))

    assert (refused.value.code, refused.value.field) == ("commission_rate_invalid", "rate_percent")


def test_a_month_not_over_cannot_be_closed(trade):
    with pytest.raises(DomainError) as refused:
        payout_statements_build(merchant=trade.merchant, month=date(2999, 1, 1), close=True)

    assert refused.value.code == "payout_month_not_over"


def test_the_month_job_closes_every_merchant_paid_in_it(trade, october):
    organization(OrganizationKind.MERCHANT)  # sold nothing in October: no statement

    closed = payout_statements_close_month(month=OCTOBER)
    again = payout_statements_close_month(month=OCTOBER)

    assert closed == again == 1
    assert PayoutStatement.objects.get().status == "closed"


def test_the_beat_task_closes_last_month(trade):
    last_month = (timezone.now().date().replace(day=1) - timedelta(days=1)).replace(day=1)
    order = pay(trade, place(trade))
    Payment.objects.filter(order=order).update(
        paid_at=datetime(last_month.year, last_month.month, 9, tzinfo=UTC)
    )

    assert close_payout_statements.apply().get() == 1
    statement = PayoutStatement.objects.get()
    assert (statement.month, statement.status) == (last_month, "closed")


def test_the_command_builds_and_closes(trade, october):
    out = StringIO()

    call_command(
        "build_payout_statements", "2026-10", "--merchant", trade.merchant.slug, stdout=out
    )
    call_command("build_payout_statements", "2026-10", "--close", stdout=out)

    assert "net 104.10 (open)" in out.getvalue()
    assert "1 statement(s) of 2026-10 closed." in out.getvalue()
    with pytest.raises(CommandError):
        call_command("build_payout_statements", "October")


def test_a_refund_that_makes_the_buyer_whole_gives_the_withheld_freight_back(trade, settings):
    settings.MARKETPLACE_COMMISSION_PERCENT = "10.00"
    settings.PAYMENT_FEE_PERCENT = "0.00"
    order = paid_in(trade, [("PRL-250", 2)], day=3)  # 49.00 of goods + 12.00 of freight
    (before,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER, close=True)

    refund(trade, order, "61.00", "RF-ALL", datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
    (november,) = payout_statements_build(merchant=trade.merchant, month=date(2026, 11, 1))

    # October: 61.00 captured, 12.00 withheld, 4.90 commission on the goods: 44.10 paid out.
    assert (before.gross_captured, before.withheld, before.commission, before.net_payout) == (
        D("61.00"),
        D("12.00"),
        D("4.90"),
        D("44.10"),
    )
    # November: all 61.00 back to the buyer; the 12.00 was never the carrier's after all, and
    # the commission comes back: -61.00 + 12.00 + 4.90 = -44.10, what October paid out.
    (line,) = november.lines.all()
    assert (line.captured, line.withheld, line.refunded, line.commission) == (
        D("0.00"),
        D("-12.00"),
        D("61.00"),
        D("-4.90"),
    )
    assert november.net_payout == D("-44.10") == -before.net_payout
    before.refresh_from_db()
    assert before.net_payout == D("44.10")  # closed: never changes
