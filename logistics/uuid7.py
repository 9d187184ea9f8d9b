"""Time-ordered UUIDs (RFC 9562 version 7) for append-only tables.

A random (version 4) primary key lands each insert on a random page of the index; a version 7
key starts with the time in milliseconds, so inserts append at the right edge of the index, as a
sequence would, while the id stays a UUID that reveals no count.
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION = 0x7 << 76
_VARIANT = 0b10 << 62


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """A version 7 UUID for now (or for `unix_ms`): 48 bits of time, 74 random bits."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a = rand >> 68  # 12 bits
    rand_b = rand & ((1 << 62) - 1)
    return uuid.UUID(int=(ms & ((1 << 48) - 1)) << 80 | _VERSION | rand_a << 64 | _VARIANT | rand_b)


def uuid7_strings(count: int) -> list[str]:
    """`count` version 7 UUIDs as strings, for bulk inserts: this millisecond, random bits drawn
    once and then counted up (RFC 9562's monotonic random method), so the batch's ids are
    ascending and cost a string format each."""
    ms = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    high = ms << 16 | 0x7 << 12 | rand >> 68  # time, version, 12 random bits
    high_text = f"{high:016x}"
    prefix = f"{high_text[:8]}-{high_text[8:12]}-{high_text[12:]}-"
    # 62 random bits with room left to count `count` up without overflowing into the variant
    low_random = (rand & ((1 << 62) - 1)) >> 1
    out = []
    for i in range(count):
        low = f"{_VARIANT | (low_random + i):016x}"
        out.append(f"{prefix}{low[:4]}-{low[4:]}")
    return out
