"""The tariff file `import_tariff` reads:

    jurisdiction,code,description,duty_rate,vat_rate,excise_rate,cbec_positive_list

`jurisdiction` CN or EU; `code` 6, 8 or 10 digits (the depths lookup tries); rates in percent.
China's lines need `vat_rate` and a `cbec_positive_list` of yes or no; `excise_rate` is China's
consumption tax, empty where none applies. EU lines leave `vat_rate`, `excise_rate` and
`cbec_positive_list` empty (or `no`): import VAT follows the member state of destination.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from customs.reference_csv import (
    RejectedRow,
    RowError,
    csv_records,
    optional_percentage,
    percentage,
)

TARIFF_HEADER = (
    "jurisdiction",
    "code",
    "description",
    "duty_rate",
    "vat_rate",
    "excise_rate",
    "cbec_positive_list",
)
TARIFF_CODE = re.compile(r"^[0-9]{6}([0-9]{2}){0,2}$")
JURISDICTIONS = ("CN", "EU")
MAX_DESCRIPTION = 500


@dataclass(frozen=True, slots=True)
class TariffRow:
    line_number: int
    jurisdiction: str
    code: str
    description: str
    duty_rate: Decimal
    vat_rate: Decimal | None
    excise_rate: Decimal | None
    cbec_positive_list: bool


def _yes_no(raw: str) -> bool | None:
    value = raw.lower()
    if value in ("yes", "no"):
        return value == "yes"
    if value == "":
        return None
    raise RowError(f"cbec_positive_list {raw!r} must be yes or no.")


def parse_tariff_row(line_number: int, record: dict[str, str]) -> TariffRow:
    if "__error__" in record:
        raise RowError(record["__error__"])
    jurisdiction = record["jurisdiction"].upper()
    if jurisdiction not in JURISDICTIONS:
        raise RowError(f"jurisdiction {record['jurisdiction']!r} must be CN or EU.")
    code = record["code"]
    if not TARIFF_CODE.fullmatch(code):
        raise RowError(f"code {code!r} must be 6, 8 or 10 digits.")
    description = record["description"]
    if not description:
        raise RowError("description is empty.")
    if len(description) > MAX_DESCRIPTION:
        raise RowError(f"description is longer than {MAX_DESCRIPTION} characters.")
    duty_rate = percentage(record["duty_rate"], "duty_rate")
    vat_rate = optional_percentage(record["vat_rate"], "vat_rate")
    excise_rate = optional_percentage(record["excise_rate"], "excise_rate")
    positive_list = _yes_no(record["cbec_positive_list"])
    if jurisdiction == "CN":
        if vat_rate is None:
            raise RowError("vat_rate is required for CN (China's import VAT rate).")
        if positive_list is None:
            raise RowError("cbec_positive_list must be yes or no for CN.")
    else:
        if vat_rate is not None:
            raise RowError("vat_rate must be empty for EU: the destination state's rate applies.")
        if excise_rate is not None:
            raise RowError("excise_rate is China's consumption tax; leave it empty for EU.")
        if positive_list:
            raise RowError("cbec_positive_list is China's; leave it empty (or no) for EU.")
    return TariffRow(
        line_number=line_number,
        jurisdiction=jurisdiction,
        code=code,
        description=description,
        duty_rate=duty_rate,
        vat_rate=vat_rate,
        excise_rate=excise_rate,
        cbec_positive_list=bool(positive_list),
    )


def read_tariff_csv(stream: TextIO) -> Iterator[TariffRow | RejectedRow]:
    """Every record of the file, parsed or rejected with its reason. A bad header raises
    ReferenceFileError before any row is yielded."""
    for line_number, record in csv_records(stream, TARIFF_HEADER):
        try:
            yield parse_tariff_row(line_number, record)
        except RowError as exc:
            yield RejectedRow(line_number, str(exc))
