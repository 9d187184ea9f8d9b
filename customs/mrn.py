"""Movement Reference Numbers (MRN) of EU export declarations.

An MRN has 18 characters (EU Customs Data Model, data element 12 28 000 000; UCC IA Annex B):

    positions  1-2   the last two digits of the year the declaration was accepted
               3-4   the ISO 3166-1 alpha-2 code of the member state that accepted it (BE)
               5-16  a unique identifier, 12 letters or digits, per year and member state
              17     the procedure category letter (A: export only)
              18     the check character

The check character follows ISO 6346 (as for container numbers), as TAXUD's DDNTA/DDNXA
specify for the MRN: each of the first 17 characters gets a value (digits their own value;
letters A=10, B=12, ... skipping 11, 22 and 33, the multiples of 11), is multiplied by 2 to the
power of its position (0-based), the products are summed, and the sum modulo 11 is the check
digit, with a remainder of 10 written as 0.
"""

from __future__ import annotations

import re
import secrets
import string

_ALPHANUMERIC = string.digits + string.ascii_uppercase
_MRN = re.compile(r"[0-9]{2}[A-Z]{2}[0-9A-Z]{13}[0-9]")
EXPORT_ONLY = "A"


def _letter_values() -> dict[str, int]:
    values = {digit: int(digit) for digit in string.digits}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


CHARACTER_VALUES = _letter_values()


def check_character(body: str) -> str:
    """The ISO 6346 check character of the first 17 characters of an MRN."""
    total = sum(CHARACTER_VALUES[char] << position for position, char in enumerate(body))
    return str(total % 11 % 10)


def mrn_is_valid(mrn: str) -> bool:
    return _MRN.fullmatch(mrn) is not None and check_character(mrn[:17]) == mrn[17]


def mrn_new(*, year: int, country: str, procedure: str = EXPORT_ONLY) -> str:
    """A new MRN with a random 12-character identifier (36^12 values a year: a clash is
    caught by the database's unique constraint, not expected)."""
    identifier = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(12))
    body = f"{year % 100:02d}{country}{identifier}{procedure}"
    return body + check_character(body)
