from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics import awb

KNOWN = {"020", "784", "172"}


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("020-12345675", "02012345675", "020-12345675"),  # 1234567 mod 7 = 5
        ("784-24681355", "78424681355", "784-24681355"),  # 2468135 mod 7 = 5
        ("17276543213", "17276543213", "172-76543213"),  # 7654321 mod 7 = 3
        (" 784 2468 1355 ", "78424681355", "784-24681355"),
        ("020-00000011", "02000000011", "020-00000011"),  # 0000001 mod 7 = 1
    ],
)
def test_valid_numbers_parse_store_and_show(typed, stored, shown):
    number = awb.parse(typed, known_prefixes=KNOWN)

    assert number.digits == stored
    assert str(number) == shown
    assert awb.display(stored) == shown


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("784-24681350", awb.AWB_CHECK_DIGIT_INVALID),  # the example: 2468135 mod 7 = 5
        ("020-12345670", awb.AWB_CHECK_DIGIT_INVALID),
        ("020-12345677", awb.AWB_CHECK_DIGIT_INVALID),  # mod 7 is never 7
        ("123-12345675", awb.AWB_UNKNOWN_PREFIX),
        ("020-1234567", awb.AWB_MALFORMED),
        ("020-123456755", awb.AWB_MALFORMED),
        ("02O-12345675", awb.AWB_MALFORMED),
        ("020--12345675", awb.AWB_MALFORMED),
        ("", awb.AWB_MALFORMED),
        ("٠٢٠-١٢٣٤٥٦٧٥", awb.AWB_MALFORMED),  # Arabic-Indic digits are not AWB digits
    ],
)
def test_bad_numbers_are_refused_with_a_stable_code(typed, code):
    with pytest.raises(awb.AwbInvalid) as refused:
        awb.parse(typed, known_prefixes=KNOWN)

    assert refused.value.code == code
    assert refused.value.field == "awb_number"


def test_without_known_prefixes_only_shape_and_check_digit_are_checked():
    assert awb.parse("123-12345675").prefix == "123"
    assert awb.is_valid("123-12345675")
    assert not awb.is_valid("123-12345676")


@given(prefix=st.from_regex(r"\A[0-9]{3}\Z"), serial=st.from_regex(r"\A[0-9]{7}\Z"))
def test_made_numbers_round_trip_and_every_other_check_digit_fails(prefix, serial):
    number = awb.make(prefix, serial)

    assert awb.parse(str(number)) == number
    assert awb.parse(number.digits) == number
    assert int(number.serial[7]) == int(serial) % 7
    for wrong in set("0123456789") - {number.serial[7]}:
        assert not awb.is_valid(f"{prefix}-{serial}{wrong}")


def test_display_refuses_what_is_not_stored_form():
    with pytest.raises(ValueError, match="11 digits"):
        awb.display("020-12345675")
