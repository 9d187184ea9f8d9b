"""Landed-cost quotes: a listing's or a basket's goods, freight and taxes at a destination."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer
from marketplace.api.serializers.fields import CountryField, WeightField
from marketplace.services.landed_cost import MAX_LINES

IATA_HELP = "IATA code of the destination airport the hub flies to"


class _Destination(StrictSerializer):
    destination_country = CountryField(help_text="CN or an EU member state")
    destination_airport = serializers.RegexField(r"^[A-Z]{3}$", help_text=IATA_HELP)
    currency = CurrencyField(help_text="The buyer's currency (ECB reference rates)")


class ListingLandedCostQuery(_Destination):
    quantity = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, help_text="Default: the minimum order"
    )
    variant = serializers.UUIDField(required=False)


class LandedCostLineInput(StrictSerializer):
    listing = serializers.UUIDField()
    variant = serializers.UUIDField(required=False, allow_null=True)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class BasketLandedCostInput(_Destination):
    lines = LandedCostLineInput(many=True, allow_empty=False, max_length=MAX_LINES)  # type: ignore[call-arg]  # ListSerializer takes it; the stubs do not say so


class ExchangeRateUsedOutput(serializers.Serializer[Any]):
    base = serializers.CharField()
    quote = serializers.CharField()
    rate = serializers.DecimalField(max_digits=18, decimal_places=6, coerce_to_string=True)
    date = serializers.DateField(help_text="The ECB publication day the rate is from")


class ReasonOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()


class GoodsLineOutput(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    listing_id = serializers.UUIDField()
    variant_id = serializers.UUIDField(allow_null=True)
    sku = serializers.CharField()
    title = serializers.CharField()
    hs_code = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyAmountField(help_text="In the listing's currency, at this quantity")
    listing_currency = serializers.CharField()
    amount = MoneyAmountField(help_text="The line in the buyer's currency, net of `discount`")
    discount = MoneyAmountField(
        help_text="A running campaign's discount on the line, as checkout applies it"
    )


class RateField(serializers.DecimalField):
    """A rate in percent, to 4 places; null where none applies."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=7, decimal_places=4, coerce_to_string=True, allow_null=True, **kwargs
        )


class TaxLineOutput(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    code = serializers.CharField(help_text="The tariff line quoted")
    customs_value = MoneyAmountField(help_text="The base: dutiable (CN) or customs (EU) value")
    duty_rate = RateField(help_text="Tariff duty rate, percent")
    duty = MoneyAmountField()
    excise_rate = RateField(help_text="China's consumption tax, percent")
    excise = MoneyAmountField()
    vat_rate = RateField(help_text="Import VAT rate, percent")
    vat = MoneyAmountField()


class ConsignmentOutput(serializers.Serializer[Any]):
    merchant = serializers.CharField(source="merchant_slug")
    merchant_name = serializers.CharField()
    regime = serializers.CharField(help_text="CN_CBEC, EU_H7 (up to EUR 150) or EU_H1")
    rule_pack = serializers.CharField(allow_null=True)
    admissible = serializers.BooleanField()
    reasons = ReasonOutput(many=True, help_text="Why customs would not admit it (untaxed)")
    chargeable_weight_kg = WeightField(max_digits=12, decimal_places=1)
    goods_lines = GoodsLineOutput(many=True)
    tax_lines = TaxLineOutput(many=True)
    goods = MoneyAmountField()
    freight = MoneyAmountField()
    taxes = MoneyAmountField()
    total = MoneyAmountField()


class LandedCostOutput(serializers.Serializer[Any]):
    destination_country = serializers.CharField()
    destination_airport = serializers.CharField()
    currency = serializers.CharField()
    quoted_on = serializers.DateField()
    admissible = serializers.BooleanField(help_text="Every consignment admissible")
    consignments = ConsignmentOutput(many=True)
    goods = MoneyAmountField()
    freight = MoneyAmountField()
    taxes = MoneyAmountField()
    total = MoneyAmountField()
    rates = ExchangeRateUsedOutput(many=True)
