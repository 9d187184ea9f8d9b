"""Writes of exchange rates: loading the ECB reference rates, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from psycopg2.extras import execute_values

from marketplace.ecb import EcbRate
from marketplace.models import ExchangeRate, ExchangeRateSource

BATCH_SIZE = 5000

# The table name is the only thing interpolated; the rates are parameters.
_UPSERT = f"""
    INSERT INTO {ExchangeRate._meta.db_table} (date, base, currency, rate, source, created_at)
    VALUES %s
    ON CONFLICT (currency, date) DO UPDATE SET rate = EXCLUDED.rate, source = EXCLUDED.source
    WHERE {ExchangeRate._meta.db_table}.rate <> EXCLUDED.rate
    RETURNING (xmax = 0)
"""  # noqa: S608


@dataclass
class RatesLoaded:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged


def exchange_rates_load(
    *,
    rates: Iterable[EcbRate],
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> RatesLoaded:
    """Store ECB reference rates, one row per currency per day. Loading the same rates again
    changes nothing; a corrected rate replaces the stored one. Each batch commits on its own,
    so an interrupted load resumes where it stopped when run again."""
    loaded = RatesLoaded()
    iterator = iter(rates)
    while batch := list(islice(iterator, batch_size)):
        with transaction.atomic(), connection.cursor() as cursor:
            rows = execute_values(
                cursor.cursor,  # psycopg2's own cursor: execute_values needs mogrify()
                _UPSERT,
                [(r.date, "EUR", r.currency, r.rate, ExchangeRateSource.ECB) for r in batch],
                template="(%s, %s, %s, %s, %s, now())",
                page_size=batch_size,
                fetch=True,
            )
        created = sum(1 for (inserted,) in rows if inserted)
        loaded.created += created
        loaded.updated += len(rows) - created
        loaded.unchanged += len(batch) - len(rows)
        if progress is not None:
            progress(len(batch))
    return loaded
