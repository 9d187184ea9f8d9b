"""The daily certificate check, run with a chosen `today`: a lapsed required certificate
takes its listing off sale; merchants hear 30 days ahead, once."""

from __future__ import annotations

from datetime import date

import pytest

from ewtp.events.models import OutboxEvent
from marketplace.models import ProductStatus, ProductStatusChange
from marketplace.services import certificates_check, product_certificate_add, product_publish
from marketplace.tasks import certificates_check as certificates_check_task
from tests.marketplace.flows import product

pytestmark = pytest.mark.django_db

JAN_1 = date(2026, 1, 1)
JUN_30 = date(2026, 6, 30)


@pytest.fixture
def certified(trade):
    """A published listing whose required GACC registration is valid until 30 June 2026."""
    listing = product(trade, sku="PRL-CERT", status=ProductStatus.DRAFT)
    product_certificate_add(
        product=listing,
        kind="gacc_registration",
        number="CBEL0001",
        issuer="GACC",
        valid_from=JAN_1,
        valid_until=JUN_30,
    )
    return product_publish(product=listing, today=date(2026, 3, 1))


def expiring_events():
    return OutboxEvent.objects.filter(type="marketplace.certificate.expiring")


def test_nothing_happens_more_than_30_days_ahead(certified):
    result = certificates_check(today=date(2026, 5, 30))

    assert (result.unpublished, result.warned) == (0, 0)
    assert not expiring_events().exists()


def test_the_merchant_is_warned_30_days_ahead_once(certified, trade):
    first = certificates_check(today=date(2026, 5, 31))
    again = certificates_check(today=date(2026, 6, 1))

    assert (first.warned, again.warned) == (1, 0)
    event = expiring_events().get()
    assert event.recipient_ids == [trade.merchant.pk]
    assert event.data["valid_until"] == "2026-06-30"
    assert event.data["sku"] == "PRL-CERT"
    certified.refresh_from_db()
    assert certified.status == ProductStatus.PUBLISHED


def test_a_listing_stays_on_sale_on_the_last_valid_day(certified):
    assert certificates_check(today=JUN_30).unpublished == 0
    certified.refresh_from_db()
    assert certified.status == ProductStatus.PUBLISHED


def test_the_day_after_expiry_the_listing_goes_back_to_draft_with_the_reason(certified):
    result = certificates_check(today=date(2026, 7, 1))
    again = certificates_check(today=date(2026, 7, 2))

    assert (result.unpublished, again.unpublished) == (1, 0)
    certified.refresh_from_db()
    assert certified.status == ProductStatus.DRAFT
    change = ProductStatusChange.objects.filter(product=certified).last()
    assert change is not None
    assert change.to_status == ProductStatus.DRAFT
    assert "expired on 2026-06-30" in change.reason
    assert OutboxEvent.objects.filter(type="marketplace.listing.unpublished").count() == 1
    # the unpublished event tells the merchant; a lapsed certificate gets no late warning
    assert expiring_events().count() == 0


def test_an_optional_certificate_lapsing_does_not_unpublish(trade):
    listing = product(trade, sku="PRL-ORGANIC")
    product_certificate_add(
        product=listing,
        kind="organic",
        number="BE-BIO-01",
        issuer="Certisys",
        valid_from=JAN_1,
        valid_until=JUN_30,
        required=False,
    )

    result = certificates_check(today=date(2026, 8, 1))

    listing.refresh_from_db()
    assert result.unpublished == 0
    assert listing.status == ProductStatus.PUBLISHED
    assert listing.certifications == []


def test_the_beat_task_runs_the_check(certified, settings):
    assert "marketplace.certificates_check" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    # today is long after the certificate's 30 June 2026 expiry
    assert certificates_check_task.run() == {"unpublished": 1, "warned": 0}
