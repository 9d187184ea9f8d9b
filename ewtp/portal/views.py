"""The portal's own pages. Each app adds its pages under its own `portal/` package."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ewtp.core import svg_charts
from ewtp.core.models import Organization, OrganizationKind, User
from marketplace.portal import selectors as portal
from marketplace.portal.orders import mask_name

RECENT = 8  # rows per dashboard table; the full lists live on the apps' own pages


def signed_in_user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def merchant_overview(merchant: Organization) -> dict[str, Any]:
    """What a merchant sees first: sales, where its orders stand and go, what sells best.
    Each figure is one aggregate query; each chart has its figures in a table beside it."""
    now = timezone.now()
    currency = portal.main_currency(merchant=merchant)
    weeks = portal.revenue_by_week(merchant=merchant, currency=currency, now=now)
    destinations = portal.orders_by_destination(merchant=merchant)
    return {
        "sales": portal.sales_by_month(merchant=merchant, now=now),
        "month": portal.month_start(now),
        "statuses": portal.orders_by_status(merchant=merchant),
        "top_products": portal.top_products(merchant=merchant),
        "listing_counts": portal.listing_counts(merchant=merchant),
        "currency": currency,
        "weeks": weeks,
        "revenue_chart": svg_charts.columns(
            chart_id="revenue-chart",
            title=f"Revenue per week in {currency}, last {len(weeks)} weeks",
            points=[(f"{w.week:%d %b}", w.revenue) for w in weeks],
            unit=f" {currency}",
            width=520,
            height=220,
        ),
        "recent_orders": [
            (order, mask_name(order.buyer_name))
            for order in portal.order_page_list(merchant=merchant)[:RECENT]
        ],
        "recent_listings": portal.listing_list(merchant=merchant)[:RECENT],
        "destinations": destinations,
        "destination_chart": svg_charts.horizontal_bars(
            chart_id="destination-chart",
            title="Orders per destination",
            rows=[(f"{d.airport}, {d.country}", d.orders) for d in destinations],
            width=520,
        ),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    organization = user.organization
    context: dict[str, Any] = {"organization": organization}
    if organization is not None and organization.kind == OrganizationKind.MERCHANT:
        context.update(merchant_overview(organization))
    return render(request, "portal/dashboard.html", context)
