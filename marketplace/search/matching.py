"""What a search matches: the query's words and Chinese runs, the filters, listings on sale."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from marketplace.models import MerchantProfile, Product, ProductStatus
from marketplace.search.indexing import QUERY_CONFIGS

MAX_TERMS = 8
# Han, kana and hangul: scripts written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# Terms shorter than a trigram cannot use the trigram index as substrings.
MIN_SUBSTRING = 3


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """What a buyer asks for. Prices filter listings priced in `currency`."""

    text: str = ""
    origin: str | None = None
    merchant: str | None = None
    category: str | None = None
    certification: str | None = None
    hs_chapter: str | None = None
    market: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str = "EUR"
    sort: str | None = None
    limit: int = 20
    cursor: str | None = None
    facets: bool = True


@dataclass(frozen=True, slots=True)
class Terms:
    """A query's words: those of space-separated scripts, and runs of Chinese (or Japanese,
    Korean) text, which are matched as substrings."""

    words: tuple[str, ...]
    runs: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Terms:
        tokens = re.findall(r"\w+", text.lower())[:MAX_TERMS]
        return cls(
            words=tuple(t for t in tokens if not _CJK.search(t)),
            runs=tuple(t for t in tokens if _CJK.search(t)),
        )

    def __bool__(self) -> bool:
        return bool(self.words or self.runs)


# `search_vector @@ (to_tsquery('simple', q) || to_tsquery('english', q) || ...)`, written
# once: as SearchQuery objects the ORM spent more time compiling it than PostgreSQL running it.
_MATCHES_SQL = (
    f'"{Product._meta.db_table}"."search_vector" @@ ('
    + " || ".join(f"to_tsquery('{config}', %s)" for config in QUERY_CONFIGS)
    + ")"
)


def _has_words(words: Sequence[str], *, weight: str = "") -> Q:
    """All the words (AND), as each configuration reads them, OR-ed across configurations;
    with a weight, only where the text carries it (A: titles). Words are letters and digits
    only, so quoting them keeps to_tsquery's syntax out of the user's input."""
    raw = " & ".join(f"'{word}'{':' + weight if weight else ''}" for word in words)
    # S611: the SQL is the constant above; the words travel as parameters.
    matches = RawSQL(_MATCHES_SQL, [raw] * len(QUERY_CONFIGS), output_field=BooleanField())  # noqa: S611
    return Q(matches)


class TextMode:
    """How a query's words are matched: as whole words (full-text search), or, when no listing
    has them as words, as parts of words in the titles ("prali" finds "pralines")."""

    WORDS = "words"
    PARTS = "parts"


def _substrings(terms: Terms) -> Q:
    """Every word inside a title. Words shorter than a trigram cannot use the trigram index
    and match nothing as parts."""
    if any(len(word) < MIN_SUBSTRING for word in terms.words):
        return Q(pk__in=[])
    inside = Q()
    for word in terms.words:
        inside &= Q(search_titles__contains=word)
    return inside


def text_condition(terms: Terms, mode: str) -> Q:
    """The words (as words or as parts, by mode), and every Chinese run inside a title."""
    condition = Q()
    if terms.words:
        if mode == TextMode.WORDS:
            condition &= _has_words(terms.words)
        else:
            condition &= _substrings(terms)
    for run in terms.runs:
        condition &= Q(search_titles__contains=run)
    return condition


TITLE_TIER, TEXT_TIER, PARTS_TIER = 2, 1, 0


def relevance(terms: Terms, mode: str) -> Case | Value:
    """2: every word in a title; 1: the words elsewhere in the text (brand, description).
    Parts of words and Chinese runs are looked for in titles only: one tier, 0."""
    if not terms.words or mode == TextMode.PARTS:
        return Value(PARTS_TIER, output_field=IntegerField())
    return Case(
        When(_has_words(terms.words, weight="A"), then=Value(TITLE_TIER)),
        default=Value(TEXT_TIER),
        output_field=IntegerField(),
    )


def in_titles(terms: Terms, mode: str) -> Q | None:
    """The best tier's condition, when there are tiers."""
    if not terms.words or mode == TextMode.PARTS:
        return None
    return _has_words(terms.words, weight="A")


def _on_sale() -> QuerySet[Product]:
    approved = MerchantProfile.objects.approved().values("organization_id")
    return Product.objects.filter(status=ProductStatus.PUBLISHED, merchant_id__in=approved)


def listings_filtered(query: ListingQuery, mode: str | None = None) -> QuerySet[Product]:
    """Listings on sale matching the query's text and filters, unordered. Without a mode, the
    words are matched as words if any listing that passes the filters has them, else as parts
    of words."""
    terms = Terms.of(query.text)
    if mode is None:
        mode = text_mode(query)
    listings = _filters(_on_sale(), query)
    return listings.filter(text_condition(terms, mode)) if terms else listings


def text_mode(query: ListingQuery) -> str:
    terms = Terms.of(query.text)
    if not terms.words:
        return TextMode.WORDS
    as_words = _filters(_on_sale(), query).filter(text_condition(terms, TextMode.WORDS))
    return TextMode.WORDS if as_words.exists() else TextMode.PARTS


def _filters(listings: QuerySet[Product], query: ListingQuery) -> QuerySet[Product]:
    if query.origin:
        listings = listings.filter(origin_country=query.origin)
    if query.merchant:
        listings = listings.filter(merchant__slug=query.merchant)
    if query.category:
        listings = listings.filter(category=query.category)
    if query.certification:
        listings = listings.filter(certifications__contains=[query.certification])
    if query.hs_chapter:
        listings = listings.filter(hs_code__startswith=query.hs_chapter)
    if query.market:
        listings = listings.filter(markets__contains=[query.market])
    if query.price_min is not None or query.price_max is not None:
        listings = listings.filter(currency=query.currency)
        if query.price_min is not None:
            listings = listings.filter(unit_price__gte=query.price_min)
        if query.price_max is not None:
            listings = listings.filter(unit_price__lte=query.price_max)
    return listings
