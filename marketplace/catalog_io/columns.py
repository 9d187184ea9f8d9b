"""The catalogue file's columns, in the order an export writes them (docs/catalog-import.md).

One row per listing, or per variant (a row with `parent_sku`). The same columns in CSV and XLSX.
"""

from __future__ import annotations

COLUMNS: tuple[str, ...] = (
    "sku",
    "parent_sku",
    "attributes",
    "title_en",
    "title_zh_hans",
    "description_en",
    "description_zh_hans",
    "brand",
    "gtin",
    "category",
    "origin_country",
    "markets",
    "hs_code",
    "national_code_cn",
    "national_code_eu",
    "net_weight_kg",
    "gross_weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "unit",
    "currency",
    "unit_price",
    "min_order_quantity",
    "stock",
    "tiers",
    "status",
)

# A header must name these; the others may be left out (and are then empty on every row).
REQUIRED_COLUMNS: frozenset[str] = frozenset(
    {
        "sku",
        "title_en",
        "origin_country",
        "hs_code",
        "gross_weight_kg",
        "currency",
        "unit_price",
        "stock",
    }
)

# What a variant row may fill in besides its SKU and parent; the rest belongs to the listing.
VARIANT_COLUMNS: frozenset[str] = frozenset(
    {"sku", "parent_sku", "attributes", "unit_price", "stock"}
)

# A listing's fields (as the services name them) -> the column that holds them, so a rule the
# services report against a field is reported against the merchant's column.
COLUMN_OF_FIELD: dict[str, str] = {
    "title": "title_en",
    "description": "description_en",
    "weight_kg": "gross_weight_kg",
    "unit_of_measure": "unit",
    "national_codes.CN": "national_code_cn",
    "national_codes.EU": "national_code_eu",
    "national_codes": "national_code_cn",
    "translations.zh-Hans": "title_zh_hans",
    "translations": "title_zh_hans",
    "certificates": "status",
}

# Destinations the file carries a national code column for (the model's `national_codes` keys).
NATIONAL_CODE_COLUMNS: dict[str, str] = {"CN": "national_code_cn", "EU": "national_code_eu"}


def column_of(field: str | None) -> str:
    """The column a service's `field` is about; rules about the whole listing go on `status`."""
    if not field:
        return "status"
    if field in COLUMN_OF_FIELD:
        return COLUMN_OF_FIELD[field]
    head = field.split(".", 1)[0]
    if head in COLUMNS:
        return head
    return COLUMN_OF_FIELD.get(head, head)
