"""An independent Standard Webhooks verifier, written from the spec as a receiver would.

Deliberately shares no code with ewtp.events.signing, so the two can disagree.
https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def signatures(header: str) -> list[tuple[str, str]]:
    """`v1,<sig> v1,<sig>` → [("v1", sig), ...]."""
    pairs = []
    for entry in header.split(" "):
        version, _, signature = entry.partition(",")
        pairs.append((version, signature))
    return pairs


def verify(
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: int | None = None,
    tolerance_seconds: int = 300,
) -> bool:
    """True when any v1 signature in the headers was made with `secret` over this body."""
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if now is not None and abs(now - int(timestamp)) > tolerance_seconds:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    to_sign = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(signature, expected)
        for version, signature in signatures(headers["webhook-signature"])
    )
