"""EORI numbers of the parties to an EU declaration (UCC, Regulation (EU) No 952/2013, Art. 9).

An EORI number is the issuing state's ISO code and up to 15 letters or digits. Belgium issues
it as BE + the enterprise number, which is the VAT number: it must pass the VAT check digits
(python-stdnum). Other states' formats vary (Germany's customs number, France's SIRET-based
one, numbers with branch suffixes), so they are checked for shape only rather than refuse a
valid number.
"""

from __future__ import annotations

import re

from stdnum.eu import vat as eu_vat

_EORI = re.compile(r"[A-Z]{2}[A-Z0-9]{1,15}")
# States whose EORI is always the VAT identification number itself.
_VAT_BASED = frozenset({"BE"})


def compact(number: str) -> str:
    return re.sub(r"[\s.\-/]", "", number).upper()


def eori_problem(number: str) -> str | None:
    """None for a valid EORI number, else why not."""
    value = compact(number)
    if not _EORI.fullmatch(value):
        return "An EORI number is a 2-letter country code and up to 15 letters or digits."
    state = value[:2]
    if state in _VAT_BASED and not eu_vat.is_valid(value):
        return f"A {state} EORI number is the VAT number of the holder; this one fails its check."
    return None
