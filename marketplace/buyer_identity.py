"""PRC resident ID numbers of buyers and payers, as the marketplace keeps them.

The number is checked by customs' rules (customs.buyer_ids), then kept three ways and never
whole in the clear: encrypted (Fernet) for the one duty that needs it back, the declaration to
China; keyed (HMAC) to match a buyer to a payer and to the quota ledger; masked (first 6, last
4) for everything people or partners see: API responses, events, the admin, log lines.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.fernet import Fernet
from django.conf import settings
from django.utils.crypto import salted_hmac

from customs import buyer_ids


@dataclass(frozen=True, slots=True)
class SealedId:
    encrypted: str
    key: str
    masked: str


def _fernet() -> Fernet:
    configured: str = getattr(settings, "BUYER_ID_ENCRYPTION_KEY", "")
    if configured:
        return Fernet(configured.encode())
    # Dev and test derive it from SECRET_KEY; production must set its own (settings.production),
    # or rotating SECRET_KEY would make every stored number unreadable.
    digest = salted_hmac("marketplace.buyer_identity.fernet-key", "v1", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(number: str, *, field: str = "buyer_id_number") -> SealedId:
    """Check the number (BuyerIdInvalid, 400, naming `field`) and seal it."""
    normalized = buyer_ids.resident_id_validate(number, field=field)
    return SealedId(
        encrypted=_fernet().encrypt(normalized.encode()).decode(),
        key=buyer_ids.buyer_key(normalized),
        masked=buyer_ids.mask(normalized),
    )


def unseal(encrypted: str) -> str:
    """The number in the clear, for the one document that must carry it (the declaration)."""
    return _fernet().decrypt(encrypted.encode()).decode()
