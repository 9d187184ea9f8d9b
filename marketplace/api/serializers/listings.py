"""Listings on sale, as marketplaces search and read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer
from marketplace.api.serializers.fields import (
    CategoryField,
    CertificateKindField,
    CountryField,
    LanguageField,
    SortField,
    UnitOfMeasureField,
)
from marketplace.api.serializers.products import (
    ProductOutput,
)
from marketplace.search import MAX_LIMIT, SortOrder

# --- listings on sale (marketplace partners)


class MerchantSummaryOutput(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()


class ListingOutput(ProductOutput):
    merchant = MerchantSummaryOutput()  # type: ignore[assignment]  # richer than the merchant's own view


class ListingSummaryOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    merchant = MerchantSummaryOutput()
    sku = serializers.CharField()
    title = serializers.CharField(help_text="In the language asked for (lang), else the default")
    title_language = serializers.CharField(allow_null=True, help_text="null: the default title")
    brand = serializers.CharField()
    category = CategoryField()
    hs_code = serializers.CharField()
    origin_country = serializers.CharField()
    unit_price = MoneyAmountField()
    currency = serializers.CharField()
    min_order_quantity = serializers.IntegerField()
    unit_of_measure = UnitOfMeasureField()
    stock = serializers.IntegerField()
    certifications = serializers.ListField(child=CertificateKindField())
    markets = serializers.ListField(child=serializers.CharField())


class ListingSearchQuery(StrictSerializer):
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Words in any listing language; parts of words and Chinese match too",
    )
    origin = CountryField(required=False, help_text="Country of origin")
    merchant = serializers.SlugField(max_length=64, required=False)
    category = CategoryField(required=False)
    certification = CertificateKindField(required=False)
    hs_chapter = serializers.RegexField(r"^[0-9]{2}$", required=False)
    market = CountryField(required=False, help_text="Only listings offered in this country")
    price_min = MoneyAmountField(min_value=Decimal("0"), required=False)
    price_max = MoneyAmountField(min_value=Decimal("0"), required=False)
    currency = CurrencyField(
        required=False, default="EUR", help_text="The currency price_min/price_max are in"
    )
    sort = SortField(required=False)
    lang = LanguageField(required=False, help_text="Language of the titles returned")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)
    cursor = serializers.CharField(max_length=1000, required=False)
    facets = serializers.BooleanField(default=True, help_text="Facet counts (first page only)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"price_max": ["Lower than price_min."]}, "invalid")
        if attrs.get("sort") == SortOrder.RELEVANCE and not attrs["q"].strip():
            raise serializers.ValidationError(
                {"sort": ["Sorting by relevance needs q."]}, "invalid"
            )
        return attrs


class FacetValueOutput(serializers.Serializer[Any]):
    value = serializers.CharField(
        help_text="Filter value (price bands: CUR:min:max, max empty for the top band)"
    )
    label = serializers.CharField()  # type: ignore[assignment]  # see CertificateInput.required
    count = serializers.IntegerField()


class FacetsOutput(serializers.Serializer[Any]):
    category = FacetValueOutput(many=True)
    origin = FacetValueOutput(many=True)
    merchant = FacetValueOutput(many=True)
    certification = FacetValueOutput(many=True)
    price = FacetValueOutput(many=True)


class ListingSearchOutput(serializers.Serializer[Any]):
    count = serializers.IntegerField(
        allow_null=True, help_text="Listings matching in all (first page only)"
    )
    next = serializers.CharField(allow_null=True, help_text="URL of the next page")
    facets = FacetsOutput(allow_null=True, help_text="Counts over all matches (first page only)")
    results = ListingSummaryOutput(many=True)
