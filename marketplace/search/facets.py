"""Facet counts over all the matches of a search, shared briefly between identical searches."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from ewtp.core.models import Organization
from marketplace.models import Product
from marketplace.search.matching import ListingQuery, Terms

# Price bands of the price facet, in the listing's currency.
PRICE_BANDS: tuple[Decimal, ...] = tuple(Decimal(b) for b in ("10", "25", "50", "100", "250"))
FACET_SIZE = 20
FACET_CACHE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    values: list[FacetValue] = field(default_factory=list)


def facet_counts_shared(
    query: ListingQuery, mode: str, matches: QuerySet[Product]
) -> tuple[list[Facet], int]:
    """Facet counts of a broad query cost a pass over every match; buyers repeat the same
    searches, so counts are shared for a minute (the results themselves are always live)."""
    terms = Terms.of(query.text)
    normalised = [
        mode,
        terms.words,
        terms.runs,
        query.origin,
        query.merchant,
        query.category,
        query.certification,
        query.hs_chapter,
        query.market,
        str(query.price_min),
        str(query.price_max),
        query.currency,
    ]
    if FACET_CACHE_SECONDS <= 0:
        return facet_counts(matches)
    digest = hashlib.sha256(json.dumps(normalised).encode()).hexdigest()
    key = f"marketplace:search:facets:{digest}"
    cached = cache.get(key)
    if cached is not None:
        facets, total = cached
        return facets, total
    counted = facet_counts(matches)
    cache.set(key, counted, FACET_CACHE_SECONDS)
    return counted


def facet_counts(matches: QuerySet[Product]) -> tuple[list[Facet], int]:
    """Counts per category, origin, merchant, certification and price band over all the
    matches, and their total, in one statement: the matches are found once, kept narrow, and
    counted in one pass with a grouping set per facet (the certification arrays in a second,
    short pass over the few certified ones)."""
    base = matches.order_by().values(
        "category", "origin_country", "merchant_id", "currency", "unit_price", "certifications"
    )
    try:
        base_sql, base_params = base.query.get_compiler(using=base.db).as_sql()
    except EmptyResultSet:  # a condition that can match nothing, e.g. a word too short
        return _facets([]), 0
    organizations = Organization._meta.db_table
    # Constants and Django's own compiled, parameterised SQL only.
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT b.category, b.origin_country, b.merchant_id, b.currency,
                   width_bucket(b.unit_price, %s::numeric[]) AS band, b.certifications
            FROM ({base_sql}) b
        ),
        g AS (
            SELECT
                CASE
                    WHEN GROUPING(m.category) = 0 THEN 'category'
                    WHEN GROUPING(m.origin_country) = 0 THEN 'origin'
                    WHEN GROUPING(m.merchant_id) = 0 THEN 'merchant'
                    WHEN GROUPING(m.currency) = 0 THEN 'price'
                    ELSE 'total'
                END AS facet,
                m.category, m.origin_country, m.merchant_id, m.currency, m.band,
                count(*) AS n
            FROM m
            GROUP BY GROUPING SETS (
                (m.category), (m.origin_country), (m.merchant_id), (m.currency, m.band), ()
            )
        ),
        ranked AS (
            SELECT g.*, row_number() OVER (PARTITION BY g.facet ORDER BY g.n DESC) AS position
            FROM g
        )
        SELECT r.facet,
               CASE r.facet
                   WHEN 'category' THEN r.category
                   WHEN 'origin' THEN r.origin_country
                   WHEN 'merchant' THEN o.slug || ' ' || o.name
                   WHEN 'price' THEN r.currency || ' ' || r.band
                   ELSE ''
               END,
               r.n
        FROM ranked r LEFT JOIN {organizations} o ON o.id = r.merchant_id
        WHERE r.position <= %s
        UNION ALL
        SELECT 'certification', kind, count(*)
        FROM m CROSS JOIN LATERAL unnest(m.certifications) AS kind
        WHERE m.certifications <> '{{}}'
        GROUP BY kind
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(PRICE_BANDS), *base_params, FACET_SIZE])
        rows: list[tuple[str, str, int]] = cursor.fetchall()
    total = sum(count for name, _, count in rows if name == "total")
    return _facets([row for row in rows if row[0] != "total"]), total


def _facets(counted: list[tuple[str, str, int]]) -> list[Facet]:
    grouped: dict[str, list[FacetValue]] = {
        name: [] for name in ("category", "origin", "merchant", "certification", "price")
    }
    for name, value, count in counted:
        if name == "merchant":
            slug, _, title = value.partition(" ")
            grouped[name].append(FacetValue(slug, count, title))
        elif name == "price":
            currency, _, band = value.partition(" ")
            grouped[name].append(_price_band(currency, int(band), count))
        else:
            grouped[name].append(FacetValue(value, count))
    facets = []
    for name, values in grouped.items():
        if name == "price":
            values.sort(key=lambda v: (v.value.split(":")[0], Decimal(v.value.split(":")[1])))
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        facets.append(Facet(name, values[:FACET_SIZE]))
    return facets


def _price_band(currency: str, band: int, count: int) -> FacetValue:
    """width_bucket's band number as `CUR:min:max` (max empty for the top band)."""
    low = PRICE_BANDS[band - 1] if band > 0 else Decimal(0)
    high = PRICE_BANDS[band] if band < len(PRICE_BANDS) else None
    label = f"{low}-{high} {currency}" if high is not None else f"{low}+ {currency}"
    return FacetValue(f"{currency}:{low}:{'' if high is None else high}", count, label)
