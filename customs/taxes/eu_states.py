"""The 27 EU member states: standard VAT rates over time and ISO numeric codes (eu_vat_rates.json).

Import VAT in the EU is charged at the rate of the member state of destination (Council
Directive 2006/112/EC). Only standard rates are held; reduced rates are out of scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from customs.taxes.data_files import as_date, as_decimal, load_json


@dataclass(frozen=True, slots=True)
class MemberState:
    code: str  # ISO 3166-1 alpha-2 (Greece is GR here, not the VAT prefix EL)
    name: str
    iso_numeric: str  # ISO 3166-1 numeric, as carried in IOSS numbers
    standard_rates: tuple[tuple[date, Decimal], ...]  # (in force from, percent), oldest first

    def standard_rate_on(self, on: date) -> Decimal | None:
        rate: Decimal | None = None
        for since, percent in self.standard_rates:
            if since <= on:
                rate = percent
        return rate


@cache
def member_states() -> Mapping[str, MemberState]:
    states: dict[str, MemberState] = {}
    for code, raw in load_json("eu_vat_rates.json")["states"].items():
        history = sorted(
            (as_date(entry["from"], code), as_decimal(entry["rate"], code))
            for entry in raw["standard_rates"]
        )
        states[code] = MemberState(
            code=code,
            name=str(raw["name"]),
            iso_numeric=str(raw["iso_numeric"]),
            standard_rates=tuple(history),
        )
    return states


def standard_vat_rate(country: str, on: date) -> Decimal | None:
    """The standard VAT rate (percent) of a member state on a date; None outside the EU data."""
    state = member_states().get(country)
    return None if state is None else state.standard_rate_on(on)
