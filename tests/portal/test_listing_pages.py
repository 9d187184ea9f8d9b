"""The listings pages: a merchant lists, creates, edits, publishes and archives its own listings
through the services, sees each refusal next to its field, and never reaches another's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ewtp.core.models import Organization, OrganizationKind
from marketplace.models import Product, ProductStatus, ProductStatusChange
from tests.factories import OrganizationFactory
from tests.marketplace.flows import Trade, organization, product

pytestmark = pytest.mark.django_db

LISTINGS = "/marketplace/listings/"
NEW = "/marketplace/listings/new/"


def listing_form(**changes: Any) -> dict[str, Any]:
    """A complete, valid listing as the form posts it."""
    return {
        "sku": "WFL-LIEGE-6",
        "title": "Liège waffles, pack of 6",
        "title_zh": "列日华夫饼 6个装",
        "description": "Pearl-sugar waffles baked in Liège.",
        "brand": "Maison Dandoy",
        "gtin": "",
        "category": "bakery",
        "hs_code": "180690",
        "national_code_cn": "",
        "national_code_eu": "",
        "origin_country": "be",
        "markets": "CN, HK",
        "unit_price": "12.90",
        "currency": "eur",
        "min_order_quantity": "2",
        "unit_of_measure": "pack",
        "stock": "300",
        "weight_kg": "0.420",
        "net_weight_kg": "0.360",
        "length_cm": "20.0",
        "width_cm": "12.0",
        "height_cm": "6.5",
    } | changes


def field_html(page: str, name: str) -> str:
    """The <input>, <select> or <textarea> tag of one form field."""
    match = re.search(rf'<(input|select|textarea)[^>]*name="{name}"[^>]*>', page)
    assert match, f"no input named {name}"
    return match.group(0)


def error_of(page: str, name: str) -> str:
    match = re.search(rf'<p class="field__error" id="id_{name}_error">([^<]*)</p>', page)
    assert match, f"no error shown for {name}"
    return match.group(1)


def assert_refused_in_place(page: str, name: str, message: str) -> None:
    """The error sits next to its input, and the input says so to assistive technology."""
    assert message in error_of(page, name)
    tag = field_html(page, name)
    assert 'aria-invalid="true"' in tag
    assert f"id_{name}_error" in tag


# --- the list


def test_the_list_shows_only_the_merchants_own_listings(
    trade: Trade, rival: Trade, merchant_client
):
    page = merchant_client.get(LISTINGS).content.decode()

    assert "Dark pralines, box of 20" in page
    assert "PRL-250" in page
    assert "Rival waffles" not in page


def test_the_list_filters_by_status_and_searches_sku_and_title(trade: Trade, merchant_client):
    product(trade, sku="BEER-TRIPEL", title="Tripel beer", status=ProductStatus.DRAFT)

    drafts = merchant_client.get(LISTINGS, {"status": "draft"}).content.decode()
    by_sku = merchant_client.get(LISTINGS, {"q": "beer-tri"}).content.decode()
    by_title = merchant_client.get(LISTINGS, {"q": "pralines"}).content.decode()

    assert "Tripel beer" in drafts
    assert "Dark pralines" not in drafts
    assert "Tripel beer" in by_sku
    assert "Dark pralines" not in by_sku
    assert "Dark pralines" in by_title
    assert "Tripel beer" not in by_title


def test_the_list_is_paginated_and_keeps_its_filters(trade: Trade, merchant_client):
    for n in range(26):
        product(trade, sku=f"BULK-{n:02d}", status=ProductStatus.DRAFT)

    first = merchant_client.get(LISTINGS, {"status": "draft"}).content.decode()
    second = merchant_client.get(LISTINGS, {"status": "draft", "page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert "status=draft&amp;page=2" in first
    assert "Page 2 of 2" in second
    assert second.count('<td class="mono"><a href="/marketplace/listings/') == 1


def test_an_unknown_status_filter_shows_everything_with_no_error(trade: Trade, merchant_client):
    response = merchant_client.get(LISTINGS, {"status": "sold-out"})

    assert response.status_code == 200
    assert "Dark pralines" in response.content.decode()


# --- create


def test_a_merchant_creates_a_draft_listing_through_the_form(trade: Trade, merchant_client):
    response = merchant_client.post(NEW, listing_form())

    created = Product.objects.get(merchant=trade.merchant, sku="WFL-LIEGE-6")
    assert response.status_code == 302
    assert response["Location"] == f"{LISTINGS}{created.pk}/"
    assert created.status == ProductStatus.DRAFT
    assert created.origin_country == "BE"
    assert created.currency == "EUR"
    assert created.markets == ["CN", "HK"]
    assert str(created.height_cm) == "6.5"
    assert created.translations.get(language="zh-Hans").title == "列日华夫饼 6个装"
    page = merchant_client.get(response["Location"]).content.decode()
    assert "Listing WFL-LIEGE-6 saved as a draft." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs_code", "1806", "An HS code is 6 digits."),
        ("unit_price", "0", "greater than or equal to 0.01"),
        ("title", "", "This field is required."),
        ("sku", "no spaces please", "Use letters, digits, dot, dash or underscore."),
        ("weight_kg", "heavy", "Enter a number."),
    ],
)
def test_a_malformed_field_is_refused_in_place_and_nothing_is_written(
    trade: Trade, merchant_client, field: str, value: str, message: str
):
    response = merchant_client.post(NEW, listing_form(**{field: value}))

    assert response.status_code == 422
    assert_refused_in_place(response.content.decode(), field, message)
    assert not Product.objects.filter(sku="WFL-LIEGE-6").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"gtin": "5410000000001"}, "gtin", "check digit"),
        ({"origin_country": "XX"}, "origin_country", "not an ISO 3166-1 alpha-2 country code"),
        ({"net_weight_kg": "0.500"}, "net_weight_kg", "at most the gross weight"),
        ({"markets": "CN, CN"}, "markets", "A market is named twice."),
        ({"national_code_cn": "2203000000"}, "national_code_cn", ""),
        ({"sku": "PRL-250"}, "sku", "already in use"),
    ],
)
def test_a_rule_the_service_enforces_is_shown_next_to_its_field(
    trade: Trade, merchant_client, changes: dict[str, str], field: str, message: str
):
    before = Product.objects.count()

    response = merchant_client.post(NEW, listing_form(**changes))

    assert response.status_code == 422
    assert_refused_in_place(response.content.decode(), field, message)
    assert Product.objects.count() == before


def test_every_input_of_the_listing_form_has_a_label(trade: Trade, merchant_client):
    page = merchant_client.get(NEW).content.decode()

    inputs = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert len(inputs) >= 20
    assert set(inputs) <= labelled


# --- edit and status moves


def test_a_merchant_edits_its_listing_and_only_changed_fields_are_sent(
    trade: Trade, merchant_client
):
    listing = Product.objects.get(sku="PRL-250")
    form = merchant_client.get(f"{LISTINGS}{listing.pk}/").context["form"]
    data = {
        name: form[name].value() or "" for name in form.fields if not form.fields[name].disabled
    }

    response = merchant_client.post(
        f"{LISTINGS}{listing.pk}/", data | {"stock": "42", "title_zh": "黑巧克力 20颗"}
    )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.stock == 42
    assert listing.status == ProductStatus.PUBLISHED
    assert listing.translations.get(language="zh-Hans").title == "黑巧克力 20颗"


def test_an_edit_the_service_refuses_is_shown_in_place_and_changes_nothing(
    trade: Trade, merchant_client
):
    listing = Product.objects.get(sku="PRL-250")
    form = merchant_client.get(f"{LISTINGS}{listing.pk}/").context["form"]
    data = {
        name: form[name].value() or "" for name in form.fields if not form.fields[name].disabled
    }

    response = merchant_client.post(
        f"{LISTINGS}{listing.pk}/", data | {"stock": "7", "hs_code": "999999"}
    )

    assert response.status_code == 422
    assert_refused_in_place(response.content.decode(), "hs_code", "not in the nomenclature")
    listing.refresh_from_db()
    assert (listing.stock, listing.hs_code) == (100, "180690")


def test_publishing_without_a_chinese_title_shows_the_checklist_and_the_refusal(
    trade: Trade, merchant_client
):
    draft = product(trade, sku="NEW-1", status=ProductStatus.DRAFT, translations=[])

    page = merchant_client.get(f"{LISTINGS}{draft.pk}/").content.decode()
    assert "checklist__item--open" in page
    assert "A title in Simplified Chinese (selling in China)" in page

    response = merchant_client.post(f"{LISTINGS}{draft.pk}/publish/")

    assert response.status_code == 422
    assert_refused_in_place(
        response.content.decode(), "title_zh", "needs a title in Simplified Chinese"
    )
    draft.refresh_from_db()
    assert draft.status == ProductStatus.DRAFT


def test_a_merchant_not_yet_approved_is_told_why_it_cannot_publish(sign_in):
    pending = organization(OrganizationKind.MERCHANT, approved=False)
    draft = Product.objects.create(
        merchant=pending,
        sku="P-1",
        title="Pralines",
        hs_code="180690",
        origin_country="BE",
        unit_price="5.00",
        currency="EUR",
        weight_kg="0.2",
    )

    response = sign_in(pending).post(f"{LISTINGS}{draft.pk}/publish/")

    assert response.status_code == 403
    assert "Only an approved merchant can publish listings." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProductStatus.DRAFT


def test_publish_unpublish_and_archive_move_the_listing_through_the_services(
    trade: Trade, merchant_client
):
    draft = product(trade, sku="NEW-2", status=ProductStatus.DRAFT)
    url = f"{LISTINGS}{draft.pk}/"

    assert merchant_client.post(f"{url}publish/")["Location"] == url
    draft.refresh_from_db()
    assert draft.status == ProductStatus.PUBLISHED

    merchant_client.post(f"{url}unpublish/", {"reason": "New recipe"})
    draft.refresh_from_db()
    assert draft.status == ProductStatus.DRAFT

    merchant_client.post(f"{url}archive/")
    draft.refresh_from_db()
    assert draft.status == ProductStatus.ARCHIVED
    assert list(
        ProductStatusChange.objects.filter(product=draft).values_list("to_status", "reason")
    ) == [("published", ""), ("draft", "New recipe"), ("archived", "")]
    page = merchant_client.get(url).content.decode()
    assert "This listing is archived" in page
    assert "New recipe" in page


def test_a_forbidden_move_is_a_message_not_an_error_page(trade: Trade, merchant_client):
    archived = product(trade, sku="OLD-1", status=ProductStatus.DRAFT)
    merchant_client.post(f"{LISTINGS}{archived.pk}/archive/")

    response = merchant_client.post(f"{LISTINGS}{archived.pk}/unpublish/", follow=True)

    assert "A listing that is archived cannot become draft." in response.content.decode()


def test_status_moves_need_a_post(trade: Trade, merchant_client):
    listing = Product.objects.get(sku="PRL-250")

    for action in ("publish", "unpublish", "archive"):
        assert merchant_client.get(f"{LISTINGS}{listing.pk}/{action}/").status_code == 405
    listing.refresh_from_db()
    assert listing.status == ProductStatus.PUBLISHED


# --- tenancy


@pytest.mark.parametrize("action", ["", "publish/", "unpublish/", "archive/"])
def test_another_merchants_listing_is_not_found(
    trade: Trade, rival: Trade, merchant_client, action: str
):
    theirs = Product.objects.get(sku="RIVAL-1")
    url = f"{LISTINGS}{theirs.pk}/{action}"

    response = merchant_client.post(url) if action else merchant_client.get(url)

    assert response.status_code == 404
    assert "belongs to another organisation" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == ProductStatus.PUBLISHED


def test_editing_another_merchants_listing_is_not_found_and_changes_nothing(
    trade: Trade, rival: Trade, merchant_client
):
    theirs = Product.objects.get(sku="RIVAL-1")

    response = merchant_client.post(f"{LISTINGS}{theirs.pk}/", listing_form(stock="1"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.stock == 100


@pytest.mark.parametrize("url", [LISTINGS, NEW, "/marketplace/orders/"])
def test_anonymous_visitors_are_sent_to_sign_in(db: None, url: str):
    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("url", [LISTINGS, NEW, "/marketplace/orders/"])
def test_people_of_other_kinds_of_organisation_are_refused(
    sign_in: Callable[[Organization | None], Client], url: str
):
    marketplace = OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE, name="Tmall Global")

    response = sign_in(marketplace).get(url)

    assert response.status_code == 403
    assert "These pages are for merchants" in response.content.decode()


def test_a_marketplace_user_cannot_create_a_listing(sign_in):
    marketplace = OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE)

    response = sign_in(marketplace).post(NEW, listing_form())

    assert response.status_code == 403
    assert not Product.objects.exists()
