from __future__ import annotations

import pytest

from logistics import tracking_numbers


def test_the_check_digit_follows_upu_s10():
    # The worked example of UPU S10: serial 47312482 has check digit 9.
    assert tracking_numbers.check_digit("47312482") == 9
    assert tracking_numbers.is_valid("EW473124829BE")
    assert not tracking_numbers.is_valid("EW473124828BE")


def test_generated_numbers_are_valid():
    numbers = {tracking_numbers.generate() for _ in range(200)}

    assert all(tracking_numbers.is_valid(n) for n in numbers)
    assert all(n.startswith("EW") and n.endswith("BE") for n in numbers)


def test_a_serial_is_eight_digits():
    with pytest.raises(ValueError, match="8 digits"):
        tracking_numbers.check_digit("1234")
