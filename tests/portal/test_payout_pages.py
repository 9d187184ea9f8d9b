"""The merchant's payout statements in the portal: the month's totals, then order by order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from marketplace.models import Order, OrderStatus, Payment, PayoutStatement
from marketplace.services import payout_statements_build
from tests.marketplace.flows import Trade, pay, place

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)
URL = "/marketplace/payouts/"


def october_statement(trade: Trade, settings) -> PayoutStatement:
    settings.MARKETPLACE_COMMISSION_PERCENT = "7.50"
    settings.PAYMENT_FEE_PERCENT = "1.20"
    order = pay(trade, place(trade, lines=[("PRL-250", 3)], reference="MP-OCT-1"))
    Payment.objects.filter(order=order).update(paid_at=datetime(2026, 10, 2, 12, tzinfo=UTC))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)  # arrange
    (statement,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER)
    return statement


def test_the_list_shows_each_months_totals(trade: Trade, merchant_client: Client, settings):
    statement = october_statement(trade, settings)

    page = merchant_client.get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "October 2026" in html
    assert f"{statement.net_payout} EUR" in html
    assert f'href="{URL}{statement.pk}/"' in html
    assert 'aria-current="page">Payouts' in html


def test_the_detail_reconciles_order_by_order(trade: Trade, merchant_client: Client, settings):
    statement = october_statement(trade, settings)
    [line] = statement.lines.all()

    page = merchant_client.get(f"{URL}{statement.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-order="MP-OCT-1"' in html
    # 3 x 24.50 of goods + 12.00 of freight captured; the freight withheld; 7.5 % commission
    # on the goods 5.51; 1.2 % fee on the capture 1.03
    for figure in ("85.50", "73.50", "12.00", "5.51", "1.03"):
        assert f">{figure}<" in html
    assert f"{line.net}" in html
    assert f"{statement.net_payout} EUR" in html
    assert f"{line.presentment_currency} ({line.exchange_rate}," in html


def test_another_merchants_statement_is_not_found(trade: Trade, rival: Trade, sign_in, settings):
    statement = october_statement(trade, settings)

    response = sign_in(rival.merchant).get(f"{URL}{statement.pk}/")

    assert response.status_code == 404
    assert sign_in(rival.merchant).get(URL).content.decode().count("data-month=") == 0


def test_signed_out_visitors_are_sent_to_sign_in(client: Client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_no_statement_yet_says_when_the_first_comes(merchant_client: Client):
    assert "No statements yet" in merchant_client.get(URL).content.decode()
