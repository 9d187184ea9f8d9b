"""The merchant's listings in the portal: a filtered list, the create and edit forms, and the
publish / unpublish / archive buttons. Views parse the form and call the listing services; a
service's refusal is shown next to the field it names. Plain forms: no script needed."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization
from ewtp.portal.access import merchant_required
from marketplace import services
from marketplace.models import Language, Product, ProductStatus
from marketplace.portal import selectors
from marketplace.portal.forms import ListingFilterForm, ListingForm
from marketplace.portal.listing_page import REFUSED, edit_page, listing_or_404

PAGE_SIZE = 25


def _chinese_title(product: Product) -> str:
    return next((t.title for t in product.translations.all() if t.language == Language.ZH_HANS), "")


@merchant_required
@require_GET
def listing_list(request: HttpRequest, *, merchant: Organization) -> HttpResponse:
    filters = ListingFilterForm(request.GET)
    status, query = "", ""
    if filters.is_valid():
        status, query = filters.cleaned_data["status"], filters.cleaned_data["q"]
    listings = selectors.listing_list(merchant=merchant, status=status or None, query=query)
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "marketplace/portal/listings.html",
        {
            "filters": filters,
            "page": page,
            "kept_query": kept.urlencode(),
            "filtered": bool(status or query),
            "counts": selectors.listing_counts(merchant=merchant),
        },
    )


@merchant_required
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest, *, merchant: Organization) -> HttpResponse:
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        translations = (
            [services.TranslationRequest(Language.ZH_HANS, data["title_zh"])]
            if data["title_zh"]
            else []
        )
        try:
            product = services.product_create(
                merchant=merchant,
                sku=data["sku"],
                currency=data["currency"],
                translations=translations,
                **form.listing_values(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Listing {product.sku} saved as a draft.")
            return redirect("portal:listing-edit", product_id=product.pk)
    return render(
        request,
        "marketplace/portal/listing_form.html",
        {"form": form, "product": None},
        status=REFUSED if form.errors else 200,
    )


@merchant_required
@require_http_methods(["GET", "POST"])
def listing_edit(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)
    form = ListingForm(request.POST or None, product=product)
    if request.method == "POST" and form.is_valid():
        title_zh = form.cleaned_data["title_zh"]
        try:
            # The Chinese title first: a published listing must still be publishable after
            # the change, and the new title may be what makes it so. Both or neither.
            with transaction.atomic():
                if title_zh and title_zh != _chinese_title(product):
                    services.product_translation_set(
                        product=product, language=Language.ZH_HANS, title=title_zh
                    )
                changes = form.changes(product)
                if changes:
                    services.product_update(product=product, changes=changes)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Listing {product.sku} saved.")
            return redirect("portal:listing-edit", product_id=product.pk)
    return edit_page(request, product, form=form, status=REFUSED if form.errors else 200)


@merchant_required
@require_POST
def listing_publish(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)
    try:
        services.product_publish(product=product)
    except DomainError as error:
        # Show the listing as it is, with the refusal next to the field that must change.
        form = ListingForm(ListingForm.initial_from(product), product=product)
        form.is_valid()
        form.add_domain_error(error)
        messages.error(request, f"{product.sku} cannot be published yet: {error.detail}")
        return edit_page(request, product, form=form, status=error.status)
    messages.success(request, f"{product.sku} is published: buyers can order it now.")
    return redirect("portal:listing-edit", product_id=product.pk)


def _move(request: HttpRequest, product: Product, *, to: ProductStatus, done: str) -> HttpResponse:
    reason = str(request.POST.get("reason", ""))[:500]
    try:
        if to == ProductStatus.ARCHIVED:
            services.product_archive(product=product, reason=reason)
        else:
            services.product_unpublish(product=product, reason=reason)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, f"{product.sku} {done}.")
    return redirect("portal:listing-edit", product_id=product.pk)


@merchant_required
@require_POST
def listing_unpublish(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)
    return _move(request, product, to=ProductStatus.DRAFT, done="is off sale, back to draft")


@merchant_required
@require_POST
def listing_archive(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)
    return _move(request, product, to=ProductStatus.ARCHIVED, done="is archived")
