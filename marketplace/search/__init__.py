"""Search of the listings on sale: PostgreSQL full-text search plus pg_trgm trigram matching.

How text is indexed (each listing's `search_vector` and `search_titles`, kept by the services
through `search_documents_refresh`, never by triggers or signals):

* Full-text search uses one text-search configuration per language rather than 'simple' for
  all: English, French, Dutch and German text is stemmed by its own Snowball configuration
  ("pralines" finds "praline", "gaufre" finds "Gaufres"). The listing's own title and
  description are taken as English (the merchants' working language); its title is also
  indexed with 'simple', which keeps brand names and words a stemmer would mangle. A query is
  parsed by every configuration and the results OR-ed, so a buyer need not say which language
  they typed in. Titles weigh A, brands B, descriptions C.
* PostgreSQL has no Chinese word splitter, so zh-Hans titles are indexed with 'simple' (one
  token per run of Han characters), which cannot find a word inside a run. Chinese words and
  parts of words are found by trigram matching instead: `search_titles` holds every title
  (all languages) and the brand, lower-cased, under a GIN `gin_trgm_ops` index, and a term
  matches as a substring (LIKE on the lower-cased text, which the index serves for terms of
  three characters or more, and which is much cheaper to recheck than ILIKE).

How a query is matched: runs of Chinese (Japanese, Korean) text always as substrings of a
title; other words first as words (full-text search), and only when no listing that passes
the filters has them as words, as parts of words in the titles ("prali" finds "pralines",
"dark choc" finds "dark chocolate"). Matching parts of words always would cost a trigram scan
on every query for what full-text search already finds.

Relevance is where the words were found: every word in a title first, then the words
elsewhere (brand, description); within each, newest first. Each tier is read down the
created_at index on its own, so a query matching a fifth of the catalogue reads a few dozen
rows for its first page; ts_rank would score every match, and on broad queries that cost more
than the rest of the search together.

Facet counts (category, origin, merchant, certification, price band) and the total cover all
matches, in one statement, on the first page only. They are the expensive part of a broad
query, so identical searches share them for FACET_CACHE_SECONDS through the cache; the results
themselves are always read live.

A listing is on sale when it is published and its merchant is approved.
"""

from __future__ import annotations

from marketplace.search.facets import (
    FACET_CACHE_SECONDS,
    PRICE_BANDS,
    Facet,
    FacetValue,
    facet_counts,
    facet_counts_shared,
)
from marketplace.search.indexing import (
    LANGUAGE_CONFIGS,
    QUERY_CONFIGS,
    REFRESH_SQL,
    search_documents_refresh,
)
from marketplace.search.matching import (
    ListingQuery,
    Terms,
    TextMode,
    in_titles,
    listings_filtered,
    relevance,
    text_condition,
    text_mode,
)
from marketplace.search.paging import MAX_LIMIT, SearchPage, SortOrder, listing_search

__all__ = [
    "FACET_CACHE_SECONDS",
    "LANGUAGE_CONFIGS",
    "MAX_LIMIT",
    "PRICE_BANDS",
    "QUERY_CONFIGS",
    "REFRESH_SQL",
    "Facet",
    "FacetValue",
    "ListingQuery",
    "SearchPage",
    "SortOrder",
    "Terms",
    "TextMode",
    "facet_counts",
    "facet_counts_shared",
    "in_titles",
    "listing_search",
    "listings_filtered",
    "relevance",
    "search_documents_refresh",
    "text_condition",
    "text_mode",
]
