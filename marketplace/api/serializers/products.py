"""A merchant's listings: what is sent and what comes back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer
from marketplace.api.serializers.fields import (
    SKU_PATTERN,
    CategoryField,
    CertificateKindField,
    CountryField,
    InitialStatusField,
    LanguageField,
    ProductStatusField,
    UnitOfMeasureField,
    WeightField,
)
from marketplace.models import (
    ProductStatus,
)

# --- products

NATIONAL_CODES_HELP = "Optional codes per destination refining the HS code"


class CentimetresField(serializers.DecimalField):
    """A dimension in centimetres to the millimetre, as a decimal string."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


class NationalCodesField(serializers.Serializer[Any]):
    CN = serializers.RegexField(
        r"^[0-9]{10}$", required=False, help_text="China Customs' 10-digit code"
    )
    EU = serializers.RegexField(
        r"^[0-9]{8}([0-9]{2})?$",
        required=False,
        help_text="EU Combined Nomenclature (8 digits) or TARIC code (10 digits)",
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        n: [serializers.ErrorDetail("Unknown field.", "unknown_field")]
                        for n in unknown
                    }
                )
        return super().to_internal_value(data)


class TranslationInput(StrictSerializer):
    language = LanguageField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class ListingFieldsInput(StrictSerializer):
    """The fields a listing is created with and later changed by (all optional on change)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True)
    gtin = serializers.RegexField(
        r"^([0-9]{8}|[0-9]{12,14})$",
        required=False,
        allow_blank=True,
        help_text="GTIN-8, -12, -13 or -14; checked by its check digit",
    )
    category = CategoryField(required=False)
    hs_code = serializers.RegexField(
        r"^[0-9]{6}$", help_text="Harmonized System subheading, known to the nomenclature"
    )
    national_codes = NationalCodesField(required=False, help_text=NATIONAL_CODES_HELP)
    origin_country = CountryField(help_text="ISO 3166-1 alpha-2")
    markets = serializers.ListField(
        child=CountryField(),
        min_length=1,
        max_length=50,
        required=False,
        help_text="Destination countries; CN (the default) needs a zh-Hans title to publish",
    )
    unit_price = MoneyAmountField(min_value=Decimal("0.01"))
    min_order_quantity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    unit_of_measure = UnitOfMeasureField(required=False)
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000)
    weight_kg = WeightField(min_value=Decimal("0.001"), help_text="Gross weight of one unit")
    net_weight_kg = WeightField(min_value=Decimal("0.001"), required=False, allow_null=True)
    length_cm = CentimetresField(min_value=Decimal("0.1"), required=False, allow_null=True)
    width_cm = CentimetresField(min_value=Decimal("0.1"), required=False, allow_null=True)
    height_cm = CentimetresField(min_value=Decimal("0.1"), required=False, allow_null=True)


class ProductCreateInput(ListingFieldsInput):
    sku = serializers.RegexField(SKU_PATTERN, help_text="Your own stock-keeping unit")
    currency = CurrencyField()
    status = InitialStatusField(default=ProductStatus.DRAFT)
    translations = TranslationInput(many=True, required=False, max_length=5)  # type: ignore[call-arg]  # DRF >= 3.14 passes max_length on


class ProductUpdateInput(ListingFieldsInput):
    """Only the fields sent change; the SKU and the currency never do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.", "empty")
        return attrs


class TranslationSetInput(StrictSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class VariantCreateInput(StrictSerializer):
    sku = serializers.RegexField(SKU_PATTERN, help_text="Unique among all your SKUs")
    attributes = serializers.DictField(
        child=serializers.CharField(max_length=100),
        help_text='What sets the variant apart, e.g. {"size": "500 g"}',
    )
    unit_price = MoneyAmountField(
        min_value=Decimal("0.01"), required=False, allow_null=True, default=None
    )
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)


class VariantUpdateInput(StrictSerializer):
    attributes = serializers.DictField(child=serializers.CharField(max_length=100), required=False)
    unit_price = MoneyAmountField(min_value=Decimal("0.01"), required=False, allow_null=True)
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.", "empty")
        return attrs


class PriceTierInput(StrictSerializer):
    min_quantity = serializers.IntegerField(min_value=2, max_value=1_000_000)
    unit_price = MoneyAmountField(min_value=Decimal("0.01"))


class PriceTiersInput(StrictSerializer):
    tiers = PriceTierInput(many=True, max_length=10)  # type: ignore[call-arg]  # DRF >= 3.14 passes max_length on


class CertificateInput(StrictSerializer):
    kind = CertificateKindField()
    number = serializers.CharField(max_length=100)
    issuer = serializers.CharField(max_length=200)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    # A declared field shadows Field.required only in the stubs: DRF pops declared fields.
    required = serializers.BooleanField(  # type: ignore[assignment]
        default=True, help_text="The listing is only on sale while this certificate is valid"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["valid_until"] < attrs["valid_from"]:
            raise serializers.ValidationError(
                {"valid_until": ["Ends before it starts."]}, "invalid"
            )
        return attrs


class ReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TranslationOutput(serializers.Serializer[Any]):
    language = LanguageField()
    title = serializers.CharField()
    description = serializers.CharField()


class VariantOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    sku = serializers.CharField()
    attributes = serializers.DictField(child=serializers.CharField())
    unit_price = MoneyAmountField(allow_null=True, help_text="null: the listing's price")
    stock = serializers.IntegerField()


class PriceTierOutput(serializers.Serializer[Any]):
    min_quantity = serializers.IntegerField()
    unit_price = MoneyAmountField()


class CertificateOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = CertificateKindField()
    number = serializers.CharField()
    issuer = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # see CertificateInput


class ProductOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    merchant = serializers.CharField(source="merchant.slug")
    sku = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    brand = serializers.CharField()
    gtin = serializers.CharField()
    category = CategoryField()
    hs_code = serializers.CharField()
    national_codes = NationalCodesField()
    origin_country = serializers.CharField()
    markets = serializers.ListField(child=serializers.CharField())
    unit_price = MoneyAmountField()
    currency = serializers.CharField()
    min_order_quantity = serializers.IntegerField()
    unit_of_measure = UnitOfMeasureField()
    stock = serializers.IntegerField()
    weight_kg = WeightField()
    net_weight_kg = WeightField(allow_null=True)
    length_cm = CentimetresField(allow_null=True)
    width_cm = CentimetresField(allow_null=True)
    height_cm = CentimetresField(allow_null=True)
    certifications = serializers.ListField(
        child=CertificateKindField(), help_text="Kinds of certificate valid today"
    )
    status = ProductStatusField()
    translations = TranslationOutput(many=True)
    variants = VariantOutput(many=True)
    price_tiers = PriceTierOutput(many=True)
    certificates = CertificateOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
