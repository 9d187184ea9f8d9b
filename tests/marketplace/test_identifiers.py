"""Trade identifiers are checked by their own check digits, not only their shape."""

from __future__ import annotations

import pytest

from marketplace.identifiers import (
    bic_problem,
    eori_problem,
    gtin_problem,
    iban_problem,
    national_code_problem,
    vat_problem,
)


@pytest.mark.parametrize(
    "number",
    ["BE0456781215", "be 0456.781.215", "NL004495445B01", "DE136695976", "FR40303265045"],
)
def test_valid_vat_numbers_pass(number):
    assert vat_problem(number) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("BE0456781216", "check digits"),  # last digit off by one
        ("0456781215", "country code"),  # no country prefix
        ("DE136695977", "check digits"),
        ("XX123", "country code"),
        ("GR094259216", "country code"),  # Greece is EL in VAT numbers
    ],
)
def test_invalid_vat_numbers_say_why(number, reason):
    problem = vat_problem(number)

    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize("number", ["BE0456781215", "NL123456789", "GB123456789000", "DE12345"])
def test_valid_eori_numbers_pass(number):
    assert eori_problem(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "BE0456781216",  # Belgian: BE + an enterprise number whose mod-97 check fails
        "BE",  # nothing after the country
        "B0456781215",  # one letter
        "NL1234567890123456",  # 16 characters after the country
        "NL12345*",
    ],
)
def test_invalid_eori_numbers_are_refused(number):
    assert eori_problem(number) is not None


@pytest.mark.parametrize(
    "number", ["BE71096123456769", "BE71 0961 2345 6769", "DE89370400440532013000"]
)
def test_valid_ibans_pass(number):
    assert iban_problem(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "BE71096123456768",  # IBAN check digits fail
        "BE83138811735115",  # unknown Belgian bank code
        "BE71",
    ],
)
def test_invalid_ibans_are_refused(number):
    assert iban_problem(number) is not None


@pytest.mark.parametrize("code", ["GKCCBEBB", "GEBABEBBXXX"])
def test_bics_have_8_or_11_characters(code):
    assert bic_problem(code) is None
    assert bic_problem(code[:7]) is not None


@pytest.mark.parametrize("number", ["5412345000013", "96385074", "012345678905", "10012345678902"])
def test_valid_gtins_pass(number):
    assert gtin_problem(number) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("5412345000014", "check digit"),
        ("541234500001", "check digit"),  # 12 digits, but not a valid UPC
        ("54123450000", "8, 12, 13 or 14 digits"),
        ("54123450000A3", "8, 12, 13 or 14 digits"),
    ],
)
def test_invalid_gtins_say_why(number, reason):
    problem = gtin_problem(number)

    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    ("destination", "code", "ok"),
    [
        ("CN", "1806900000", True),
        ("CN", "18069000", False),  # China's code has 10 digits
        ("EU", "18069019", True),  # CN 8
        ("EU", "1806901900", True),  # TARIC 10
        ("EU", "180690190", False),
        ("EU", "19053219", False),  # does not refine 180690
        ("US", "1806900000", False),
    ],
)
def test_national_codes_refine_the_hs_code(destination, code, ok):
    problem = national_code_problem(destination=destination, code=code, hs_code="180690")

    assert (problem is None) is ok
