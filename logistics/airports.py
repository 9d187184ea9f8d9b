"""IATA airports from the `airportsdata` package: names, countries and time zones.

The package is the reference; the `Airport` table holds the airports the network uses (served
destinations, and those waybills name), loaded from it by `services.airports_load`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import airportsdata

IATA = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class AirportRecord:
    iata: str
    name: str
    city: str
    country: str
    timezone: str


@functools.cache
def _by_iata() -> dict[str, AirportRecord]:
    # ~8,000 airports, read once per process (about 0.2 s).
    return {
        code: AirportRecord(
            iata=code,
            name=row["name"],
            city=row["city"],
            country=row["country"],
            timezone=row["tz"],
        )
        for code, row in airportsdata.load("IATA").items()
        if IATA.fullmatch(code) and row["tz"]
    }


def lookup(iata: str) -> AirportRecord | None:
    """The airport with this IATA code, or None if there is none."""
    return _by_iata().get(iata)


def is_known(iata: str) -> bool:
    return iata in _by_iata()


@functools.cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
