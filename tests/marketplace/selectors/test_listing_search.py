"""Searching the listings on sale: full-text search with stemming per language, trigram
matching of partial words and Chinese, filters, facet counts and keyset paging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from customs.services import commodity_codes_load
from ewtp.core.errors import DomainError
from ewtp.core.models import OrganizationKind
from marketplace.models import Product, ProductStatus
from marketplace.selectors import ListingQuery, listing_search
from marketplace.services import (
    TranslationRequest,
    merchant_suspend,
    product_certificate_add,
)
from tests.marketplace.flows import organization, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(trade):
    commodity_codes_load(codes=[("190532", "Waffles and wafers")])
    swiss = organization(OrganizationKind.MERCHANT, "swiss-chocolate")
    pralines = product(
        trade,
        sku="PRL",
        title="Assorted pralines, box of 20",
        translations=[TranslationRequest("zh-Hans", "什锦果仁糖巧克力礼盒")],
        category="chocolate",
        unit_price="24.50",
    )
    product(
        trade,
        sku="BAR",
        title="Belgian dark chocolate bar",
        translations=[
            TranslationRequest("zh-Hans", "比利时黑巧克力"),
            TranslationRequest("fr", "Tablette de chocolat noir belge"),
        ],
        category="chocolate",
        unit_price="5.90",
    )
    product(
        trade,
        sku="WAFFLE",
        title="Liège sugar waffles, pack of 10",
        hs_code="190532",
        translations=[
            TranslationRequest("zh-Hans", "列日珍珠糖华夫饼"),
            TranslationRequest("fr", "Gaufres de Liège au sucre"),
        ],
        category="bakery",
        unit_price="12.90",
    )
    product(
        trade,
        sku="SWISS",
        title="Swiss milk chocolate",
        merchant=swiss,
        translations=[TranslationRequest("zh-Hans", "瑞士牛奶巧克力")],
        category="chocolate",
        unit_price="8.00",
    )
    Product.objects.filter(sku="SWISS").update(origin_country="CH")  # not a search field
    product(
        trade,
        sku="DRAFT",
        title="Chocolate draft",
        status=ProductStatus.DRAFT,
        category="chocolate",
    )
    product_certificate_add(
        product=pralines,
        kind="organic",
        number="BE-BIO-1",
        issuer="Certisys",
        valid_from=date(2025, 1, 1),
        valid_until=date(2099, 1, 1),
        required=False,
    )
    return {"swiss": swiss}


def skus(page):
    return [p.sku for p in page.results]


def search(**kwargs):
    return listing_search(query=ListingQuery(**kwargs))


def test_full_text_search_stems_english_words(catalogue):
    assert set(skus(search(text="chocolates"))) == {"BAR", "SWISS"}
    assert skus(search(text="praline")) == ["PRL"]


def test_french_words_match_the_french_translation_by_their_stem(catalogue):
    assert skus(search(text="gaufre")) == ["WAFFLE"]
    assert skus(search(text="tablettes chocolat")) == ["BAR"]


def test_a_chinese_substring_matches_by_trigrams(catalogue):
    assert skus(search(text="果仁糖")) == ["PRL"]
    assert set(skus(search(text="巧克力"))) == {"PRL", "BAR", "SWISS"}


def test_part_of_a_word_matches(catalogue):
    assert skus(search(text="prali")) == ["PRL"]
    assert skus(search(text="WAFF")) == ["WAFFLE"]


def test_drafts_and_suspended_merchants_are_never_found(catalogue):
    merchant_suspend(
        profile=catalogue["swiss"].merchant_profile, by=None, reason="Documents expired"
    )

    found = set(skus(search(text="chocolate")))

    assert "DRAFT" not in found
    assert "SWISS" not in found
    assert found == {"BAR"}
    assert skus(search(text="Chocolate draft")) == []


def test_filters_combine(catalogue, trade):
    assert skus(search(text="巧克力", origin="CH")) == ["SWISS"]
    assert set(skus(search(text="巧克力", price_max=Decimal("10")))) == {"BAR", "SWISS"}
    assert skus(search(text="chocolate", market="FR")) == []
    assert skus(search(text="巧克力", origin="BE", price_min=Decimal("10"))) == ["PRL"]
    assert skus(search(certification="organic")) == ["PRL"]
    assert skus(search(hs_chapter="19")) == ["WAFFLE"]
    assert set(skus(search(category="chocolate", merchant=trade.merchant.slug))) == {
        "PRL",
        "BAR",
    }
    assert skus(search(text="巧克力", price_max=Decimal("10"), currency="USD")) == []


def test_facets_count_every_match_by_category_origin_merchant_certification_and_price(
    catalogue, trade
):
    page = search(text="巧克力")

    facets = {f.name: {v.value: v.count for v in f.values} for f in page.facets or []}
    assert page.total == 3
    assert facets["category"] == {"chocolate": 3}
    assert facets["origin"] == {"BE": 2, "CH": 1}
    assert facets["merchant"] == {trade.merchant.slug: 2, "swiss-chocolate": 1}
    assert facets["certification"] == {"organic": 1}
    assert facets["price"] == {"EUR:0:10": 2, "EUR:10:25": 1}


def test_pages_follow_each_other_without_gaps_or_repeats_in_every_sort(catalogue):
    for sort, text in [
        ("newest", ""),
        ("price_asc", ""),
        ("price_desc", ""),
        ("relevance", "巧克力"),
    ]:
        seen: list[str] = []
        cursor = None
        while True:
            page = search(text=text, sort=sort, limit=2, cursor=cursor)
            seen += skus(page)
            assert page.facets is None or cursor is None
            cursor = page.next_cursor
            if cursor is None:
                break
        everything = skus(search(text=text, sort=sort, limit=100))
        assert seen == everything, sort
        assert len(set(seen)) == len(seen)
    prices = [p.unit_price for p in search(sort="price_asc").results]
    assert prices == sorted(prices)


def test_a_cursor_from_elsewhere_is_refused(catalogue):
    with pytest.raises(DomainError) as garbage:
        search(cursor="not-a-cursor")
    first = search(sort="newest", limit=1)
    with pytest.raises(DomainError) as other_sort:
        search(sort="price_asc", cursor=first.next_cursor)

    assert garbage.value.code == other_sort.value.code == "cursor_invalid"


def test_words_match_as_words_first_and_as_parts_of_words_only_when_no_word_matches(trade):
    product(trade, sku="TEA", title="Green tea, 20 bags")
    product(trade, sku="STEAK", title="Steak sauce")

    assert skus(search(text="tea")) == ["TEA"]  # not "sTEAk"
    assert skus(search(text="stea")) == ["STEAK"]
    assert skus(search(text="green zq")) == []  # "zq" is too short to look up inside words


def test_a_word_in_the_title_ranks_above_a_word_elsewhere_whatever_the_age(trade):
    product(trade, sku="IN-TITLE", title="Chocolate coins")
    product(trade, sku="IN-TEXT", title="Gift box", description="Contains chocolate coins")

    assert skus(search(text="chocolate")) == ["IN-TITLE", "IN-TEXT"]
    assert skus(search(text="chocolate", sort="newest")) == ["IN-TEXT", "IN-TITLE"]


def test_facet_counts_are_shared_for_a_minute_but_results_are_live(trade):
    product(trade, sku="A", title="Speculoos biscuits")
    first = search(text="speculoos")

    product(trade, sku="B", title="Speculoos spread")
    again = search(text="speculoos")
    cache.clear()
    fresh = search(text="speculoos")

    assert first.total == again.total == 1
    assert set(skus(again)) == {"A", "B"}
    assert fresh.total == 2
