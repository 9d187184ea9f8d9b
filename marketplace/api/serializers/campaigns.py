"""Trade-promotion campaigns: agencies' input and view, marketplaces' view, results per day."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer
from marketplace.api.serializers.fields import CountryField
from marketplace.api.serializers.listings import MerchantSummaryOutput
from marketplace.models import CampaignStatus, DiscountFunder, DiscountKind


@extend_schema_field(
    {"type": "string", "enum": DiscountKind.values}, component_name="CampaignDiscountKind"
)
class DiscountKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DiscountKind.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": DiscountFunder.values}, component_name="CampaignDiscountFunder"
)
class DiscountFunderField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DiscountFunder.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": CampaignStatus.values}, component_name="CampaignStatus"
)
class CampaignStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=CampaignStatus.choices, **kwargs)


class CampaignInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    destination_country = CountryField(help_text="The market the campaign runs in")
    starts_on = serializers.DateField(help_text="First day (UTC)")
    ends_on = serializers.DateField(help_text="Last day (UTC), inclusive")
    discount_kind = DiscountKindField()
    discount_value = MoneyAmountField(
        min_value=Decimal("0.01"),
        max_digits=12,
        help_text="Percent (percentage) or the amount off each unit (fixed_amount)",
    )
    discount_currency = CurrencyField(
        required=False, allow_blank=True, help_text="fixed_amount only: the amount's currency"
    )
    funded_by = DiscountFunderField()


class CampaignEndInput(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CampaignListingInput(StrictSerializer):
    listing = serializers.UUIDField(help_text="A listing on sale, offered in the market")


class CampaignListingOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="product.id")
    sku = serializers.CharField(source="product.sku")
    title = serializers.CharField(source="product.title")
    merchant = MerchantSummaryOutput(source="product.merchant")
    unit_price = MoneyAmountField(source="product.unit_price")
    currency = serializers.CharField(source="product.currency")
    added_at = serializers.DateTimeField()


class CampaignOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    destination_country = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    discount_kind = DiscountKindField()
    discount_value = MoneyAmountField()
    discount_currency = serializers.CharField(help_text="Empty for a percentage")
    funded_by = DiscountFunderField()
    status = CampaignStatusField()
    listings = CampaignListingOutput(many=True, source="entries.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AgencySummaryOutput(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()


class FeaturedListingOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="listing.id")
    sku = serializers.CharField(source="listing.sku")
    title = serializers.CharField(source="listing.title")
    merchant = MerchantSummaryOutput(source="listing.merchant")
    unit_price = MoneyAmountField(source="listing.unit_price")
    discounted_price = MoneyAmountField(help_text="One unit at the base price, less the discount")
    currency = serializers.CharField(source="listing.currency")


class RunningCampaignOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="campaign.id")
    name = serializers.CharField(source="campaign.name")
    description = serializers.CharField(source="campaign.description")
    agency = AgencySummaryOutput(source="campaign.agency")
    destination_country = serializers.CharField(source="campaign.destination_country")
    starts_on = serializers.DateField(source="campaign.starts_on")
    ends_on = serializers.DateField(source="campaign.ends_on")
    discount_kind = DiscountKindField(source="campaign.discount_kind")
    discount_value = MoneyAmountField(source="campaign.discount_value")
    discount_currency = serializers.CharField(source="campaign.discount_currency")
    funded_by = DiscountFunderField(source="campaign.funded_by")
    listings = FeaturedListingOutput(many=True)


class RunningCampaignsQuery(StrictSerializer):
    destination_country = CountryField()
    on = serializers.DateField(required=False, help_text="Default: today (UTC)")


class RunningCampaignsOutput(serializers.Serializer[Any]):
    results = RunningCampaignOutput(many=True)


class CampaignDayOutput(serializers.Serializer[Any]):
    day = serializers.DateField(help_text="UTC day the orders were placed")
    currency = serializers.CharField(help_text="The orders' currency")
    orders = serializers.IntegerField()
    merchants = serializers.IntegerField(help_text="Merchants reached: distinct sellers")
    gmv = MoneyAmountField(help_text="Discounted lines as paid (line totals less discounts)")
    discount = MoneyAmountField()


class CampaignResultsOutput(serializers.Serializer[Any]):
    campaign = serializers.UUIDField()
    days = CampaignDayOutput(many=True)
