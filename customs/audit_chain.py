"""The hash chain of the audit trail: the canonical form of an entry and its SHA-256.

An entry's hash covers every field, including the previous entry's hash, so a change to any
entry, or its removal, breaks the link to the next one. The canonical form is JSON with sorted
keys, no insignificant whitespace and UTF-8 text; times are UTC ISO 8601 with microseconds, the
precision PostgreSQL keeps, so an entry read back hashes exactly as it was written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

GENESIS_HASH = "0" * 64


def json_safe(value: Any) -> Any:
    """`value` as plain JSON (str, int, bool, None, lists, string-keyed dicts).

    Decimals, UUIDs and times become strings. Floats are refused: PostgreSQL's jsonb may print
    one back differently from how Python wrote it, and the hash would no longer match.
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    raise TypeError(f"Audit payloads hold strings, integers, booleans and decimals, not {value!r}.")


def canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Audit times are aware.")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class ChainLink:
    """The hashed fields of one audit entry."""

    sequence: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    payload: Mapping[str, Any]
    prev_hash: str

    def canonical(self) -> bytes:
        document = {
            "sequence": self.sequence,
            "occurred_at": canonical_time(self.occurred_at),
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "payload": json_safe(self.payload),
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
