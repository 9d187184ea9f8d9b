"""The MRN of an EU export and its ISO 6346 check character, on worked examples."""

from __future__ import annotations

import pytest

from customs.mrn import CHARACTER_VALUES, check_character, mrn_is_valid, mrn_new


def test_letters_skip_the_multiples_of_eleven():
    assert [CHARACTER_VALUES[c] for c in ["0", "9", "A", "B", "K", "L", "U", "V", "Z"]] == [
        0, 9, 10, 12, 21, 23, 32, 34, 38,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "check"),
    [
        # docs/customs.md works this one through: sum 1,672,566; mod 11 = 5.
        ("26BE4F8K2M9Q0ZX1A", "5"),
        # Remainder 10 is written 0: sum 1,869,174; mod 11 = 10.
        ("26BE4F8K2M9Q0ZX7A", "0"),
        # ISO 6346's own example, a container number: the same algorithm over 10 characters.
        ("CSQU305438", "3"),
        # MRNs as found in published customs software test data.
        ("21DE2736491638483", "6"),
        ("21DE1234567890123", "4"),
    ],
)
def test_check_character_worked_examples(body, check):
    assert check_character(body) == check


@pytest.mark.parametrize(
    "mrn",
    [
        "26BE4F8K2M9Q0ZX1A4",  # wrong check character
        "26BE4F8K2M9Q0ZX1A",  # 17 characters
        "26be4F8K2M9Q0ZX1A5",  # lower case
        "2XBE4F8K2M9Q0ZX1A5",  # the year is two digits
    ],
)
def test_a_wrong_mrn_is_refused(mrn):
    assert not mrn_is_valid(mrn)


def test_new_mrns_have_the_year_the_state_the_procedure_and_a_valid_check():
    mrns = {mrn_new(year=2026, country="BE") for _ in range(200)}

    assert len(mrns) == 200
    for mrn in mrns:
        assert len(mrn) == 18
        assert (mrn[:4], mrn[16]) == ("26BE", "A")
        assert mrn_is_valid(mrn)
