"""One row of a catalogue file, from text cells to typed values, with every problem of its cells.

This is parsing only (a number is a number, a tier list has its shape); the rules of a listing
(HS code, GTIN, countries, prices...) are the services' own, applied by the importer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from marketplace.catalog_io.columns import NATIONAL_CODE_COLUMNS, VARIANT_COLUMNS
from marketplace.catalog_io.reading import RawRow
from marketplace.models import Category, Product, ProductStatus, ProductVariant, UnitOfMeasure
from marketplace.services import PriceTierRequest

IMPORTABLE_STATUSES = (ProductStatus.DRAFT, ProductStatus.PUBLISHED)
LIST_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(slots=True)
class ListingRow:
    number: int
    sku: str
    values: dict[str, Any]  # the Product fields the row sets, by field name
    title_zh_hans: str
    description_zh_hans: str
    tiers: list[PriceTierRequest]
    status: str


@dataclass(slots=True)
class VariantRow:
    number: int
    sku: str
    parent_sku: str
    attributes: dict[str, str]
    unit_price: Decimal | None
    stock: int


@dataclass(slots=True)
class _Cells:
    """Reads typed values out of a row's cells, noting each problem against its column."""

    raw: RawRow
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.raw.number, column, code, message))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw.cells.get(column, "")
        if required and not value:
            self.fail(column, "required", f"{column} is required.")
        if max_length is not None and len(value) > max_length:
            self.fail(column, "too_long", f"At most {max_length} characters.")
        return value

    def decimal(
        self, column: str, *, model: type[Any], name: str, required: bool = False
    ) -> Decimal | None:
        text = self.text(column, required=required)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.fail(column, "decimal_invalid", f"{text!r} is not a number (use a point: 9.50).")
            return None
        if not value.is_finite():
            self.fail(column, "decimal_invalid", f"{text!r} is not a number.")
            return None
        db_field = model._meta.get_field(name)
        places, digits = db_field.decimal_places, db_field.max_digits
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            self.fail(column, "decimal_places", f"At most {places} decimal places.")
            return None
        if abs(value) >= Decimal(10) ** (digits - places):
            self.fail(column, "decimal_too_large", f"{text} is too large.")
            return None
        return value

    def integer(self, column: str, *, required: bool = False, default: int = 0) -> int:
        text = self.text(column, required=required)
        if not text:
            return default
        try:
            value = int(text)
        except ValueError:
            self.fail(column, "integer_invalid", f"{text!r} is not a whole number.")
            return default
        if not -(2**31) <= value < 2**31:
            self.fail(column, "integer_invalid", f"{text} is out of range.")
            return default
        return value

    def choice(self, column: str, choices: list[str], default: str) -> str:
        text = self.text(column) or default
        if text not in choices:
            self.fail(column, "choice_invalid", f"{text!r} is not one of {', '.join(choices)}.")
        return text


def _tiers(cells: _Cells) -> list[PriceTierRequest]:
    text = cells.text("tiers")
    tiers: list[PriceTierRequest] = []
    for part in filter(None, (p.strip() for p in text.split(LIST_SEPARATOR))):
        quantity, colon, price = part.partition(":")
        try:
            tier = PriceTierRequest(int(quantity.strip()), Decimal(price.strip()))
        except (ValueError, InvalidOperation):
            tier = None
        if not colon or tier is None or not tier.unit_price.is_finite():
            cells.fail("tiers", "tiers_invalid", f"{part!r}: write tiers as 10:9.50;50:8.90.")
            return []
        tiers.append(tier)
    return tiers


def _attributes(cells: _Cells) -> dict[str, str]:
    text = cells.text("attributes")
    attributes: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(LIST_SEPARATOR))):
        name, equals, value = part.partition("=")
        if not equals or name.strip() in attributes:
            cells.fail(
                "attributes",
                "attributes_invalid",
                f"{part!r}: write attributes as size=500 g;flavour=dark, each name once.",
            )
            return {}
        attributes[name.strip()] = value.strip()
    return attributes


def _listing(cells: _Cells, sku: str) -> ListingRow:
    def amount(column: str, name: str, *, required: bool = False) -> Decimal | None:
        return cells.decimal(column, model=Product, name=name, required=required)

    national_codes = {
        destination: code
        for destination, column in NATIONAL_CODE_COLUMNS.items()
        if (code := cells.text(column))
    }
    markets = [m.strip().upper() for m in cells.text("markets").split(LIST_SEPARATOR) if m.strip()]
    values: dict[str, Any] = {
        "title": cells.text("title_en", required=True, max_length=200),
        "description": cells.text("description_en"),
        "brand": cells.text("brand", max_length=100),
        "gtin": cells.text("gtin", max_length=20),
        "category": cells.choice("category", Category.values, Category.OTHER),
        "origin_country": cells.text("origin_country", required=True).upper(),
        "markets": markets or ["CN"],
        "hs_code": cells.text("hs_code", required=True),
        "national_codes": national_codes,
        "net_weight_kg": amount("net_weight_kg", "net_weight_kg"),
        "weight_kg": amount("gross_weight_kg", "weight_kg", required=True),
        "length_cm": amount("length_cm", "length_cm"),
        "width_cm": amount("width_cm", "width_cm"),
        "height_cm": amount("height_cm", "height_cm"),
        "unit_of_measure": cells.choice("unit", UnitOfMeasure.values, UnitOfMeasure.PIECE),
        "currency": cells.text("currency", required=True).upper(),
        "unit_price": amount("unit_price", "unit_price", required=True),
        "min_order_quantity": cells.integer("min_order_quantity", default=1),
        "stock": cells.integer("stock", required=True),
    }
    title_zh_hans = cells.text("title_zh_hans", max_length=200)
    description_zh_hans = cells.text("description_zh_hans")
    if description_zh_hans and not title_zh_hans:
        cells.fail("title_zh_hans", "required", "A Chinese description needs a Chinese title.")
    return ListingRow(
        number=cells.raw.number,
        sku=sku,
        values=values,
        title_zh_hans=title_zh_hans,
        description_zh_hans=description_zh_hans,
        tiers=_tiers(cells),
        status=cells.choice("status", list(IMPORTABLE_STATUSES), ProductStatus.DRAFT),
    )


def _variant(cells: _Cells, sku: str) -> VariantRow:
    for column, value in cells.raw.cells.items():
        if value and column not in VARIANT_COLUMNS and not column.startswith("__"):
            cells.fail(
                column,
                "not_for_variant",
                f"A variant row leaves {column} empty: its listing holds it.",
            )
    attributes = _attributes(cells)
    if not attributes:
        cells.text("attributes", required=True)
    return VariantRow(
        number=cells.raw.number,
        sku=sku,
        parent_sku=cells.raw.cells["parent_sku"],
        attributes=attributes,
        unit_price=cells.decimal("unit_price", model=ProductVariant, name="unit_price"),
        stock=cells.integer("stock"),
    )


def parse_row(raw: RawRow) -> tuple[ListingRow | VariantRow | None, list[RowError]]:
    """The row's typed values and every problem its cells have (the row is None if any)."""
    cells = _Cells(raw)
    if raw.cells.get("__extra__"):
        cells.fail("sku", "row_too_long", "The row has more cells than the header has columns.")
    sku = cells.text("sku", required=True, max_length=64)
    parent_sku = raw.cells.get("parent_sku", "")
    if parent_sku and parent_sku == sku:
        cells.fail("parent_sku", "parent_invalid", "A variant's parent is another SKU.")
    parsed = _variant(cells, sku) if parent_sku else _listing(cells, sku)
    if cells.errors:
        return None, cells.errors
    return parsed, []
