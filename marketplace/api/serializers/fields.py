"""Fields of the marketplace API: countries, weights, and the enums documented once each."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.models import (
    Category,
    CertificateKind,
    Language,
    OrderStatus,
    ProductStatus,
    UnitOfMeasure,
)
from marketplace.search import SortOrder

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


class _EnumField(serializers.ChoiceField):
    """A choice field over `enum_choices`, documented once as a named OpenAPI component."""

    enum_choices: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.enum_choices, **kwargs)


def _enum(values: list[str], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": values}
    if description:
        schema["description"] = description
    return schema


_INITIAL = [(ProductStatus.DRAFT.value, "Draft"), (ProductStatus.PUBLISHED.value, "Published")]


@extend_schema_field(
    _enum(
        [v for v, _ in _INITIAL],
        "A listing starts as a draft, or is published at once if it meets every rule.",
    ),
    component_name="ProductInitialStatus",
)
class InitialStatusField(_EnumField):
    enum_choices = _INITIAL


@extend_schema_field(_enum(Language.values, "BCP 47 language tag"), component_name="Language")
class LanguageField(_EnumField):
    enum_choices = Language.choices


@extend_schema_field(_enum(Category.values), component_name="Category")
class CategoryField(_EnumField):
    enum_choices = Category.choices


@extend_schema_field(_enum(CertificateKind.values), component_name="CertificateKind")
class CertificateKindField(_EnumField):
    enum_choices = CertificateKind.choices


@extend_schema_field(_enum(UnitOfMeasure.values), component_name="UnitOfMeasure")
class UnitOfMeasureField(_EnumField):
    enum_choices = UnitOfMeasure.choices


@extend_schema_field(
    _enum(list(SortOrder.ALL), "relevance needs q; the default is relevance with q, else newest"),
    component_name="ListingSort",
)
class SortField(_EnumField):
    enum_choices = [(value, value) for value in SortOrder.ALL]


@extend_schema_field({"type": "string", "enum": OrderStatus.values}, component_name="OrderStatus")
class OrderStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrderStatus.choices, **kwargs)
