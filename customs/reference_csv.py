"""Reading the reference-data CSV files customs loads (tariff, HS nomenclature).

A file must start with exactly the expected header (a UTF-8 byte-order mark is allowed); every
record comes with the file line it starts on, so a bad row can be reported where a person will
find it. Parsing never touches the database: the loaders in customs.services write.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

PERCENT = re.compile(r"^[0-9]{1,2}(\.[0-9]{1,4})?$")


class ReferenceFileError(ValueError):
    """The file as a whole cannot be read: no header, the wrong header, not UTF-8 text."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line_number: int
    reason: str


class RowError(ValueError):
    """One row is bad; the message is the reason shown with its line number."""


def csv_records(stream: TextIO, header: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped value}) for every non-blank record after the header."""
    reader = csv.reader(stream, strict=True)
    try:
        first = next(reader, None)
        if first is None:
            raise ReferenceFileError(f"The file is empty; expected the header {','.join(header)}.")
        if first and first[0].startswith("\ufeff"):
            first[0] = first[0].removeprefix("\ufeff")
        found = [name.strip() for name in first]
        if found != list(header):
            raise ReferenceFileError(
                f"Line 1: the header must be exactly {','.join(header)}; found {','.join(found)}."
            )
        line_number = reader.line_num + 1
        for record in reader:
            start, line_number = line_number, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                yield start, {"__error__": f"{len(record)} fields, expected {len(header)}"}
                continue
            yield start, {name: value.strip() for name, value in zip(header, record, strict=True)}
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(f"The file is not UTF-8 text ({exc.reason}).") from None
    except csv.Error as exc:
        raise ReferenceFileError(f"Line {reader.line_num}: not valid CSV ({exc}).") from None


def percentage(raw: str, name: str) -> Decimal:
    """A rate in percent, 0 <= rate < 100, with at most 4 decimals ("13", "9.5")."""
    if not PERCENT.fullmatch(raw):
        raise RowError(f"{name} {raw!r} is not a percentage such as 13 or 9.5 (0 to 99.9999).")
    return Decimal(raw)


def optional_percentage(raw: str, name: str) -> Decimal | None:
    return None if raw == "" else percentage(raw, name)
