"""The search columns of a listing: per-language full-text vectors and lower-cased titles for
trigram matching. Kept by the services (see marketplace.search for the choices)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import connection

from marketplace.models import Product, ProductTranslation

# Language tag -> PostgreSQL text search configuration.
LANGUAGE_CONFIGS: dict[str, str] = {
    "en": "english",
    "fr": "french",
    "nl": "dutch",
    "de": "german",
    "zh-Hans": "simple",
}
QUERY_CONFIGS: tuple[str, ...] = ("simple", "english", "french", "dutch", "german")


# The SQL below is assembled only from constants (table names, configurations, languages);
# every value from outside travels as a query parameter.


def _translation_vector(language: str) -> str:
    config = LANGUAGE_CONFIGS[language]
    return (
        f"coalesce((SELECT setweight(to_tsvector('{config}', t.title), 'A')"  # noqa: S608
        f" || setweight(to_tsvector('{config}', t.description), 'C')"
        f" FROM {ProductTranslation._meta.db_table} t"
        f" WHERE t.product_id = p.id AND t.language = '{language}'), ''::tsvector)"
    )


REFRESH_SQL = f"""
UPDATE {Product._meta.db_table} p SET
    search_vector =
        setweight(to_tsvector('simple', p.title), 'A')
        || setweight(to_tsvector('english', p.title), 'A')
        || setweight(to_tsvector('simple', p.brand), 'B')
        || setweight(to_tsvector('english', p.description), 'C')
        || {" || ".join(_translation_vector(language) for language in LANGUAGE_CONFIGS)},
    search_titles = lower(concat_ws(' ', p.title, nullif(p.brand, ''), (
        SELECT string_agg(t.title, ' ' ORDER BY t.language)
        FROM {ProductTranslation._meta.db_table} t WHERE t.product_id = p.id
    )))
"""  # noqa: S608


def search_documents_refresh(*, product_ids: Sequence[uuid.UUID] | None) -> int:
    """Recompute the search columns of these listings (None: all of them) from their text.
    Called by every service that changes a title, description, brand or translation."""
    with connection.cursor() as cursor:
        if product_ids is None:
            cursor.execute(REFRESH_SQL)
        else:
            cursor.execute(REFRESH_SQL + " WHERE p.id = ANY(%s::uuid[])", [list(product_ids)])
        return int(cursor.rowcount)
