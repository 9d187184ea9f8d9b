"""Checkouts, orders, payments and refunds. A buyer's or payer's ID number comes in whole and
only ever goes out masked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer
from marketplace.api.serializers.fields import (
    REFERENCE_PATTERN,
    SKU_PATTERN,
    AwareDateTimeField,
    CountryField,
    OrderStatusField,
    WeightField,
)
from marketplace.models import (
    OrderStatus,
)

BUYER_ID_HELP = (
    "The buyer's 18-character PRC resident ID number (required for China); kept encrypted, "
    "only ever shown masked"
)


def buyer_id_field(help_text: str = BUYER_ID_HELP) -> serializers.CharField:
    return serializers.CharField(
        max_length=18, min_length=1, required=False, trim_whitespace=True, help_text=help_text
    )


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
    buyer_id_number = buyer_id_field()
    destination_country = CountryField()
    destination_airport = serializers.RegexField(r"^[A-Z]{3}$", help_text="IATA code")
    currency = CurrencyField(help_text="The merchant's currency, in which the order is paid")
    presentment_currency = CurrencyField(
        required=False,
        help_text="The buyer's currency: each line keeps the day's ECB rate into it",
    )
    # DRF >= 3.14 passes max_length to the list serializer; the stubs do not know it yet.
    lines = OrderLineInput(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]


class OrderCancelInput(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OrderReturnRequestInput(StrictSerializer):
    reason = serializers.CharField(max_length=500, help_text="Why the buyer sends the goods back")


class OrderReturnReceivedInput(StrictSerializer):
    received_at = AwareDateTimeField(
        required=False, help_text="When the goods were back in the bonded hub; now if omitted"
    )


class OrderLineDiscountOutput(serializers.Serializer[Any]):
    campaign_id = serializers.UUIDField()
    amount = MoneyAmountField(help_text="Taken off the line's price times its quantity")
    funded_by = serializers.CharField(help_text="merchant or agency")


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
    exchange_rate = serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        coerce_to_string=True,
        help_text="Presentment currency per unit of the order currency, fixed when placed",
    )
    exchange_rate_date = serializers.DateField(help_text="The ECB publication day of the rate")
    presentment_unit_price = MoneyAmountField()
    presentment_line_total = MoneyAmountField()
    discount = OrderLineDiscountOutput(
        allow_null=True,
        read_only=True,
        help_text="A trade-promotion campaign's discount on this line; the line total is net of it",
    )


class OrderOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    checkout_id = serializers.UUIDField(help_text="The checkout this merchant's order is part of")
    reference = serializers.CharField()
    status = OrderStatusField()
    marketplace = serializers.CharField(source="marketplace.slug")
    merchant = serializers.CharField(source="merchant.slug")
    payment_provider = serializers.CharField(source="payment_provider.slug")
    buyer_name = serializers.CharField()
    buyer_id_number_masked = serializers.CharField(
        source="checkout.buyer_id_masked", help_text="First 6 and last 4 characters; '' if none"
    )
    destination_country = serializers.CharField()
    destination_airport = serializers.CharField()
    currency = serializers.CharField()
    total = MoneyAmountField(help_text="The goods, net of campaign discounts")
    discount = MoneyAmountField(help_text="Campaign discounts, already off `total`")
    freight = MoneyAmountField(help_text="Air freight from the hub to the destination airport")
    taxes = MoneyAmountField(
        help_text="Import taxes customs computes (China CBEC); 0 where none are collected here"
    )
    amount_due = MoneyAmountField(help_text="total + freight + taxes: what the payment must be")
    tax_currency = serializers.CharField(help_text="The regime's currency of the taxes; '' if none")
    taxes_in_tax_currency = MoneyAmountField(help_text="The taxes as customs computes them")
    presentment_currency = serializers.CharField()
    presentment_total = MoneyAmountField()
    presentment_freight = MoneyAmountField()
    presentment_taxes = MoneyAmountField()
    presentment_amount_due = MoneyAmountField(
        help_text="The buyer's share of the checkout's amount due in their currency; "
        "presentment total + freight + taxes"
    )
    refunded_total = MoneyAmountField(help_text="What was given back to the buyer so far")
    cbec_value_cny = MoneyAmountField(
        allow_null=True, help_text="China: the dutiable value counted in the buyer's CBEC quota"
    )
    cny_rate = serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        coerce_to_string=True,
        allow_null=True,
        help_text="China: CNY per unit of the order currency (ECB), used for the CBEC limits",
    )
    cny_rate_date = serializers.DateField(allow_null=True)
    lines = OrderLineOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class OrderListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)


# --- checkouts


class CheckoutLineInput(StrictSerializer):
    merchant = serializers.SlugField(max_length=64, help_text="The selling merchant's slug")
    sku = serializers.RegexField(SKU_PATTERN)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)


class CheckoutPlaceInput(StrictSerializer):
    reference = serializers.RegexField(REFERENCE_PATTERN, help_text="Your own order number")
    payment_provider = serializers.SlugField(
        max_length=64, help_text="Slug of the payment provider that will confirm payment"
    )
    buyer_name = serializers.CharField(max_length=200)
    buyer_id_number = buyer_id_field()
    destination_country = CountryField()
    destination_airport = serializers.RegexField(r"^[A-Z]{3}$", help_text="IATA code")
    currency = CurrencyField(help_text="The currency every line is priced and paid in")
    presentment_currency = CurrencyField(
        required=False,
        help_text="The buyer's currency: the checkout total is converted once at the day's "
        "ECB rate and split over the orders and lines to the cent",
    )
    lines = CheckoutLineInput(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]


class CheckoutOrderOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    merchant = serializers.CharField(source="merchant.slug")
    status = OrderStatusField()
    total = MoneyAmountField(help_text="The goods, net of campaign discounts")
    discount = MoneyAmountField()
    freight = MoneyAmountField()
    taxes = MoneyAmountField()
    amount_due = MoneyAmountField(help_text="total + freight + taxes: what the payment must be")
    presentment_total = MoneyAmountField()
    presentment_freight = MoneyAmountField()
    presentment_taxes = MoneyAmountField()
    presentment_amount_due = MoneyAmountField()
    refunded_total = MoneyAmountField()
    lines = OrderLineOutput(many=True)


class CheckoutOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    marketplace = serializers.CharField(source="marketplace.slug")
    payment_provider = serializers.CharField(source="payment_provider.slug")
    buyer_name = serializers.CharField()
    buyer_id_number_masked = serializers.CharField(
        source="buyer_id_masked", help_text="First 6 and last 4 characters; '' if none"
    )
    destination_country = serializers.CharField()
    destination_airport = serializers.CharField()
    currency = serializers.CharField()
    total = MoneyAmountField(help_text="The sum of the orders' totals (goods)")
    freight = MoneyAmountField(help_text="The sum of the orders' freight")
    taxes = MoneyAmountField(help_text="The sum of the orders' taxes")
    amount_due = MoneyAmountField(help_text="total + freight + taxes: what the buyer pays")
    presentment_currency = serializers.CharField()
    presentment_total = MoneyAmountField(help_text="The sum of the orders' presentment totals")
    presentment_amount_due = MoneyAmountField(
        help_text="The amount due converted once at the day's ECB rate"
    )
    orders = CheckoutOrderOutput(many=True, help_text="One order per merchant")
    created_at = serializers.DateTimeField()


# --- payments


class PaymentConfirmInput(StrictSerializer):
    transaction_id = serializers.RegexField(
        r"^[\x21-\x7e]{1,100}$", help_text="Your transaction id; confirming it twice is a no-op"
    )
    amount = MoneyAmountField(min_value=Decimal("0.01"))
    currency = CurrencyField()
    paid_at = AwareDateTimeField(required=False, help_text="When the buyer paid; now if omitted")
    payer_name = serializers.CharField(max_length=200, required=False, default="")
    payer_id_number = buyer_id_field(
        "The payer's PRC resident ID number (required for China: the payer must be the buyer)"
    )


class PaymentOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    transaction_id = serializers.CharField()
    amount = MoneyAmountField()
    currency = serializers.CharField()
    paid_at = serializers.DateTimeField()
    payer_name = serializers.CharField()
    payer_id_number_masked = serializers.CharField(source="payer_id_masked")
    order_status = OrderStatusField(source="order.status")


# --- refunds


class RefundInput(StrictSerializer):
    transaction_id = serializers.RegexField(
        r"^[\x21-\x7e]{1,100}$",
        help_text="Your refund's transaction id; recording it twice is a no-op",
    )
    amount = MoneyAmountField(min_value=Decimal("0.01"))
    currency = CurrencyField()
    reason = serializers.CharField(max_length=500)
    refunded_at = AwareDateTimeField(
        required=False, help_text="When the money went back; now if omitted"
    )


class RefundOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    transaction_id = serializers.CharField()
    amount = MoneyAmountField()
    currency = serializers.CharField()
    reason = serializers.CharField()
    refunded_at = serializers.DateTimeField()
    order_status = OrderStatusField(source="order.status")
    order_refunded_total = MoneyAmountField(source="order.refunded_total")
