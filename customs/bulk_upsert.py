"""INSERT ... ON CONFLICT DO UPDATE in batches, counting what was created, changed or left alone.

Reference data (tariff lines, HS codes) is loaded by upsert so a re-import updates in place and
never duplicates. A row whose values are all unchanged is not rewritten (the WHERE ... IS
DISTINCT FROM clause), and `xmax = 0` in RETURNING tells a fresh insert from an update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def upsert_rows(
    *,
    table: str,
    columns: Sequence[str],
    conflict_columns: Sequence[str],
    update_columns: Sequence[str],
    touch_column: str | None,
    rows: Sequence[Sequence[Any]],
) -> UpsertCounts:
    """Upsert `rows` (values in `columns` order, no two with the same conflict key) in one
    statement. On conflict, `update_columns` take the new values when any of them differs,
    and then `touch_column` too (an `updated_at`); otherwise the row is left as it was."""
    if not rows:
        return UpsertCounts()
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    assignments = [f"{quote(c)} = EXCLUDED.{quote(c)}" for c in update_columns]
    if touch_column is not None:
        assignments.append(f"{quote(touch_column)} = EXCLUDED.{quote(touch_column)}")
    current = ", ".join(f"{quote(table)}.{quote(c)}" for c in update_columns)
    incoming = ", ".join(f"EXCLUDED.{quote(c)}" for c in update_columns)
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608  # names from model meta, values bound
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(c) for c in conflict_columns)}) DO UPDATE "
        f"SET {', '.join(assignments)} "
        f"WHERE ({current}) IS DISTINCT FROM ({incoming}) "
        "RETURNING (xmax = 0)"
    )
    params: list[Any] = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = [row[0] for row in cursor.fetchall()]
    created = sum(1 for flag in inserted if flag)
    updated = len(inserted) - created
    return UpsertCounts(created=created, updated=updated, unchanged=len(rows) - len(inserted))
