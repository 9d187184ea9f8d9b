"""The listing form of the portal: the same fields as the partner API's listing input. The form
checks only shapes (a number is a number); every rule of the trade is the services', and
their DomainError is shown next to the field it names (`error.field`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ewtp.core.errors import DomainError
from marketplace.api.serializers.fields import SKU_PATTERN
from marketplace.models import (
    Category,
    CertificateKind,
    OrderStatus,
    Product,
    ProductStatus,
    UnitOfMeasure,
)
from marketplace.services.product_details import MAX_TIERS, PriceTierRequest

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


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """A service's refusal next to the input it names (`tiers.2.unit_price` → that row's
    `unit_price`), or above the form."""
    name = (error.field or "").rsplit(".", 1)[-1]
    form.add_error(name if name in form.fields else None, error.detail)


class VariantForm(forms.Form):
    """A variant of a listing: its own SKU (fixed once made), attributes, price and stock."""

    sku = forms.RegexField(
        regex=SKU_PATTERN,
        max_length=64,
        label="Variant SKU",
        error_messages={"invalid": "Use letters, digits, dot, dash or underscore."},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    attributes = forms.CharField(
        max_length=1000,
        label="What makes it different",
        help_text="One per line, name then value: “size: 500 g”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit_price = _decimal(
        2, "0.01", required=False, label="Price per unit", help_text="Empty: the listing's price."
    )
    stock = forms.IntegerField(min_value=0, max_value=10_000_000, initial=0)

    def __init__(self, *args: Any, existing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if existing:
            self.fields["sku"].disabled = True

    @staticmethod
    def attributes_text(attributes: dict[str, str]) -> str:
        return "\n".join(f"{name}: {value}" for name, value in attributes.items())

    def clean_attributes(self) -> dict[str, str]:
        attributes: dict[str, str] = {}
        for number, line in enumerate(str(self.cleaned_data["attributes"]).splitlines(), 1):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip() or not value.strip():
                raise forms.ValidationError(f"Line {number}: write “name: value”.")
            if name.strip() in attributes:
                raise forms.ValidationError(f"Line {number}: {name.strip()!r} is named twice.")
            attributes[name.strip()] = value.strip()
        if not attributes:
            raise forms.ValidationError("Name at least one attribute, e.g. “size: 500 g”.")
        return attributes


class PriceTierForm(forms.Form):
    """One quantity price; a row left empty is no tier."""

    min_quantity = forms.IntegerField(
        min_value=2, max_value=1_000_000, required=False, label="From quantity"
    )
    unit_price = _decimal(2, "0.01", required=False, label="Price per unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get("min_quantity") is not None, data.get("unit_price") is not None]
        if any(given) and not all(given):
            raise forms.ValidationError("Give both the quantity and its price, or neither.")
        return data

    def tier(self) -> PriceTierRequest | None:
        data = self.cleaned_data
        if data.get("min_quantity") is None:
            return None
        return PriceTierRequest(data["min_quantity"], data["unit_price"])


class BasePriceTierFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_domain_error(self, error: DomainError, *, filled: list[PriceTierForm]) -> None:
        """The service numbers only the tiers it was given (`tiers.1.unit_price`): put its
        refusal on that filled row, or above the table."""
        parts = (error.field or "").split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
            add_domain_error(filled[int(parts[1])], error)
        else:
            self._non_form_errors = self.error_class([error.detail])


PriceTierFormSet = forms.formset_factory(
    PriceTierForm,
    formset=BasePriceTierFormSet,
    extra=2,
    max_num=MAX_TIERS,
    validate_max=True,
    absolute_max=MAX_TIERS,
)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(choices=CertificateKind.choices)
    number = forms.CharField(max_length=100, label="Certificate number")
    issuer = forms.CharField(max_length=200, help_text="Who issued it, e.g. the laboratory.")
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    required = forms.BooleanField(
        required=False,
        initial=True,
        label="Needed to sell",
        help_text="The listing goes off sale when a needed certificate lapses.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "It cannot end before it starts.")
        return data


class ListingFilterForm(forms.Form):
    """The listings page's filters: sent as a GET query, so a filtered page can be bookmarked."""

    status = forms.ChoiceField(
        choices=[("", "All statuses"), *ProductStatus.choices], required=False
    )
    q = forms.CharField(max_length=100, required=False, label="SKU or title")


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All statuses"), *OrderStatus.choices], required=False)
