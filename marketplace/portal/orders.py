"""The merchant's orders in the portal, each with where it stands at customs and in transit.
Read only: orders are placed and moved by marketplaces, customs and carriers, never here.
Customs and logistics are read through their own selectors, a page of orders at a time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from customs import selectors as customs
from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from ewtp.portal.access import merchant_required
from logistics import selectors as logistics
from marketplace.models import Order
from marketplace.portal import selectors
from marketplace.portal.forms import OrderFilterForm

if TYPE_CHECKING:  # read through customs' and logistics' selectors, named here for types only
    from customs.models import Declaration
    from logistics.models import Shipment

PAGE_SIZE = 25
# The declaration statuses (customs' words) where the merchant has something to learn or fix.
NEEDS_ATTENTION = frozenset({"held", "rejected"})


def mask_name(name: str) -> str:
    """A buyer's name as the merchant sees it: initials only. The merchant ships through the
    hub, never to the buyer's door, so the full name is of no use to it (PIPL: data minimised)."""
    words = name.split()
    return " ".join(f"{word[0]}***" for word in words) if words else "—"


@dataclass(frozen=True, slots=True)
class CustomsStatus:
    """A declaration as the merchant needs to read it: the status, and if it is held or
    refused, why (the officer's or the clearance job's reasons)."""

    declaration: Declaration | None
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return self.declaration is not None and self.declaration.status in NEEDS_ATTENTION


def customs_status(declaration: Declaration | None) -> CustomsStatus:
    if declaration is None or declaration.status not in NEEDS_ATTENTION:
        return CustomsStatus(declaration)
    decisions = sorted(declaration.decisions.all(), key=lambda d: d.decided_at)
    reasons = [d.reason for d in decisions[-1:] if d.reason]
    reasons += [
        str(r.get("detail") or r.get("code"))
        for r in declaration.assessment_reasons or []
        if isinstance(r, dict) and str(r.get("detail") or r.get("code")) not in reasons
    ]
    return CustomsStatus(declaration, reasons)


@dataclass(frozen=True, slots=True)
class OrderRow:
    order: Order
    buyer: str
    customs: CustomsStatus
    shipment: Shipment | None


@merchant_required
@require_GET
def order_list(request: HttpRequest, *, merchant: Organization) -> HttpResponse:
    filters = OrderFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    orders = selectors.order_page_list(merchant=merchant, status=status or None)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [order.pk for order in page]
    declarations = customs.declarations_by_order(organization=merchant, order_ids=ids)
    shipments = logistics.shipments_by_order(organization=merchant, order_ids=ids)
    rows = [
        OrderRow(
            order=order,
            buyer=mask_name(order.buyer_name),
            customs=customs_status(declarations.get(order.pk)),
            shipment=shipments.get(order.pk),
        )
        for order in page
    ]
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "marketplace/portal/orders.html",
        {"filters": filters, "page": page, "rows": rows, "kept_query": kept.urlencode()},
    )


@merchant_required
@require_GET
def order_detail(
    request: HttpRequest, order_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    try:
        order = selectors.merchant_order_get(merchant=merchant, order_id=order_id)
    except NotFound:
        raise Http404("No such order.") from None
    declaration = customs.declaration_list(organization=merchant, order_id=order.pk).first()
    shipment = (
        logistics.shipment_list(organization=merchant, order_id=order.pk)
        .select_related("house_waybill", "destination")
        .first()
    )
    events = logistics.tracking_timeline(shipment=shipment) if shipment is not None else []
    return render(
        request,
        "marketplace/portal/order_detail.html",
        {
            "order": order,
            "buyer": mask_name(order.buyer_name),
            "lines": list(order.lines.all()),
            "history": selectors.order_status_history(order=order),
            "customs": customs_status(declaration),
            "decisions": (
                sorted(declaration.decisions.all(), key=lambda d: d.decided_at)
                if declaration is not None
                else []
            ),
            "information_requests": (
                customs.information_requests_of(
                    organization=merchant, declaration_id=declaration.pk
                )
                if declaration is not None
                else []
            ),
            "shipment": shipment,
            "events": list(reversed(events)),
        },
    )
