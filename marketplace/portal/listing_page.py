"""The listing's page in the portal: its details form, its publish checklist and history, and
the forms of its parts (variants, quantity prices, certificates). Shared by the views that
post to it, so a refused form is re-shown on the same page with its errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from marketplace import selectors as marketplace
from marketplace.models import Product, ProductCertificate, ProductVariant
from marketplace.portal import selectors
from marketplace.portal.forms import (
    BasePriceTierFormSet,
    CertificateForm,
    ListingForm,
    PriceTierFormSet,
    VariantForm,
)
from marketplace.services.certificates import WARN_AHEAD

REFUSED = 422  # the form is re-shown with what to fix


@dataclass(frozen=True, slots=True)
class CertificateRow:
    certificate: ProductCertificate
    state: str  # valid | expiring | expired | not_yet_valid
    label: str


def listing_or_404(merchant: Organization, product_id: uuid.UUID) -> Product:
    try:
        return marketplace.product_get(merchant=merchant, product_id=product_id)
    except NotFound:
        raise Http404("No such listing.") from None


def certificate_rows(product: Product, *, today: date) -> list[CertificateRow]:
    """Each certificate with what it means today; the daily check warns 30 days ahead."""
    rows = []
    for certificate in sorted(product.certificates.all(), key=lambda c: c.valid_until):
        if certificate.valid_until < today:
            state, label = "expired", f"Expired on {certificate.valid_until:%-d %b %Y}"
        elif certificate.valid_from > today:
            state, label = "not_yet_valid", f"Valid from {certificate.valid_from:%-d %b %Y}"
        elif certificate.valid_until <= today + WARN_AHEAD:
            days = (certificate.valid_until - today).days
            state, label = "expiring", f"Expires in {days} day{'s' if days != 1 else ''}"
        else:
            state, label = "valid", f"Valid until {certificate.valid_until:%-d %b %Y}"
        rows.append(CertificateRow(certificate, state, label))
    return rows


def variant_change_form(variant: ProductVariant, data: Any = None) -> VariantForm:
    initial = {
        "sku": variant.sku,
        "attributes": VariantForm.attributes_text(variant.attributes),
        "unit_price": variant.unit_price,
        "stock": variant.stock,
    }
    return VariantForm(data, initial=initial, existing=True, prefix=f"variant-{variant.pk}")


def price_tier_formset(product: Product, data: Any = None) -> BasePriceTierFormSet:
    """The listing's tiers in quantity order, and two empty rows for more."""
    initial = [
        {"min_quantity": tier.min_quantity, "unit_price": tier.unit_price}
        for tier in sorted(product.price_tiers.all(), key=lambda t: t.min_quantity)
    ]
    formset = PriceTierFormSet(data, initial=initial, prefix="tiers")
    assert isinstance(formset, BasePriceTierFormSet)
    return formset


def parts_context(product: Product, bound: dict[str, Any]) -> dict[str, Any]:
    """The forms of the parts: fresh ones, except those in `bound` (re-shown with errors)."""
    return {
        "variant_forms": [
            (variant, bound.get(f"variant-{variant.pk}") or variant_change_form(variant))
            for variant in product.variants.all()
        ],
        "variant_form": bound.get("variant_form") or VariantForm(prefix="variant"),
        "tier_formset": bound.get("tier_formset") or price_tier_formset(product),
        "certificate_form": bound.get("certificate_form") or CertificateForm(prefix="certificate"),
        "certificate_rows": certificate_rows(product, today=timezone.localdate()),
    }


def edit_page(
    request: HttpRequest,
    product: Product,
    *,
    form: ListingForm | None = None,
    status: int = 200,
    parts: dict[str, Any] | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form or ListingForm(product=product),
        "product": product,
        "checklist": selectors.publish_checklist(product=product, today=timezone.localdate()),
        "history": list(product.status_changes.order_by("-changed_at", "-id")[:10]),
        **parts_context(product, parts or {}),
    }
    return render(request, "marketplace/portal/listing_form.html", context, status=status)
