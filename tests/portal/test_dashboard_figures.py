"""The merchant's dashboard figures: sales by month, orders by status and destination, top
products and revenue per week — its own orders only, one query per figure, drawn as charts
with the same figures in tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from logistics.services import airport_upsert
from marketplace.models import Order
from marketplace.portal import selectors
from marketplace.services import order_cancel, payment_confirm
from tests.marketplace.flows import Trade, buyer_id_of, organization, place, product

pytestmark = pytest.mark.django_db


def paid(trade: Trade, order: Order, at: datetime) -> Order:
    return payment_confirm(
        provider=trade.provider,
        order_id=order.pk,
        transaction_id=f"TX-{order.reference}",
        amount=order.amount_due,
        currency=order.currency,
        paid_at=at,
        payer_name="Li Wei",
        payer_id_number=buyer_id_of(order),
    ).order


@pytest.fixture
def sales(trade: Trade, rival: Trade) -> dict[str, Order]:
    """Two sales this month, one last month, one unpaid, one cancelled, and a rival's sale."""
    airport_upsert(
        iata="PVG",
        name="Shanghai Pudong",
        city="Shanghai",
        country="CN",
        timezone_name="Asia/Shanghai",
    )
    product(trade, sku="WAFFLE", unit_price="5.00")
    now = timezone.now()
    last_month = selectors.month_start(now) - timedelta(days=2)
    orders = {
        "this_a": paid(trade, place(trade, lines=[("PRL-250", 2)]), now),  # 49.00
        "this_b": paid(trade, place(trade, lines=[("WAFFLE", 3)], airport="PVG"), now),  # 15.00
        "last": paid(trade, place(trade, lines=[("WAFFLE", 1)]), last_month),  # 5.00
        "unpaid": place(trade, lines=[("WAFFLE", 10)]),
        "cancelled": place(trade, lines=[("WAFFLE", 20)], airport="PVG"),
        "rival": paid(rival, place(rival, lines=[("RIVAL-1", 4)]), now),
    }
    order_cancel(order=orders["cancelled"], reason="Buyer changed their mind")
    return orders


def test_sales_count_paid_orders_in_the_month_they_were_paid(trade: Trade, sales):
    [eur] = selectors.sales_by_month(merchant=trade.merchant, now=timezone.now())

    assert eur.currency == "EUR"
    assert eur.this_month == Decimal("64.00")
    assert eur.orders_this_month == 2
    assert eur.last_month == Decimal("5.00")
    assert eur.orders_last_month == 1


def test_orders_by_status_follow_the_orders_flow(trade: Trade, sales):
    counts = [(s.status, s.orders) for s in selectors.orders_by_status(merchant=trade.merchant)]

    assert counts == [("placed", 1), ("customs_submitted", 3), ("cancelled", 1)]


def test_top_products_rank_by_units_sold(trade: Trade, sales):
    top = selectors.top_products(merchant=trade.merchant)

    assert [(p.sku, p.units, p.revenue) for p in top] == [
        ("WAFFLE", 4, Decimal("20.00")),
        ("PRL-250", 2, Decimal("49.00")),
    ]


def test_revenue_per_week_has_twelve_weeks_with_zeros_and_this_weeks_sales(trade: Trade, sales):
    now = timezone.now()

    weeks = selectors.revenue_by_week(merchant=trade.merchant, currency="EUR", now=now)

    assert len(weeks) == 12
    assert weeks[-1].week == selectors.week_start(now)
    assert weeks[-1].revenue == Decimal("64.00")
    assert weeks[-1].orders == 2
    assert sum(w.revenue for w in weeks) == Decimal("69.00")
    assert all(w.week.weekday() == 0 and w.week.tzinfo is not None for w in weeks)


def test_orders_per_destination_leave_out_cancelled_orders(trade: Trade, sales):
    rows = selectors.orders_by_destination(merchant=trade.merchant)

    assert [(d.airport, d.orders) for d in rows] == [("HGH", 3), ("PVG", 1)]


def test_week_and_month_starts_are_utc_midnights():
    moment = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # a Sunday

    assert selectors.week_start(moment) == datetime(2026, 2, 23, tzinfo=UTC)
    assert selectors.month_start(moment) == datetime(2026, 3, 1, tzinfo=UTC)


def test_the_dashboard_draws_both_charts_with_their_figures_in_tables(
    trade: Trade, sales, merchant_client
):
    page = merchant_client.get("/").content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg" id="revenue-chart" role="img"' in page
    assert "Revenue per week in EUR, last 12 weeks" in page
    assert 'id="destination-chart"' in page
    assert 'aria-label="Revenue per week"' in page
    assert 'aria-label="Orders per destination"' in page
    assert "64.00 EUR" in page
    assert "last month 5.00 EUR" in page
    assert "Declared to customs" in page
    assert "L*** W***" in page
    assert "Li Wei" not in page
    assert sales["rival"].reference not in page
    assert "Rival waffles" not in page


def test_the_dashboard_costs_the_same_queries_with_more_orders(trade: Trade, merchant_client):
    paid(trade, place(trade), timezone.now())
    with CaptureQueriesContext(connection) as few:
        merchant_client.get("/")
    for _ in range(5):
        paid(trade, place(trade), timezone.now())

    with CaptureQueriesContext(connection) as many:
        merchant_client.get("/")

    assert len(many) == len(few)


def test_a_merchant_with_no_sales_sees_empty_figures_not_an_error(sign_in):
    newcomer = organization(OrganizationKind.MERCHANT)

    page = sign_in(newcomer).get("/").content.decode()

    assert "No paid order this month or last." in page
    assert "Nothing sold yet." in page
    assert 'id="revenue-chart"' in page
