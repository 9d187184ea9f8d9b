"""Before an order to China is accepted, customs' CBEC limits of the buyer are checked and the
buyer's annual quota is reserved; it is released when the order falls through and committed
when customs clears it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customs.buyer_ids import buyer_key
from customs.services import quota_reserve, quota_used, quota_year
from customs.services.tax_quotes import acceptance_date_at
from customs.taxes import Regime
from ewtp.core.errors import DomainError
from marketplace.models import Checkout, Order, OrderStatus, Product, QuotaState
from marketplace.services import order_cancel, order_clear, order_reject, orders_expire_unpaid
from tests.customs.tariffs import HEADER, import_tariff_text
from tests.marketplace.flows import pay, place, resident_id

pytestmark = pytest.mark.django_db

D = Decimal
BUYER = resident_id(777)


def used() -> Decimal:
    return quota_used(buyer_key=buyer_key(BUYER), year=quota_year())


@pytest.fixture
def tariff(trade):
    """Chocolate on China's CBEC positive list, so the quote assesses the limits."""
    import_tariff_text(f"{HEADER}\nCN,180690,Chocolate preparations,8,13,,yes\n")


def test_an_order_over_the_single_transaction_limit_is_refused(trade, tariff):
    # 30 x 24.50 EUR x 8 = 5,880 CNY: over CNY 5,000 and more than one piece.
    with pytest.raises(DomainError) as refused:
        place(trade, lines=[("PRL-250", 30)], buyer_id_number=BUYER)

    assert refused.value.status == 422
    assert (refused.value.code, refused.value.field) == ("CBEC_SINGLE_LIMIT_EXCEEDED", "lines")
    assert not Order.objects.exists()
    assert Product.objects.get(sku="PRL-250").stock == 100
    assert used() == D("0.00")


def test_an_order_over_what_is_left_of_the_annual_allowance_is_refused(trade, tariff):
    on = acceptance_date_at(Regime.CN_CBEC)
    quota_reserve(buyer_key=buyer_key(BUYER), amount=D("25800.00"), on=on, declaration_ref="old")

    with pytest.raises(DomainError) as refused:
        place(trade, lines=[("PRL-250", 2)], buyer_id_number=BUYER)  # 392 CNY

    assert (refused.value.status, refused.value.code, refused.value.field) == (
        422,
        "CBEC_ANNUAL_LIMIT_EXCEEDED",
        "buyer_id_number",
    )
    assert not Checkout.objects.exists()
    assert used() == D("25800.00")


def test_the_quota_ledger_refuses_it_too_when_the_tariff_cannot_say(trade):
    # No tariff line held: the quote cannot assess, the reservation still counts the year.
    on = acceptance_date_at(Regime.CN_CBEC)
    quota_reserve(buyer_key=buyer_key(BUYER), amount=D("25800.00"), on=on, declaration_ref="old")

    with pytest.raises(DomainError) as refused:
        place(trade, lines=[("PRL-250", 2)], buyer_id_number=BUYER)

    assert (refused.value.status, refused.value.code) == (422, "CBEC_ANNUAL_LIMIT_EXCEEDED")
    assert not Order.objects.exists()


def test_placing_reserves_the_value_in_yuan_and_keeps_the_rate(trade, tariff):
    order = place(trade, lines=[("PRL-250", 2)], buyer_id_number=BUYER)

    assert order.cny_rate == D("8.000000")
    assert order.cny_rate_date == date(2020, 1, 2)
    # 2 x 24.50 EUR x 8 = 392 CNY of goods + 12.00 EUR of air freight x 8 = 96 CNY: freight to
    # the port of entry is part of the dutiable value.
    assert order.cbec_value_cny == D("488.00")
    assert order.quota_state == QuotaState.RESERVED
    assert used() == D("488.00")


def test_cancelling_releases_the_quota_and_a_second_cancel_changes_nothing(trade):
    order = place(trade, buyer_id_number=BUYER)

    order_cancel(order=order, reason="buyer withdrew")

    order.refresh_from_db()
    assert order.quota_state == QuotaState.RELEASED
    assert used() == D("0.00")


def test_clearance_commits_the_quota(trade):
    order = pay(trade, place(trade, buyer_id_number=BUYER))

    order_clear(order_id=order.pk, reason="low risk")

    order.refresh_from_db()
    assert order.quota_state == QuotaState.COMMITTED
    assert used() == D("488.00")  # a commit keeps the amount used (goods and freight)


def test_a_refusal_by_customs_releases_the_quota(trade):
    order = pay(trade, place(trade, buyer_id_number=BUYER))

    order_reject(order_id=order.pk, reason="forged certificate")
    order_cancel(order=order, reason="refused entry")

    order.refresh_from_db()
    assert (order.status, order.quota_state) == (OrderStatus.CANCELLED, QuotaState.RELEASED)
    assert used() == D("0.00")


def test_expiry_releases_the_quota(trade):
    order = place(trade, buyer_id_number=BUYER)

    orders_expire_unpaid(now=timezone.now() + timedelta(hours=1))

    order.refresh_from_db()
    assert (order.status, order.quota_state) == (OrderStatus.EXPIRED, QuotaState.RELEASED)
    assert used() == D("0.00")
