"""Output shapes of the customs API (partners only read declarations; customs decides)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customs.models import DeclarationStatus, Regime
from ewtp.core.api.serializers import MoneyAmountField


@extend_schema_field(
    {"type": "string", "enum": DeclarationStatus.values}, component_name="DeclarationStatus"
)
class DeclarationStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DeclarationStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Regime.values}, component_name="CustomsRegime")
class RegimeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Regime.choices, **kwargs)


class DeclarationLineOutput(serializers.Serializer[Any]):
    line_number = serializers.IntegerField()
    hs_code = serializers.CharField()
    description = serializers.CharField()
    origin_country = serializers.CharField()
    quantity = serializers.IntegerField()
    value = MoneyAmountField()


class ClearanceDecisionOutput(serializers.Serializer[Any]):
    from_status = serializers.CharField(allow_blank=True, help_text="Empty when filed")
    to_status = DeclarationStatusField()
    reason_code = serializers.CharField()
    reason = serializers.CharField()
    decided_by = serializers.ChoiceField(
        choices=[("system", "system"), ("officer", "officer")],
        help_text="Officers are never named to partners",
    )
    decided_at = serializers.DateTimeField()


class DeclarationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    order_reference = serializers.CharField()
    regime = RegimeField()
    status = DeclarationStatusField()
    merchant = serializers.CharField(source="merchant.slug")
    submitter = serializers.CharField(source="submitter.slug")
    consignee_name = serializers.CharField()
    destination_country = serializers.CharField()
    currency = serializers.CharField()
    total_value = MoneyAmountField()
    hold_reason_code = serializers.CharField(allow_blank=True)
    lines = DeclarationLineOutput(many=True)
    decisions = ClearanceDecisionOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class DeclarationListQuery(serializers.Serializer[Any]):
    order_id = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=DeclarationStatus.choices, required=False)
