"""Catalogue files for the tests, written the way a merchant's spreadsheet would write them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from marketplace.catalog_io.columns import COLUMNS


def listing(sku: str = "WAF-12", **cells: Any) -> dict[str, str]:
    """A complete, publishable listing row for China (180690 is in the test nomenclature)."""
    row = {
        "sku": sku,
        "title_en": f"Liège waffles {sku}",
        "title_zh_hans": f"列日华夫饼 {sku}",
        "description_en": "Pearl sugar waffles, baked in Liège.",
        "brand": "Maison Dandoy",
        "gtin": "5400000000003",
        "category": "bakery",
        "origin_country": "BE",
        "markets": "CN",
        "hs_code": "180690",
        "national_code_cn": "",
        "net_weight_kg": "0.300",
        "gross_weight_kg": "0.350",
        "length_cm": "20.0",
        "width_cm": "10.0",
        "height_cm": "5.0",
        "unit": "box",
        "currency": "EUR",
        "unit_price": "12.50",
        "min_order_quantity": "1",
        "stock": "100",
        "tiers": "10:11.50;50:10.90",
        "status": "published",
    }
    row.update({k: str(v) for k, v in cells.items()})
    return row


def variant(sku: str, parent: str, **cells: Any) -> dict[str, str]:
    row = {"sku": sku, "parent_sku": parent, "attributes": "size=12 pieces", "stock": "10"}
    row.update({k: str(v) for k, v in cells.items()})
    return row


def csv_bytes(
    rows: Sequence[dict[str, str]], *, columns: Sequence[str] = COLUMNS, bom: bool = False
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return ("\ufeff" if bom else "").encode() + text.getvalue().encode()


def xlsx_bytes(
    rows: Sequence[dict[str, Any]], *, columns: Sequence[str] = COLUMNS, numbers: bool = True
) -> bytes:
    """An XLSX workbook; with `numbers`, numeric cells are stored as numbers, as Excel does."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        values: list[Any] = []
        for column in columns:
            value = row.get(column, "")
            if numbers and column in {"stock", "min_order_quantity", "unit_price"} and value:
                value = float(value) if "." in value else int(value)
            values.append(value)
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
