"""PRC resident identity numbers of CBEC buyers: checking, masking and keying them.

The number is 18 characters: a 6-digit address code, the 8-digit birth date, a 3-digit order
code and a check character (GB 11643-1999), computed with ISO 7064 MOD 11-2 over the first 17
digits, 10 written as X. It is personal data: it is never stored, logged or sent back whole;
the quota ledger keys a buyer by an HMAC of it, and people see it masked (first 6, last 4).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

from ewtp.core.errors import DomainError

ID_FORMAT = re.compile(r"^[0-9]{17}[0-9X]$")
# ISO 7064 MOD 11-2 weights, 2^(17 - i) mod 11, and the check character for each sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_FOR_REMAINDER = "10X98765432"


class BuyerIdInvalid(DomainError):
    """A buyer ID that is not an 18-character PRC resident ID, or whose check character is
    wrong: a malformed request (400), never a question of admissibility."""

    status = 400
    code = "ID_CHECKSUM_INVALID"
    title = "The buyer's ID number is not valid"


def normalize(number: str) -> str:
    """Trimmed, with a lower-case check character x written as X."""
    return number.strip().upper()


def check_character(first_17_digits: str) -> str:
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, _WEIGHTS, strict=True)
    )
    return _CHECK_FOR_REMAINDER[total % 11]


def resident_id_validate(number: str, *, field: str = "buyer_id_number") -> str:
    """The normalized number, or BuyerIdInvalid naming `field`. The message never repeats the
    number."""
    normalized = normalize(number)
    if not ID_FORMAT.fullmatch(normalized):
        raise BuyerIdInvalid(
            "A PRC resident ID number is 17 digits and a check character (0-9 or X).",
            code="ID_FORMAT_INVALID",
            field=field,
        )
    if check_character(normalized[:17]) != normalized[17]:
        raise BuyerIdInvalid(
            "The ID number's check character does not match (GB 11643-1999, ISO 7064 MOD 11-2).",
            field=field,
        )
    return normalized


def mask(number: str) -> str:
    """For display: the address code and the last four characters, nothing in between."""
    normalized = normalize(number)
    if len(normalized) <= 10:
        return "*" * len(normalized)
    return normalized[:6] + "*" * (len(normalized) - 10) + normalized[-4:]


def _hmac_key() -> bytes:
    configured: str = getattr(settings, "BUYER_ID_HMAC_KEY", "")
    if configured:
        return configured.encode()
    # Derived from SECRET_KEY when not set; rotating SECRET_KEY would then re-key every buyer
    # and orphan the quota ledger, so production sets BUYER_ID_HMAC_KEY on its own.
    return salted_hmac("customs.buyer_ids.hmac-key", "v1", algorithm="sha256").digest()


def buyer_key(number: str) -> str:
    """The quota ledger's key for a buyer: HMAC-SHA256 of the normalized ID, hex."""
    return hmac.new(_hmac_key(), normalize(number).encode(), hashlib.sha256).hexdigest()
