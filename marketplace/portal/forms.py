"""The listing form of the portal: the same fields as the partner API's listing input. The form
checks only shapes (a number is a number); every rule of the trade is the services', and
their DomainError is shown next to the field it names (`error.field`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ewtp.core.errors import DomainError
from marketplace.api.serializers.fields import SKU_PATTERN
from marketplace.models import Category, OrderStatus, Product, ProductStatus, UnitOfMeasure

# Services name fields as the API does; the form splits some of them into several inputs.
FORM_FIELD_FOR_ERROR = {
    "translations": "title_zh",
    "translations.zh-Hans": "title_zh",
    "national_codes": "national_code_cn",
    "national_codes.CN": "national_code_cn",
    "national_codes.EU": "national_code_eu",
}
# The listing's own fields the form edits, in the services' names.
LISTING_FIELDS = (
    "title",
    "description",
    "brand",
    "gtin",
    "category",
    "hs_code",
    "origin_country",
    "unit_price",
    "min_order_quantity",
    "unit_of_measure",
    "stock",
    "weight_kg",
    "net_weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
)
UPPER_CODE = forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"})


def _decimal(places: int, minimum: str, *, required: bool = True, **kwargs: Any) -> Any:
    return forms.DecimalField(
        max_digits=12,
        decimal_places=places,
        min_value=Decimal(minimum),
        required=required,
        widget=forms.NumberInput(attrs={"step": minimum, "inputmode": "decimal"}),
        **kwargs,
    )


class ListingForm(forms.Form):
    """Creates a listing, or (with `product`) changes one: the SKU and currency stay fixed."""

    sku = forms.RegexField(
        regex=SKU_PATTERN,
        max_length=64,
        label="SKU",
        help_text="Your own stock-keeping unit: letters, digits, dot, dash, underscore.",
        error_messages={"invalid": "Use letters, digits, dot, dash or underscore."},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    title = forms.CharField(max_length=200, label="Title (English)")
    title_zh = forms.CharField(
        max_length=200,
        required=False,
        label="Title (Simplified Chinese)",
        help_text="Needed to sell in China.",
        widget=forms.TextInput(attrs={"lang": "zh-Hans"}),
    )
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    brand = forms.CharField(max_length=100, required=False)
    gtin = forms.RegexField(
        regex=r"^([0-9]{8}|[0-9]{12,14})$",
        required=False,
        label="GTIN",
        help_text="The barcode number: GTIN-8, -12, -13 or -14.",
        error_messages={"invalid": "A GTIN has 8, 12, 13 or 14 digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER)
    hs_code = forms.RegexField(
        regex=r"^[0-9]{6}$",
        label="HS code",
        help_text="Harmonized System subheading, 6 digits (e.g. 180690 for chocolate).",
        error_messages={"invalid": "An HS code is 6 digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    national_code_cn = forms.RegexField(
        regex=r"^[0-9]{10}$",
        required=False,
        label="China Customs code",
        help_text="Optional: 10 digits, starting with the HS code.",
        error_messages={"invalid": "China's code has 10 digits."},
    )
    national_code_eu = forms.RegexField(
        regex=r"^[0-9]{8}([0-9]{2})?$",
        required=False,
        label="EU CN or TARIC code",
        help_text="Optional: 8 or 10 digits, starting with the HS code.",
        error_messages={"invalid": "An EU code has 8 or 10 digits."},
    )
    origin_country = forms.RegexField(
        regex=r"^[A-Za-z]{2}$",
        label="Country of origin",
        help_text="Two letters (ISO 3166-1), e.g. BE.",
        error_messages={"invalid": "Use the two-letter country code, e.g. BE."},
        widget=UPPER_CODE,
    )
    markets = forms.CharField(
        max_length=200,
        initial="CN",
        label="Markets",
        help_text="Countries you sell to, two letters each, separated by commas.",
        widget=UPPER_CODE,
    )
    unit_price = _decimal(2, "0.01", label="Price per unit")
    currency = forms.RegexField(
        regex=r"^[A-Za-z]{3}$",
        initial="EUR",
        help_text="Three letters (ISO 4217), e.g. EUR.",
        error_messages={"invalid": "Use the three-letter currency code, e.g. EUR."},
        widget=UPPER_CODE,
    )
    min_order_quantity = forms.IntegerField(
        min_value=1, max_value=100_000, initial=1, label="Minimum order quantity"
    )
    unit_of_measure = forms.ChoiceField(
        choices=UnitOfMeasure.choices, initial=UnitOfMeasure.PIECE, label="Unit"
    )
    stock = forms.IntegerField(min_value=0, max_value=10_000_000)
    weight_kg = _decimal(3, "0.001", label="Gross weight (kg)", help_text="One unit, packed.")
    net_weight_kg = _decimal(3, "0.001", required=False, label="Net weight (kg)")
    length_cm = _decimal(1, "0.1", required=False, label="Length (cm)")
    width_cm = _decimal(1, "0.1", required=False, label="Width (cm)")
    height_cm = _decimal(1, "0.1", required=False, label="Height (cm)")

    def __init__(self, *args: Any, product: Product | None = None, **kwargs: Any) -> None:
        self.product = product
        if product is not None:
            kwargs.setdefault("initial", self.initial_from(product))
        super().__init__(*args, **kwargs)
        if product is not None:
            for name in ("sku", "currency"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed once the listing exists."

    @staticmethod
    def initial_from(product: Product) -> dict[str, Any]:
        initial = {name: getattr(product, name) for name in LISTING_FIELDS}
        zh = next((t for t in product.translations.all() if t.language == "zh-Hans"), None)
        codes = product.national_codes or {}
        return initial | {
            "sku": product.sku,
            "currency": product.currency,
            "title_zh": zh.title if zh else "",
            "markets": ", ".join(product.markets),
            "national_code_cn": codes.get("CN", ""),
            "national_code_eu": codes.get("EU", ""),
        }

    def clean_origin_country(self) -> str:
        return str(self.cleaned_data["origin_country"]).upper()

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()

    def clean_markets(self) -> list[str]:
        markets = [m.strip().upper() for m in str(self.cleaned_data["markets"]).split(",")]
        markets = [m for m in markets if m]
        if not markets:
            raise forms.ValidationError("Name at least one country.")
        return markets

    def national_codes(self) -> dict[str, str]:
        data = self.cleaned_data
        codes = {"CN": data.get("national_code_cn", ""), "EU": data.get("national_code_eu", "")}
        return {market: code for market, code in codes.items() if code}

    def listing_values(self) -> dict[str, Any]:
        """The cleaned fields as the services name them."""
        data = self.cleaned_data
        values = {name: data[name] for name in LISTING_FIELDS}
        return values | {"markets": data["markets"], "national_codes": self.national_codes()}

    def changes(self, product: Product) -> dict[str, Any]:
        """What differs from the listing being edited: only those go to the service."""
        return {
            name: value
            for name, value in self.listing_values().items()
            if value != getattr(product, name)
        }

    def add_domain_error(self, error: DomainError) -> None:
        """Put a service's refusal next to the input it is about, or above the form."""
        name = FORM_FIELD_FOR_ERROR.get(error.field or "", error.field)
        if name is not None and name.startswith("markets"):
            name = "markets"
        self.add_error(name if name in self.fields else None, error.detail)

    @property
    def is_archived(self) -> bool:
        return self.product is not None and self.product.status == ProductStatus.ARCHIVED


class ListingFilterForm(forms.Form):
    """The listings page's filters: sent as a GET query, so a filtered page can be bookmarked."""

    status = forms.ChoiceField(
        choices=[("", "All statuses"), *ProductStatus.choices], required=False
    )
    q = forms.CharField(max_length=100, required=False, label="SKU or title")


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All statuses"), *OrderStatus.choices], required=False)
