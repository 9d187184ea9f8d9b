"""A page of search results in the asked order, and the cursor to the next one."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects

from ewtp.core.errors import DomainError
from marketplace.models import Product
from marketplace.search.facets import Facet, facet_counts_shared
from marketplace.search.matching import (
    TITLE_TIER,
    ListingQuery,
    Terms,
    TextMode,
    in_titles,
    listings_filtered,
    relevance,
)

MAX_LIMIT = 100


class SortOrder:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    ALL = (RELEVANCE, NEWEST, PRICE_ASC, PRICE_DESC)


@dataclass(frozen=True, slots=True)
class SearchPage:
    results: list[Product]
    next_cursor: str | None
    facets: list[Facet] | None
    total: int | None


# Each sort is a keyset: (field, descending), ending with the id so the order is total.
_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    SortOrder.RELEVANCE: (("relevance", True), ("created_at", True), ("id", False)),
    SortOrder.NEWEST: (("created_at", True), ("id", False)),
    SortOrder.PRICE_ASC: (("unit_price", False), ("id", False)),
    SortOrder.PRICE_DESC: (("unit_price", True), ("id", False)),
}
_PARSERS: dict[str, Callable[[Any], object]] = {
    "relevance": int,
    "created_at": datetime.fromisoformat,
    "unit_price": Decimal,
    "id": uuid.UUID,
}


def _plain(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: the sort, how the words were matched, the last row's keys."""

    sort: str
    mode: str
    keys: list[object]


def _encode_cursor(sort: str, mode: str, listing: Product) -> str:
    values = [
        getattr(listing, name) if name == "relevance" else _plain(getattr(listing, name))
        for name, _ in _KEYS[sort]
    ]
    raw = json.dumps({"s": sort, "m": mode, "k": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(sort: str, cursor: str) -> Cursor:
    # A cursor is input the partner sent back wrongly: a 400, like any malformed parameter.
    invalid = DomainError(
        "This cursor is not one this search gave out.",
        code="cursor_invalid",
        field="cursor",
        status=400,
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("s") != sort:
            raise invalid
        keys, mode = data["k"], data["m"]
        if mode not in (TextMode.WORDS, TextMode.PARTS):
            raise invalid
        if not isinstance(keys, list) or len(keys) != len(_KEYS[sort]):
            raise invalid
        parsed = [_PARSERS[name](value) for (name, _), value in zip(_KEYS[sort], keys, strict=True)]
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidOperation):
        raise invalid from None
    return Cursor(sort, mode, parsed)


def _after(sort: str, values: list[object]) -> Q:
    """Rows strictly after the cursor in the sort's order (a lexicographic keyset)."""
    keys = _KEYS[sort]
    condition = Q(pk__in=[])
    for index, (name, descending) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier in range(index):
            step &= Q(**{keys[earlier][0]: values[earlier]})
        condition |= step
    return condition


def _sort_of(query: ListingQuery, terms: Terms) -> str:
    sort = query.sort or (SortOrder.RELEVANCE if terms else SortOrder.NEWEST)
    return SortOrder.NEWEST if sort == SortOrder.RELEVANCE and not terms else sort


def _page(
    matches: QuerySet[Product],
    sort: str,
    terms: Terms,
    mode: str,
    after: Cursor | None,
    size: int,
) -> list[Product]:
    """Up to `size` listings after the cursor in the sort's order, each with its `relevance`.

    By relevance, the title tier is first read on its own down the created_at index: a broad
    query fills its page from the newest few dozen rows instead of ranking every match. Only
    when that tier runs out are all the matches ranked (a bitmap scan and a sort, which is
    cheap exactly when titles matched few listings)."""
    matches = matches.select_related("merchant").annotate(relevance=relevance(terms, mode))
    best = in_titles(terms, mode)
    in_title_tier = after is None or after.keys[0] == TITLE_TIER
    if sort == SortOrder.RELEVANCE and best is not None and in_title_tier:
        titled = matches.filter(best)
        if after is not None:
            titled = titled.filter(_after(SortOrder.NEWEST, after.keys[1:]))
        newest_titled: list[Product] = list(titled.order_by("-created_at", "id")[:size])
        if len(newest_titled) == size:
            return newest_titled
    if after is not None:
        matches = matches.filter(_after(sort, after.keys))
    ordering = [f"-{name}" if descending else name for name, descending in _KEYS[sort]]
    return list(matches.order_by(*ordering)[:size])


def listing_search(*, query: ListingQuery) -> SearchPage:
    """Listings on sale matching the query, best first (or as sorted), a page at a time. The
    first page also counts all matches per facet (shared for FACET_CACHE_SECONDS)."""
    terms = Terms.of(query.text)
    sort = _sort_of(query, terms)
    limit = max(1, min(query.limit, MAX_LIMIT))
    after = _decode_cursor(sort, query.cursor) if query.cursor else None
    mode = after.mode if after is not None else TextMode.WORDS
    matches = listings_filtered(query, mode)
    page = _page(matches, sort, terms, mode, after, limit + 1)
    if not page and after is None and terms.words:
        # No listing has these words as words: look for them inside words instead.
        mode = TextMode.PARTS
        matches = listings_filtered(query, mode)
        page = _page(matches, sort, terms, mode, after, limit + 1)
    facets: list[Facet] | None = None
    total: int | None = None
    if query.facets and after is None:
        facets, total = facet_counts_shared(query, mode, matches)
    next_cursor = _encode_cursor(sort, mode, page[limit - 1]) if len(page) > limit else None
    results = page[:limit]
    prefetch_related_objects(results, "translations")
    return SearchPage(results=results, next_cursor=next_cursor, facets=facets, total=total)
