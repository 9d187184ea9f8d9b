"""Air waybill numbers (IATA Resolution 600a): an airline's 3-digit prefix and an 8-digit serial
whose last digit checks the 7 before it (their value mod 7).

Stored as the 11 digits, shown as `PPP-SSSSSSSC`. Every input path (API, CSV import, message
parser) parses with `parse()`, so a typo is refused with the same stable code everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from ewtp.core.errors import DomainError

AWB_MALFORMED = "AWB_MALFORMED"
AWB_CHECK_DIGIT_INVALID = "AWB_CHECK_DIGIT_INVALID"
AWB_UNKNOWN_PREFIX = "AWB_UNKNOWN_PREFIX"

# What partners type: "784-24681355", "78424681355", "784 2468 1355".
_SHAPE = re.compile(r"^\s*([0-9]{3})[\s-]?([0-9]{4})\s?([0-9]{4})\s*$")
STORED = re.compile(r"^[0-9]{11}$")


class AwbInvalid(DomainError):
    """A waybill number that is not one; `code` says why. Input, so a 400."""

    status = 400
    title = "Invalid air waybill number"

    def __init__(self, detail: str, *, code: str, field: str | None = "awb_number") -> None:
        super().__init__(detail, code=code, field=field)


@dataclass(frozen=True, slots=True, order=True)
class AwbNumber:
    prefix: str  # 3 digits: the airline
    serial: str  # 8 digits: 7 of serial and the check digit

    @property
    def digits(self) -> str:
        """The stored form: 11 digits."""
        return self.prefix + self.serial

    def __str__(self) -> str:
        return f"{self.prefix}-{self.serial}"


def check_digit(serial7: str) -> int:
    """The check digit of a 7-digit serial: its value mod 7."""
    if len(serial7) != 7 or not serial7.isascii() or not serial7.isdigit():
        raise ValueError("An AWB serial is 7 digits before its check digit.")
    return int(serial7) % 7


def parse(text: str, *, known_prefixes: Container[str] | None = None) -> AwbNumber:
    """Parse and validate a waybill number as a partner typed it. With `known_prefixes`, the
    prefix must be one of them (an airline we know); without, only the shape and check digit
    are checked. Raises AwbInvalid with AWB_MALFORMED, AWB_CHECK_DIGIT_INVALID or
    AWB_UNKNOWN_PREFIX."""
    match = _SHAPE.fullmatch(text) if isinstance(text, str) and text.isascii() else None
    if match is None:
        raise AwbInvalid(
            "An air waybill number is 11 digits, written PPP-SSSSSSSC.", code=AWB_MALFORMED
        )
    prefix, serial = match[1], match[2] + match[3]
    expected = check_digit(serial[:7])
    if int(serial[7]) != expected:
        raise AwbInvalid(
            f"{prefix}-{serial}: the check digit should be {expected} "
            f"({serial[:7]} mod 7), not {serial[7]}.",
            code=AWB_CHECK_DIGIT_INVALID,
        )
    if known_prefixes is not None and prefix not in known_prefixes:
        raise AwbInvalid(
            f"{prefix} is not the AWB prefix of an airline we know.", code=AWB_UNKNOWN_PREFIX
        )
    return AwbNumber(prefix=prefix, serial=serial)


def is_valid(text: str) -> bool:
    """Shape and check digit only (the prefix is not looked up)."""
    try:
        parse(text)
    except AwbInvalid:
        return False
    return True


def display(digits: str) -> str:
    """The stored 11 digits as people write them: PPP-SSSSSSSC."""
    if not STORED.fullmatch(digits):
        raise ValueError(f"{digits!r} is not a stored AWB number (11 digits).")
    return f"{digits[:3]}-{digits[3:]}"


def make(prefix: str, serial7: str) -> AwbNumber:
    """The waybill number with this prefix and serial, check digit added (for issuing stock)."""
    if len(prefix) != 3 or not prefix.isdigit():
        raise ValueError("An AWB prefix is 3 digits.")
    return AwbNumber(prefix=prefix, serial=f"{serial7}{check_digit(serial7)}")
