"""Listings move draft -> published -> archived (and back to draft when taken off sale). Only
an approved merchant publishes; China needs a Chinese title; the HS code must be known; a
required certificate must be valid."""

from __future__ import annotations

from datetime import date

import pytest

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from marketplace.models import ProductStatus, ProductStatusChange
from marketplace.services import (
    merchant_suspend,
    product_archive,
    product_certificate_add,
    product_publish,
    product_translation_set,
    product_unpublish,
    product_update,
)
from tests.marketplace.flows import organization, product

pytestmark = pytest.mark.django_db


def draft(trade, **kwargs):
    return product(trade, status=ProductStatus.DRAFT, **kwargs)


def test_publishing_a_draft_audits_the_move_and_tells_the_merchant(trade):
    listing = draft(trade, sku="NEW")

    published = product_publish(product=listing)

    assert published.status == ProductStatus.PUBLISHED
    change = ProductStatusChange.objects.get(product=listing)
    assert (change.from_status, change.to_status) == ("draft", "published")
    event = OutboxEvent.objects.filter(type="marketplace.listing.published").last()
    assert event is not None
    assert event.recipient_ids == [trade.merchant.pk]
    assert event.data["sku"] == "NEW"


def test_a_merchant_not_approved_cannot_publish(trade):
    applicant = organization(OrganizationKind.MERCHANT, approved=False)
    listing = draft(trade, sku="EARLY", merchant=applicant)

    with pytest.raises(PermissionDenied) as refused:
        product_publish(product=listing)

    assert (refused.value.status, refused.value.code) == (403, "merchant_not_approved")
    listing.refresh_from_db()
    assert listing.status == ProductStatus.DRAFT


def test_a_suspended_merchant_cannot_publish(trade):
    merchant_suspend(profile=trade.merchant.merchant_profile, by=None, reason="Unpaid fees")
    listing = draft(trade, sku="LATER")

    with pytest.raises(PermissionDenied) as refused:
        product_publish(product=listing)

    assert refused.value.code == "merchant_not_approved"


def test_no_chinese_title_no_sale_in_china(trade):
    listing = product(trade, sku="NO-ZH", status=ProductStatus.DRAFT, translations=[])

    with pytest.raises(DomainError) as refused:
        product_publish(product=listing)
    product_translation_set(product=listing, language="zh-Hans", title="比利时巧克力")
    published = product_publish(product=listing)

    assert (refused.value.status, refused.value.code, refused.value.field) == (
        422,
        "listing_missing_chinese_title",
        "translations.zh-Hans",
    )
    assert published.status == ProductStatus.PUBLISHED


def test_a_listing_for_europe_only_needs_no_chinese_title(trade):
    listing = product(
        trade, sku="EU-ONLY", status=ProductStatus.DRAFT, translations=[], markets=["FR", "NL"]
    )

    assert product_publish(product=listing).status == ProductStatus.PUBLISHED


def test_an_hs_code_outside_the_nomenclature_cannot_be_published(trade):
    listing = draft(trade, sku="ODD", hs_code="999999")

    with pytest.raises(DomainError) as refused:
        product_publish(product=listing)

    assert (refused.value.code, refused.value.field) == ("hs_code_unknown", "hs_code")


def test_a_required_certificate_must_be_valid_on_the_day(trade):
    listing = draft(trade, sku="CERT")
    product_certificate_add(
        product=listing,
        kind="gacc_registration",
        number="CBEL0001",
        issuer="GACC",
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 6, 30),
    )

    with pytest.raises(DomainError) as expired:
        product_publish(product=listing, today=date(2026, 7, 1))
    with pytest.raises(DomainError) as early:
        product_publish(product=listing, today=date(2025, 12, 31))
    published = product_publish(product=listing, today=date(2026, 6, 30))

    assert expired.value.code == early.value.code == "listing_certificate_invalid"
    assert published.status == ProductStatus.PUBLISHED


def test_a_published_listing_stays_publishable_when_changed(trade):
    listing = product(trade, sku="LIVE")

    with pytest.raises(DomainError) as refused:
        product_update(product=listing, changes={"hs_code": "999999"})

    assert refused.value.code == "hs_code_unknown"
    listing.refresh_from_db()
    assert listing.hs_code == "180690"


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (ProductStatus.DRAFT, product_unpublish),  # not on sale
        (ProductStatus.PUBLISHED, product_publish),  # already on sale
        (ProductStatus.ARCHIVED, product_publish),  # archived is final
        (ProductStatus.ARCHIVED, product_unpublish),
        (ProductStatus.ARCHIVED, product_archive),
    ],
)
def test_moves_outside_the_transition_table_are_409s(trade, start, move):
    listing = product(trade, sku="MOVE", status=ProductStatus.DRAFT)
    if start == ProductStatus.PUBLISHED:
        product_publish(product=listing)
    if start == ProductStatus.ARCHIVED:
        product_archive(product=listing)

    with pytest.raises(InvalidTransition) as refused:
        move(product=listing)

    assert (refused.value.status, refused.value.code) == (409, "listing_invalid_transition")
    listing.refresh_from_db()
    assert listing.status == start


def test_unpublish_then_archive_and_an_archived_listing_is_closed(trade):
    listing = product(trade, sku="OLD")

    product_unpublish(product=listing, reason="Out of season")
    product_archive(product=listing, reason="Discontinued")

    with pytest.raises(Conflict) as closed:
        product_update(product=listing, changes={"stock": 5})
    assert closed.value.code == "listing_archived"
    assert [
        (c.from_status, c.to_status, c.reason)
        for c in ProductStatusChange.objects.filter(product=listing)
    ] == [
        ("draft", "published", ""),
        ("published", "draft", "Out of season"),
        ("draft", "archived", "Discontinued"),
    ]
    assert [
        e.type
        for e in OutboxEvent.objects.filter(type__startswith="marketplace.listing.")
        if e.data["sku"] == "OLD"
    ] == [
        "marketplace.listing.published",
        "marketplace.listing.unpublished",
        "marketplace.listing.archived",
    ]
