"""The trade identifiers a merchant and a listing carry, checked by their own check digits.

Each `*_problem` function returns None for a valid value, or a short reason a person can act on.
Values are compacted (spaces, dots and dashes removed, upper case) before they are checked and
stored, so "be 0456.781.215" and "BE0456781215" are the same VAT number.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum import ean, iban
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

# EU Regulation 952/2013 (UCC) art. 1(18) and its delegated act: the EORI number is the issuing
# member state's ISO code followed by up to 15 alphanumerics chosen by that state.
EORI_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
BIC_PATTERN = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
# China Customs' 10-digit statistical code, and the EU's Combined Nomenclature (8 digits) or
# TARIC code (10 digits). Each starts with the 6-digit HS subheading it refines.
NATIONAL_CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "CN": re.compile(r"^[0-9]{10}$"),
    "EU": re.compile(r"^[0-9]{8}([0-9]{2})?$"),
}


def compact(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value).upper()


def vat_problem(number: str) -> str | None:
    """An EU VAT number with its country prefix, checked by that country's check digits."""
    value = compact(number)
    if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{2,13}", value):
        return "A VAT number starts with its country code, e.g. BE0456781215."
    # Greece's VAT prefix is EL; XI is Northern Ireland under the Windsor Framework.
    if value[:2] not in {"EL", *(code.upper() for code in eu_vat.MEMBER_STATES)} - {"GR"}:
        return f"{value[:2]} is not the country code of an EU VAT number."
    if not eu_vat.is_valid(value):
        return "This VAT number fails its check digits."
    return None


def eori_problem(number: str) -> str | None:
    """An EORI number; a Belgian one is BE followed by the enterprise number (its VAT number)."""
    value = compact(number)
    if not EORI_PATTERN.fullmatch(value):
        return "An EORI number is a 2-letter country code and up to 15 letters or digits."
    if value.startswith("BE") and not be_vat.is_valid(value):
        # Belgium issues EORI numbers as BE + the ten-digit enterprise number (mod-97 checked).
        return "A Belgian EORI number is BE followed by a valid enterprise number."
    return None


def iban_problem(number: str) -> str | None:
    if not iban.is_valid(compact(number)):
        return "This IBAN fails its check digits or its country's format."
    return None


def bic_problem(code: str) -> str | None:
    if not BIC_PATTERN.fullmatch(compact(code)):
        return "A BIC has 8 or 11 letters and digits, e.g. GKCCBEBB."
    return None


def gtin_problem(number: str) -> str | None:
    """A GTIN-8, -12 (UPC), -13 (EAN) or -14, checked by its last digit."""
    value = compact(number)
    if len(value) not in (8, 12, 13, 14) or not value.isdigit():
        return "A GTIN has 8, 12, 13 or 14 digits."
    if not ean.is_valid(value):
        return "This GTIN fails its check digit."
    return None


def national_code_problem(*, destination: str, code: str, hs_code: str) -> str | None:
    pattern = NATIONAL_CODE_PATTERNS.get(destination)
    if pattern is None:
        return "National codes are given for CN (China) or EU."
    if not pattern.fullmatch(code):
        return (
            "China's national code has 10 digits."
            if destination == "CN"
            else "An EU code is a CN code (8 digits) or a TARIC code (10 digits)."
        )
    if not code.startswith(hs_code):
        return f"A national code refines the HS code, so it starts with {hs_code}."
    return None


def validate_vat(value: str) -> None:
    if value and (problem := vat_problem(value)) is not None:
        raise ValidationError(problem, code="vat_invalid")


def validate_eori(value: str) -> None:
    if value and (problem := eori_problem(value)) is not None:
        raise ValidationError(problem, code="eori_invalid")


def validate_iban(value: str) -> None:
    if value and (problem := iban_problem(value)) is not None:
        raise ValidationError(problem, code="iban_invalid")


def validate_bic(value: str) -> None:
    if value and (problem := bic_problem(value)) is not None:
        raise ValidationError(problem, code="bic_invalid")
