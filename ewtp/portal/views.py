"""The portal's own pages. Each app adds its pages under its own `portal/` package."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ewtp.core.models import Organization, OrganizationKind, User
from marketplace import selectors as marketplace
from marketplace.models import ProductStatus

RECENT = 8  # rows per dashboard table; the full lists live on the apps' own pages


def signed_in_user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def merchant_overview(merchant: Organization) -> dict[str, Any]:
    """What a merchant sees first: its listings and the orders placed with it."""
    products = marketplace.product_list(merchant=merchant).order_by("title")
    orders = marketplace.order_list(organization=merchant)
    return {
        "products": products[:RECENT],
        "product_count": products.count(),
        "published_count": products.filter(status=ProductStatus.PUBLISHED).count(),
        "orders": orders.order_by("-created_at")[:RECENT],
        "order_count": orders.count(),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    organization = user.organization
    context: dict[str, Any] = {"organization": organization}
    if organization is not None and organization.kind == OrganizationKind.MERCHANT:
        context.update(merchant_overview(organization))
    return render(request, "portal/dashboard.html", context)
