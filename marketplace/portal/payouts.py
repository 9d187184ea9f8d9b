"""The merchant's payout statements in the portal: what each month paid out, and why, order by
order with the rate and fees used. Read only: statements are built by the monthly job."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from ewtp.portal.access import merchant_required
from marketplace.selectors import payout_statement_get, payout_statement_list

PAGE_SIZE = 12


@merchant_required
@require_GET
def payout_list(request: HttpRequest, *, merchant: Organization) -> HttpResponse:
    statements = payout_statement_list(merchant=merchant).order_by("-month", "currency")
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "marketplace/portal/payouts.html", {"page": page, "kept_query": ""})


@merchant_required
@require_GET
def payout_detail(
    request: HttpRequest, statement_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    try:
        statement = payout_statement_get(merchant=merchant, statement_id=statement_id)
    except NotFound:
        raise Http404("No such payout statement.") from None
    return render(
        request,
        "marketplace/portal/payout_detail.html",
        {"statement": statement, "lines": list(statement.lines.order_by("reference"))},
    )
