"""The daily certificate check: lapsed required certificates take listings off sale, and
merchants hear 30 days ahead that a certificate is about to lapse."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ewtp.events.bus import publish
from marketplace.events import CERTIFICATE_EXPIRING, certificate_expiring_data
from marketplace.models import Product, ProductCertificate, ProductStatus
from marketplace.services.product_details import certifications_refresh
from marketplace.services.products import product_unpublish

logger = logging.getLogger(__name__)

WARN_AHEAD = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class CertificateCheck:
    unpublished: int
    warned: int


def certificates_check(*, today: date | None = None) -> CertificateCheck:
    """Run the day's check; running it twice on a day changes nothing more. Each listing is
    handled in its own transaction, so one failure does not undo the others."""
    today = today or timezone.localdate()
    lapsed = (
        Product.objects.filter(
            status=ProductStatus.PUBLISHED,
            certificates__required=True,
            certificates__valid_until__lt=today,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    unpublished = 0
    for product_id in list(lapsed):
        unpublished += int(_unpublish_lapsed(product_id=product_id, today=today))
    warned = 0
    due = ProductCertificate.objects.filter(
        expiry_warned_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + WARN_AHEAD,
    ).exclude(product__status=ProductStatus.ARCHIVED)
    for certificate_id in list(due.values_list("pk", flat=True)):
        warned += int(_warn_expiring(certificate_id=certificate_id))
    with transaction.atomic():
        certifications_refresh(today=today)
    logger.info("certificate check %s: %d unpublished, %d warned", today, unpublished, warned)
    return CertificateCheck(unpublished=unpublished, warned=warned)


@transaction.atomic
def _unpublish_lapsed(*, product_id: uuid.UUID, today: date) -> bool:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None or product.status != ProductStatus.PUBLISHED:
        return False  # changed since the list was read
    lapsed = ProductCertificate.objects.filter(
        product=product, required=True, valid_until__lt=today
    ).order_by("valid_until")
    first = lapsed.first()
    if first is None:
        return False
    product_unpublish(
        product=product,
        reason=(
            f"Required certificate {first.get_kind_display()} {first.number} "
            f"expired on {first.valid_until.isoformat()}."
        ),
    )
    return True


@transaction.atomic
def _warn_expiring(*, certificate_id: uuid.UUID) -> bool:
    certificate = (
        ProductCertificate.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("product__merchant")
        .filter(pk=certificate_id, expiry_warned_at__isnull=True)
        .first()
    )
    if certificate is None:
        return False  # warned by a concurrent run
    publish(
        type=CERTIFICATE_EXPIRING,
        data=certificate_expiring_data(certificate),
        recipients=[certificate.product.merchant],
    )
    certificate.expiry_warned_at = timezone.now()
    certificate.save(update_fields=["expiry_warned_at"])
    return True
