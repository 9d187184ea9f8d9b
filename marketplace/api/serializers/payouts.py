"""Merchants' payout statements."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import MoneyAmountField
from marketplace.models import PayoutStatus


class PayoutLineOutput(serializers.Serializer[Any]):
    order_id = serializers.UUIDField()
    reference = serializers.CharField()
    captured = MoneyAmountField(help_text="What the buyer paid in the month: goods, freight, taxes")
    gross_goods = MoneyAmountField(help_text="The goods before campaign discounts")
    merchant_discount = MoneyAmountField(help_text="The campaign discount the merchant funds")
    withheld = MoneyAmountField(
        help_text="Freight and taxes withheld for the carrier and customs; negative when a "
        "refund that makes the buyer whole gives them back"
    )
    refunded = MoneyAmountField()
    commission = MoneyAmountField(help_text="On the goods only")
    payment_fee = MoneyAmountField()
    net = MoneyAmountField()
    presentment_currency = serializers.CharField()
    exchange_rate = serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        coerce_to_string=True,
        help_text="ECB rate into the presentment currency, fixed when the order was placed",
    )
    exchange_rate_date = serializers.DateField()


class PayoutStatementOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    merchant = serializers.CharField(source="merchant.slug")
    month = serializers.DateField(format="%Y-%m", help_text="The calendar month (UTC), YYYY-MM")
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    commission_rate_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=True
    )
    payment_fee_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=True
    )
    gross_captured = MoneyAmountField()
    withheld = MoneyAmountField(help_text="Freight and taxes: the carrier's and customs' money")
    refunds = MoneyAmountField()
    commission = MoneyAmountField()
    payment_fees = MoneyAmountField()
    net_payout = MoneyAmountField(
        help_text="gross_captured - withheld - refunds - commission - payment_fees; the sum of "
        "the lines"
    )
    built_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    lines = PayoutLineOutput(many=True)
    created_at = serializers.DateTimeField()
