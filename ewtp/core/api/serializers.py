"""Serializer building blocks shared by every app's API."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rest_framework import serializers


class StrictSerializer(serializers.Serializer[Any]):
    """Rejects fields it does not know, so a typo is an error instead of silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [serializers.ErrorDetail("Unknown field.", code="unknown_field")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class MoneyAmountField(serializers.DecimalField):
    """An amount as a decimal string ("12.50"), never a float."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float):
            # floats cannot carry exact cents; partners must send strings
            self.fail("invalid")
        return super().to_internal_value(data)


class CurrencyField(serializers.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(r"^[A-Z]{3}$", **kwargs)
        self.error_messages["invalid"] = "Use an ISO 4217 code such as EUR or CNY."
