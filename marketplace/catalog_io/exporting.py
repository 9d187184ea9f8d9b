"""The merchant's whole catalogue in the import format: a listing's row, then its variants'.

Listings are read in pages of `PAGE` (with their translations, tiers and variants), so the
CSV streams at constant memory; the XLSX is written row by row (openpyxl's write-only mode) to
memory, since a zip archive can only be finished once it is whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook

from ewtp.core.models import Organization
from marketplace.catalog_io.columns import COLUMNS, NATIONAL_CODE_COLUMNS
from marketplace.catalog_io.rows import LIST_SEPARATOR
from marketplace.models import Language, Product, ProductStatus, ProductVariant

PAGE = 500
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _listing_row(product: Product) -> list[str]:
    chinese = next((t for t in product.translations.all() if t.language == Language.ZH_HANS), None)
    cells: dict[str, Any] = {
        "sku": product.sku,
        "title_en": product.title,
        "title_zh_hans": chinese.title if chinese else "",
        "description_en": product.description,
        "description_zh_hans": chinese.description if chinese else "",
        "brand": product.brand,
        "gtin": product.gtin,
        "category": product.category,
        "origin_country": product.origin_country,
        "markets": LIST_SEPARATOR.join(product.markets),
        "hs_code": product.hs_code,
        "net_weight_kg": product.net_weight_kg,
        "gross_weight_kg": product.weight_kg,
        "length_cm": product.length_cm,
        "width_cm": product.width_cm,
        "height_cm": product.height_cm,
        "unit": product.unit_of_measure,
        "currency": product.currency,
        "unit_price": product.unit_price,
        "min_order_quantity": product.min_order_quantity,
        "stock": product.stock,
        "tiers": LIST_SEPARATOR.join(
            f"{t.min_quantity}:{_text(t.unit_price)}" for t in product.price_tiers.all()
        ),
        "status": product.status,
    }
    for destination, column in NATIONAL_CODE_COLUMNS.items():
        cells[column] = product.national_codes.get(destination, "")
    return [_text(cells.get(column)) for column in COLUMNS]


def _variant_row(product: Product, variant: ProductVariant) -> list[str]:
    cells: dict[str, Any] = {
        "sku": variant.sku,
        "parent_sku": product.sku,
        "attributes": LIST_SEPARATOR.join(f"{k}={v}" for k, v in variant.attributes.items()),
        "unit_price": variant.unit_price,
        "stock": variant.stock,
    }
    return [_text(cells.get(column)) for column in COLUMNS]


def catalog_rows(*, merchant: Organization) -> Iterator[list[str]]:
    """The header, then every listing but the archived ones (an import cannot write those)
    followed by its variants, in SKU order."""
    yield list(COLUMNS)
    products = (
        Product.objects.for_merchant(merchant)
        .exclude(status=ProductStatus.ARCHIVED)
        .prefetch_related("translations", "price_tiers", "variants")
        .order_by("sku")
    )
    after = ""
    while page := list(products.filter(sku__gt=after)[:PAGE]):
        for product in page:
            yield _listing_row(product)
            for variant in sorted(product.variants.all(), key=lambda v: (v.created_at, v.sku)):
                yield _variant_row(product, variant)
        after = page[-1].sku


class _Line:
    """A file-like object csv.writer writes one line into, read back at once."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> int:
        self.value = text
        return len(text)


def catalog_csv(*, merchant: Organization) -> Iterator[bytes]:
    """The catalogue as UTF-8 CSV with a byte-order mark (so spreadsheets read the Chinese),
    one encoded line at a time."""
    line = _Line()
    writer = csv.writer(line)
    yield "\ufeff".encode()
    for row in catalog_rows(merchant=merchant):
        writer.writerow(row)
        yield line.value.encode()


def catalog_xlsx(*, merchant: Organization) -> IO[bytes]:
    """The catalogue as an XLSX workbook, in memory (a compressed 20,000-listing workbook is a
    few MB, and a buffer leaks no file handle if a client drops the download), every cell text
    so codes such as GTINs keep their leading zeros."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Catalogue")
    for row in catalog_rows(merchant=merchant):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output
