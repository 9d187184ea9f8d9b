"""PostgreSQL advisory locks customs takes, held until the end of the current transaction.

Keys are the two-int form (namespace, key): a key space of its own, apart from the one-bigint
form, with a namespace per kind of lock so customs' locks never meet another's by accident.
"""

from __future__ import annotations

import hashlib

from django.db import connection

AUDIT_CHAIN = 0x0C05_A001  # the head of the audit chain: one writer at a time
QUOTA_BUYER_YEAR = 0x0C05_A002  # one buyer's CBEC allowance for one calendar year


def lock_key(*parts: str | int) -> int:
    """A signed 32-bit key from the parts (a collision only makes two callers wait)."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big", signed=True)


def transaction_lock(namespace: int, key: int) -> None:
    """Wait for, then hold until commit or rollback, the advisory lock (namespace, key)."""
    if not connection.in_atomic_block:
        raise RuntimeError("An advisory transaction lock outside a transaction ends at once.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])
