"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A secret is `whsec_` + base64 of random bytes; the HMAC key is those decoded bytes. Each message
is signed as `base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))` and sent as
`v1,<signature>`; with several live secrets (during a rotation) the `webhook-signature` header
holds one such entry per secret, separated by spaces, and a receiver accepts any that verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105  # the spec's marker, not a secret
SECRET_BYTES = 32  # 256 bits, the HMAC-SHA256 block-size sweet spot the spec recommends
VERSION = "v1"


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_...` secret: the base64-decoded part after the prefix."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("A webhook secret starts with 'whsec_'.")
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64 signature>` entry for `body` sent as message `msg_id` at `timestamp`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_header(
    *, signing_secrets: Iterable[str], msg_id: str, timestamp: int, body: bytes
) -> str:
    """The `webhook-signature` value: one entry per live secret, space-separated."""
    return " ".join(
        sign(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
        for secret in signing_secrets
    )
