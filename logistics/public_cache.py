"""The public tracking payload, cached in Redis by tracking number.

Buyers reload a parcel's page and mail clients poll it; the answer changes only when a report
arrives. So each payload is kept for a minute and dropped as soon as a report about the
parcel (or its MAWB) is stored: once in the writing transaction and again after it commits,
so a lookup that read the old rows while the report was being written cannot keep them
cached. What else changes the payload (a booking sets the ETA) shows within `TTL_S`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

TTL_S = 60
_KEY = "logistics:track:{}"


def public_payload(tracking_number: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The cached payload of this parcel, built (and cached) on a miss. `build` raises for an
    unknown parcel, which is never cached."""
    key = _KEY.format(tracking_number)
    payload: dict[str, Any] | None = cache.get(key)
    if payload is None:
        payload = build()
        cache.set(key, payload, TTL_S)
    return payload


def _delete(keys: list[str]) -> None:
    # One DEL straight to Redis: `cache.delete_many` checks each key for memcached's rules,
    # which costs more than the DEL itself for a batch's thousand parcels; ours are safe.
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # Django's client
    client.delete(*keys)


def public_payloads_forget(tracking_numbers: Iterable[str]) -> None:
    """Drop these parcels' payloads now and again once the caller's transaction commits."""
    keys = [cache.make_key(_KEY.format(number)) for number in set(tracking_numbers)]
    if not keys:
        return
    _delete(keys)
    transaction.on_commit(lambda: _delete(keys), robust=True)
