"""EU member-state data (standard VAT rates over time, ISO numeric codes) and IOSS numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from customs.taxes import ioss_number_is_valid, member_states, standard_vat_rate

CURRENT_STANDARD_RATES = {
    "AT": "20", "BE": "21", "BG": "20", "CY": "19", "CZ": "21", "DE": "19", "DK": "25",
    "EE": "24", "ES": "21", "FI": "25.5", "FR": "20", "GR": "24", "HR": "25", "HU": "27",
    "IE": "23", "IT": "22", "LT": "21", "LU": "17", "LV": "21", "MT": "18", "NL": "21",
    "PL": "23", "PT": "23", "RO": "21", "SE": "25", "SI": "22", "SK": "23",
}  # fmt: skip


def test_the_data_holds_the_27_member_states() -> None:
    assert sorted(member_states()) == sorted(CURRENT_STANDARD_RATES)
    assert len(member_states()) == 27


@pytest.mark.parametrize(("country", "rate"), sorted(CURRENT_STANDARD_RATES.items()))
def test_current_standard_rates(country: str, rate: str) -> None:
    assert standard_vat_rate(country, date(2026, 1, 1)) == Decimal(rate)


@pytest.mark.parametrize(
    ("country", "on", "rate"),
    [
        ("EE", date(2023, 12, 31), "20"),
        ("EE", date(2024, 1, 1), "22"),
        ("EE", date(2025, 6, 30), "22"),
        ("EE", date(2025, 7, 1), "24"),
        ("FI", date(2024, 8, 31), "24"),
        ("FI", date(2024, 9, 1), "25.5"),
        ("LU", date(2023, 6, 1), "16"),
        ("LU", date(2024, 1, 1), "17"),
        ("SK", date(2024, 12, 31), "20"),
        ("SK", date(2025, 1, 1), "23"),
        ("RO", date(2025, 7, 31), "19"),
        ("RO", date(2025, 8, 1), "21"),
    ],
)
def test_rate_changes_take_effect_on_their_date(country: str, on: date, rate: str) -> None:
    assert standard_vat_rate(country, on) == Decimal(rate)


def test_no_rate_outside_the_data() -> None:
    assert standard_vat_rate("GB", date(2025, 1, 1)) is None
    assert standard_vat_rate("DE", date(2021, 6, 30)) is None


def test_iso_numeric_codes_are_three_digits_and_unique() -> None:
    codes = [state.iso_numeric for state in member_states().values()]

    assert all(len(code) == 3 and code.isdigit() for code in codes)
    assert len(set(codes)) == 27
    assert member_states()["BE"].iso_numeric == "056"


@pytest.mark.parametrize("number", ["IM0560000001", "IM2761234567", "IM7529999999"])
def test_ioss_numbers_of_member_states_are_accepted(number: str) -> None:
    assert ioss_number_is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "IM999000000",  # 11 characters
        "IM05600000012",  # 13 characters
        "IM9990000001",  # 999 is no member state
        "IM8260000001",  # the United Kingdom is not a member state
        "im0560000001",  # the prefix is upper case
        "IN0560000001",  # IN numbers identify intermediaries, not IOSS registrations
        "IM05600000A1",
        "",
    ],
)
def test_malformed_ioss_numbers_are_refused(number: str) -> None:
    assert not ioss_number_is_valid(number)
