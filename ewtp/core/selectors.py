"""Reads of the platform core."""

from __future__ import annotations

import hmac

from ewtp.core.models import ApiKey


def api_key_find(*, presented: str) -> ApiKey | None:
    """The key matching `ewtp_<prefix>_<secret>`, usable or not; None when nothing matches."""
    from ewtp.core.services import KEY_PREFIX, hash_api_secret

    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    _, prefix, secret = parts
    key = ApiKey.objects.select_related("organization").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_api_secret(secret)):
        return None
    return key
