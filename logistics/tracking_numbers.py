"""Tracking numbers in the UPU S10 layout: 2 letters, 8 digits, a check digit, a country code."""

from __future__ import annotations

import re
import secrets

S10 = re.compile(r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
SERVICE_INDICATOR = "EW"
COUNTRY = "BE"  # the hub (Liège) issues them


def check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("An S10 serial is 8 digits.")
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True)) % 11
    if remainder == 10:
        return 0
    if remainder == 11:
        return 5
    return remainder


def is_valid(number: str) -> bool:
    return bool(S10.fullmatch(number)) and check_digit(number[2:10]) == int(number[10])


def generate() -> str:
    serial = f"{secrets.randbelow(10**8):08d}"
    return f"{SERVICE_INDICATOR}{serial}{check_digit(serial)}{COUNTRY}"
