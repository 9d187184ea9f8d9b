"""Reading catalogue files as a whole: CSV (with or without BOM) and XLSX, and every reason a
file is refused before any row is looked at."""

from __future__ import annotations

import io
import zipfile

import pytest

from marketplace.catalog_io.columns import COLUMNS
from marketplace.catalog_io.reading import CatalogFileError, inspect, read_rows
from tests.marketplace.catalog_io.files import csv_bytes, listing, xlsx_bytes


def rows_of(content: bytes) -> list[dict[str, str]]:
    stream = io.BytesIO(content)
    return [raw.cells for raw in read_rows(stream, inspect(stream))]


def refusal(content: bytes, size: int | None = None) -> CatalogFileError:
    with pytest.raises(CatalogFileError) as caught:
        inspect(io.BytesIO(content), size=size)
    return caught.value


@pytest.mark.parametrize("bom", [False, True])
def test_a_utf8_csv_reads_with_or_without_a_byte_order_mark(bom):
    content = csv_bytes([listing("A"), listing("B")], bom=bom)

    summary = inspect(io.BytesIO(content))
    rows = rows_of(content)

    assert (summary.format, summary.total_rows, summary.columns) == ("csv", 2, COLUMNS)
    assert [r["sku"] for r in rows] == ["A", "B"]
    assert rows[0]["title_zh_hans"] == "列日华夫饼 A"


def test_an_xlsx_reads_its_first_sheet_with_numbers_as_written():
    content = xlsx_bytes([listing("A", unit_price="12.50", stock="7")])

    summary = inspect(io.BytesIO(content))
    [row] = rows_of(content)

    assert (summary.format, summary.total_rows) == ("xlsx", 1)
    assert (row["unit_price"], row["stock"], row["title_zh_hans"]) == ("12.5", "7", "列日华夫饼 A")


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out():
    columns = ["stock", "unit_price", "currency", "gross_weight_kg", "hs_code"]
    columns += ["origin_country", "title_en", "sku"]
    [row] = rows_of(csv_bytes([listing("A")], columns=columns))

    assert row["sku"] == "A"
    assert row["brand"] == ""
    assert row["gross_weight_kg"] == "0.350"


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = csv_bytes([listing("A")]) + b",,,\n" + csv_bytes([listing("B")]).split(b"\n", 1)[1]
    stream = io.BytesIO(content)

    numbers = [raw.number for raw in read_rows(stream, inspect(stream))]

    assert numbers == [2, 4]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file_empty"),
        (b"sku,title_en\n", "column_missing"),
        (csv_bytes([], columns=[*COLUMNS, "colour"]), "column_unknown"),
        (csv_bytes([], columns=[*COLUMNS, "sku"]), "column_duplicate"),
        (csv_bytes([]), "file_empty"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "file_type_unsupported"),
        (b"PK\x03\x04 not really a zip", "file_type_unsupported"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "file_type_unsupported"),
    ],
    ids=["empty", "missing", "unknown", "twice", "no-rows", "xls", "zip", "png"],
)
def test_a_file_that_cannot_be_imported_is_refused_whole_with_a_code(content, code):
    error = refusal(content)

    assert error.code == code
    assert error.status == 400
    assert error.field == "file"


def test_a_csv_that_is_not_utf8_is_refused():
    content = csv_bytes([listing("A")]).replace("列日华夫饼".encode(), "Liège".encode("latin-1"))

    assert refusal(content).code == "file_not_utf8"


def test_too_many_rows_or_bytes_are_refused_by_the_settings(settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 2
    settings.CATALOG_IMPORT_MAX_BYTES = 100

    assert refusal(csv_bytes([listing("A"), listing("B"), listing("C")])).code == (
        "file_too_many_rows"
    )
    assert refusal(b"sku\n", size=101).code == "file_too_large"


def test_a_damaged_workbook_is_refused_as_malformed():
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([listing("A")])))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of a row
            copy.writestr(item, data)

    assert refusal(damaged.getvalue()).code == "file_malformed"
