"""Reading a catalogue file, CSV or XLSX, one row at a time.

A file is first inspected (type, header, row count: one streaming pass, nothing kept) and then
read row by row, so a 20,000-row file never sits in memory as rows. Whatever is wrong with the
file as a whole is a `CatalogFileError`; what is wrong with one row is the validator's business.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ewtp.core.errors import DomainError
from marketplace.catalog_io.columns import COLUMNS, REQUIRED_COLUMNS
from marketplace.models import CatalogFileFormat

ZIP_MAGIC = b"PK\x03\x04"  # an XLSX is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
SNIFF_BYTES = 4096


class CatalogFileError(DomainError):
    """The file as a whole cannot be imported (its type, header or size): nothing is read."""

    status = 400
    code = "catalog_file_invalid"
    title = "The catalogue file cannot be read"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: its number as a spreadsheet shows it (the header is row 1) and its cells
    by column, stripped; columns the header leaves out are empty."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class CatalogFile:
    format: str
    columns: tuple[str, ...]
    total_rows: int


def max_rows() -> int:
    return int(settings.CATALOG_IMPORT_MAX_ROWS)


def max_bytes() -> int:
    return int(settings.CATALOG_IMPORT_MAX_BYTES)


def detect_format(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return CatalogFileFormat.XLSX
    if head.startswith(OLE_MAGIC) or b"\x00" in head:
        raise CatalogFileError(
            "This is not a CSV or XLSX file (an old .xls? save it as .xlsx or CSV).",
            code="file_type_unsupported",
            field="file",
        )
    return CatalogFileFormat.CSV


def _check_header(header: list[str]) -> tuple[str, ...]:
    names = [name.strip().lower() for name in header]
    while names and not names[-1]:
        names.pop()  # trailing empty header cells (a spreadsheet's habit)
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise CatalogFileError(
            f"Unknown column(s): {', '.join(repr(n) for n in unknown)}. "
            "See docs/catalog-import.md for the columns.",
            code="column_unknown",
            field="file",
        )
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise CatalogFileError(
            f"Column(s) named twice: {', '.join(twice)}.", code="column_duplicate", field="file"
        )
    missing = sorted(REQUIRED_COLUMNS - set(names))
    if missing:
        raise CatalogFileError(
            f"Missing column(s): {', '.join(missing)}.", code="column_missing", field="file"
        )
    return tuple(names)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: numbers as written, no float noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 0.35, not 0.34999…
        text = repr(value)
        return str(int(value)) if value.is_integer() else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    return str(value).strip()


# --- CSV


def _csv_lines(stream: IO[bytes]) -> Iterator[list[str]]:
    stream.seek(0)
    # utf-8-sig drops a byte-order mark if there is one. Decoding line by line keeps the caller's
    # stream its own (a TextIOWrapper would close it when collected).
    try:
        yield from csv.reader(codecs.iterdecode(stream, "utf-8-sig"))
    except UnicodeDecodeError:
        raise CatalogFileError(
            "A CSV file must be UTF-8 encoded.", code="file_not_utf8", field="file"
        ) from None
    except csv.Error as error:
        raise CatalogFileError(
            f"The CSV file is malformed: {error}.", code="file_malformed", field="file"
        ) from None


def _xlsx_lines(stream: IO[bytes]) -> Iterator[list[str]]:
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise CatalogFileError(
            "This zip file is not an XLSX workbook.", code="file_type_unsupported", field="file"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    except Exception as error:  # noqa: BLE001  # a damaged workbook fails in many ways, all the file's
        raise CatalogFileError(
            f"The workbook is damaged ({type(error).__name__}).",
            code="file_malformed",
            field="file",
        ) from None
    finally:
        workbook.close()


def _lines(stream: IO[bytes], file_format: str) -> Iterator[list[str]]:
    if file_format == CatalogFileFormat.XLSX:
        return _xlsx_lines(stream)
    return _csv_lines(stream)


def _is_blank(line: list[str]) -> bool:
    return not any(cell.strip() for cell in line)


def inspect(stream: IO[bytes], *, size: int | None = None) -> CatalogFile:
    """Type, header and number of data rows of the file, or a CatalogFileError. One pass."""
    if size is not None and size > max_bytes():
        raise CatalogFileError(
            f"The file is larger than {max_bytes()} bytes; split it.",
            code="file_too_large",
            field="file",
        )
    stream.seek(0)
    file_format = detect_format(stream.read(SNIFF_BYTES))
    lines = _lines(stream, file_format)
    header = next(lines, None)
    if header is None or _is_blank(header):
        raise CatalogFileError("The file is empty.", code="file_empty", field="file")
    columns = _check_header(header)
    total = 0
    for line in lines:
        if _is_blank(line):
            continue
        total += 1
        if total > max_rows():
            raise CatalogFileError(
                f"The file has more than {max_rows()} rows; split it.",
                code="file_too_many_rows",
                field="file",
            )
    if total == 0:
        raise CatalogFileError(
            "The file has a header but no rows.", code="file_empty", field="file"
        )
    return CatalogFile(format=file_format, columns=columns, total_rows=total)


def read_rows(stream: IO[bytes], catalog_file: CatalogFile) -> Iterator[RawRow]:
    """The data rows of an inspected file, one at a time; blank lines are skipped."""
    lines = _lines(stream, catalog_file.format)
    next(lines, None)  # the header, checked by inspect()
    width = len(catalog_file.columns)
    for number, line in enumerate(lines, start=2):
        if _is_blank(line):
            continue
        cells = dict.fromkeys(COLUMNS, "")
        for name, value in zip(catalog_file.columns, line[:width], strict=False):
            cells[name] = value.strip()
        if any(cell.strip() for cell in line[width:]):
            cells["__extra__"] = "yes"
        yield RawRow(number=number, cells=cells)
