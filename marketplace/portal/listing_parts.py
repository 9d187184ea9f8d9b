"""The parts of a listing the merchant edits below its details: variants, quantity prices and
certificates. Each form posts to its own address and calls one service; a refusal re-shows the
listing page with the error next to the input it names, and nothing is written."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization
from ewtp.portal.access import merchant_required
from marketplace import selectors as marketplace
from marketplace import services
from marketplace.models import Product
from marketplace.portal.forms import CertificateForm, VariantForm, add_domain_error
from marketplace.portal.listing_page import (
    REFUSED,
    edit_page,
    listing_or_404,
    price_tier_formset,
    variant_change_form,
)


def _refused(request: HttpRequest, product: Product, **bound: Any) -> HttpResponse:
    return edit_page(request, product, status=REFUSED, parts=bound)


def _saved(request: HttpRequest, product: Product, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("portal:listing-edit", product_id=product.pk)


def _submit(
    request: HttpRequest,
    product: Product,
    form: forms.Form,
    *,
    bound_as: str,
    write: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """A part's form: valid, `write` calls its service and says what was done; refused (by
    the form or the service), the listing's page comes back with the form and its errors."""
    if form.is_valid():
        try:
            done = write(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _saved(request, product, done)
    return _refused(request, product, **{bound_as: form})


@merchant_required
@require_POST
def listing_variant_add(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)

    def write(data: dict[str, Any]) -> str:
        services.product_variant_create(
            product=product,
            sku=data["sku"],
            attributes=data["attributes"],
            unit_price=data["unit_price"],
            stock=data["stock"],
        )
        return f"Variant {data['sku']} added."

    form = VariantForm(request.POST, prefix="variant")
    return _submit(request, product, form, bound_as="variant_form", write=write)


@merchant_required
@require_POST
def listing_variant_change(
    request: HttpRequest, product_id: uuid.UUID, variant_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)
    try:
        variant = marketplace.variant_get(product=product, variant_id=variant_id)
    except NotFound:
        raise Http404("No such variant.") from None

    def write(data: dict[str, Any]) -> str:
        wanted = {name: data[name] for name in ("attributes", "unit_price", "stock")}
        changes = {name: v for name, v in wanted.items() if v != getattr(variant, name)}
        if changes:
            services.product_variant_update(variant=variant, changes=changes)
        return f"Variant {variant.sku} saved."

    form = variant_change_form(variant, request.POST)
    return _submit(request, product, form, bound_as=f"variant-{variant.pk}", write=write)


@merchant_required
@require_POST
def listing_price_tiers(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)
    formset = price_tier_formset(product, request.POST)
    if formset.is_valid():
        rows = [(form, form.tier()) for form in formset.forms]
        tiers = [tier for _, tier in rows if tier is not None]
        try:
            services.product_price_tiers_set(product=product, tiers=tiers)
        except DomainError as error:
            formset.add_domain_error(error, filled=[form for form, tier in rows if tier])
        else:
            count = len(tiers)
            return _saved(
                request,
                product,
                f"{count} quantity price{'s' if count != 1 else ''} saved."
                if count
                else "Quantity prices removed: every quantity sells at the unit price.",
            )
    return _refused(request, product, tier_formset=formset)


@merchant_required
@require_POST
def listing_certificate_add(
    request: HttpRequest, product_id: uuid.UUID, *, merchant: Organization
) -> HttpResponse:
    product = listing_or_404(merchant, product_id)

    def write(data: dict[str, Any]) -> str:
        services.product_certificate_add(
            product=product,
            kind=data["kind"],
            number=data["number"],
            issuer=data["issuer"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            required=data["required"],
        )
        return f"Certificate {data['number']} recorded."

    form = CertificateForm(request.POST, prefix="certificate")
    return _submit(request, product, form, bound_as="certificate_form", write=write)
