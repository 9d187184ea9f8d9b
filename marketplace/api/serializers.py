"""Input (strict) and output shapes of the marketplace API. Money travels as decimal strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer
from marketplace.models import OrderStatus, ProductStatus

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its offset; a time without one is ambiguous and refused."""

    default_error_messages = {"naive": "Give the UTC offset, e.g. 2026-11-25T14:03:00Z."}

    def enforce_timezone(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            self.fail("naive")
        return super().enforce_timezone(value)


class CountryField(serializers.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(r"^[A-Z]{2}$", **kwargs)
        self.error_messages["invalid"] = "Use an ISO 3166-1 alpha-2 code such as BE or CN."


class WeightField(serializers.DecimalField):
    """Kilograms to the gram, as a decimal string."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


@extend_schema_field(
    {"type": "string", "enum": ProductStatus.values}, component_name="ProductStatus"
)
class ProductStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ProductStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": OrderStatus.values}, component_name="OrderStatus")
class OrderStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrderStatus.choices, **kwargs)


# --- products


class ProductCreateInput(StrictSerializer):
    sku = serializers.RegexField(SKU_PATTERN, help_text="Your own stock-keeping unit")
    title = serializers.CharField(max_length=200)
    hs_code = serializers.RegexField(r"^[0-9]{6}$", help_text="Harmonized System subheading")
    origin_country = CountryField()
    unit_price = MoneyAmountField(min_value=Decimal("0.01"))
    currency = CurrencyField()
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000)
    weight_kg = WeightField(min_value=Decimal("0.001"), help_text="Gross weight of one unit")
    status = ProductStatusField(default=ProductStatus.DRAFT)


class ProductOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    merchant = serializers.CharField(source="merchant.slug")
    sku = serializers.CharField()
    title = serializers.CharField()
    hs_code = serializers.CharField()
    origin_country = serializers.CharField()
    unit_price = MoneyAmountField()
    currency = serializers.CharField()
    stock = serializers.IntegerField()
    weight_kg = WeightField()
    status = ProductStatusField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# --- orders


class OrderLineInput(StrictSerializer):
    sku = serializers.RegexField(SKU_PATTERN)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)


class OrderPlaceInput(StrictSerializer):
    reference = serializers.RegexField(REFERENCE_PATTERN, help_text="Your own order number")
    merchant = serializers.SlugField(max_length=64, help_text="The selling merchant's slug")
    payment_provider = serializers.SlugField(
        max_length=64, help_text="Slug of the payment provider that will confirm payment"
    )
    buyer_name = serializers.CharField(max_length=200)
    destination_country = CountryField()
    destination_airport = serializers.RegexField(r"^[A-Z]{3}$", help_text="IATA code")
    currency = CurrencyField()
    # DRF >= 3.14 passes max_length to the list serializer; the stubs do not know it yet.
    lines = OrderLineInput(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]


class OrderCancelInput(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OrderLineOutput(serializers.Serializer[Any]):
    line_number = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    hs_code = serializers.CharField()
    origin_country = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyAmountField()
    line_total = MoneyAmountField()
    unit_weight_kg = WeightField()


class OrderOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = OrderStatusField()
    marketplace = serializers.CharField(source="marketplace.slug")
    merchant = serializers.CharField(source="merchant.slug")
    payment_provider = serializers.CharField(source="payment_provider.slug")
    buyer_name = serializers.CharField()
    destination_country = serializers.CharField()
    destination_airport = serializers.CharField()
    currency = serializers.CharField()
    total = MoneyAmountField()
    lines = OrderLineOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class OrderListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)


# --- payments


class PaymentConfirmInput(StrictSerializer):
    transaction_id = serializers.RegexField(
        r"^[\x21-\x7e]{1,100}$", help_text="Your transaction id; confirming it twice is a no-op"
    )
    amount = MoneyAmountField(min_value=Decimal("0.01"))
    currency = CurrencyField()
    paid_at = AwareDateTimeField(required=False, help_text="When the buyer paid; now if omitted")


class PaymentOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    transaction_id = serializers.CharField()
    amount = MoneyAmountField()
    currency = serializers.CharField()
    paid_at = serializers.DateTimeField()
    order_status = OrderStatusField(source="order.status")
