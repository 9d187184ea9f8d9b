"""Shapes of the customs API: declarations (read by partners; customs decides) and tax quotes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customs.api.filing_serializers import (
    DeclarationDocumentOutput,
    DeclarationPartyOutput,
    DeclarationVersionOutput,
)
from customs.models import Declaration, DeclarationStatus, Regime
from customs.receipts import receipt_for
from customs.taxes import ReasonCode
from customs.taxes import Regime as TaxRegime
from ewtp.core.api.serializers import CurrencyField, MoneyAmountField, StrictSerializer

ZERO = Decimal("0.00")


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
    assessed_unit_price = MoneyAmountField(
        allow_null=True, help_text="In the assessment currency; null until assessed"
    )
    customs_value = MoneyAmountField(allow_null=True)
    duty = MoneyAmountField(allow_null=True)
    excise = MoneyAmountField(allow_null=True)
    vat = MoneyAmountField(allow_null=True)


class AssessmentReasonOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()


class DeclarationAssessmentOutput(serializers.Serializer[Any]):
    """The taxes the clearance job assessed, in the regime's currency."""

    assessed_at = serializers.DateTimeField()
    acceptance_date = serializers.DateField(allow_null=True)
    rule_pack = serializers.CharField(allow_blank=True)
    currency = serializers.CharField(source="assessment_currency", allow_blank=True)
    exchange_rate = serializers.DecimalField(
        max_digits=18,
        decimal_places=8,
        allow_null=True,
        help_text="Units of `currency` per unit of the declared currency",
    )
    admissible = serializers.BooleanField()
    reasons = AssessmentReasonOutput(source="assessment_reasons", many=True)
    customs_value = MoneyAmountField(allow_null=True)
    duty = MoneyAmountField(allow_null=True)
    excise = MoneyAmountField(allow_null=True)
    vat = MoneyAmountField(allow_null=True)
    checkout_vat = MoneyAmountField(allow_null=True)
    total_tax = MoneyAmountField(allow_null=True)


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
    order_id = serializers.UUIDField(
        allow_null=True, help_text="The marketplace order; null for partner filings and exports"
    )
    order_reference = serializers.CharField(allow_blank=True)
    submitter_reference = serializers.CharField(
        allow_blank=True, help_text="The filer's own reference"
    )
    version = serializers.IntegerField(help_text="1 as filed; each amendment adds one")
    regime = RegimeField()
    status = DeclarationStatusField()
    receipt_code = serializers.SerializerMethodField(
        help_text="CN_CBEC: the China Single Window (CEB) receipt code; null otherwise"
    )
    receipt_text = serializers.SerializerMethodField()
    merchant = serializers.CharField(source="merchant.slug")
    submitter = serializers.CharField(source="submitter.slug")
    consignee_name = serializers.CharField()
    destination_country = serializers.CharField()
    currency = serializers.CharField()
    total_value = MoneyAmountField()
    transport_costs = MoneyAmountField()
    ioss_number = serializers.CharField(allow_blank=True)
    hold_reason_code = serializers.CharField(allow_blank=True)
    mrn = serializers.CharField(allow_blank=True, help_text="EU_EXPORT: the 18-character MRN")
    exit_confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="EU_EXPORT: when the office of exit saw the goods leave"
    )
    exit_office = serializers.CharField(allow_blank=True)
    lines = DeclarationLineOutput(many=True)
    parties = DeclarationPartyOutput(many=True)
    documents = DeclarationDocumentOutput(many=True)
    versions = DeclarationVersionOutput(many=True)
    decisions = ClearanceDecisionOutput(many=True)
    assessment = DeclarationAssessmentOutput(
        source="*", allow_null=True, help_text="Null until the clearance job assessed it"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if getattr(instance, "assessed_at", None) is None:
            data["assessment"] = None
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_receipt_code(self, declaration: Declaration) -> str | None:
        receipt = receipt_for(
            regime=declaration.regime,
            status=declaration.status,
            hold_reason_code=declaration.hold_reason_code,
        )
        return None if receipt is None else receipt.code

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_receipt_text(self, declaration: Declaration) -> str | None:
        receipt = receipt_for(
            regime=declaration.regime,
            status=declaration.status,
            hold_reason_code=declaration.hold_reason_code,
        )
        return None if receipt is None else receipt.text


class DeclarationListQuery(serializers.Serializer[Any]):
    order_id = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=DeclarationStatus.choices, required=False)
    regime = serializers.ChoiceField(choices=Regime.choices, required=False)


# --- Tax quotes


@extend_schema_field(
    {"type": "string", "enum": [r.value for r in TaxRegime]}, component_name="TaxRegime"
)
class TaxRegimeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[(r.value, r.value) for r in TaxRegime], **kwargs)


@extend_schema_field(
    {"type": "string", "enum": [c.value for c in ReasonCode]}, component_name="TaxQuoteReasonCode"
)
class ReasonCodeField(serializers.CharField):
    pass


# Far beyond any consignment, and small enough that every amount of the answer (taxes are a
# fraction of the value) fits the 16 integer digits money has in this API.
MAX_UNIT_PRICE = Decimal("1000000000.00")
MAX_CONSIGNMENT_VALUE = Decimal("1000000000000.00")


class TaxQuoteItemInput(StrictSerializer):
    """One line of goods."""

    code = serializers.RegexField(
        r"^[0-9]{6,13}$", help_text="HS code or national tariff code, 6 to 13 digits"
    )
    description = serializers.CharField(max_length=200, required=False, default="")
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_price = MoneyAmountField(
        min_value=Decimal("0.00"), max_value=MAX_UNIT_PRICE, help_text="In `currency`"
    )


class TaxQuoteInput(StrictSerializer):
    """Goods to quote under one regime. Money is a decimal string in `currency`; omitted
    amounts are 0. Unknown fields are refused."""

    regime = TaxRegimeField()
    destination_country = serializers.RegexField(
        r"^[A-Z]{2}$", help_text="ISO 3166-1 alpha-2: CN, or an EU member state"
    )
    currency = CurrencyField(help_text="CNY for the CN regimes, EUR for the EU ones")
    acceptance_date = serializers.DateField(
        required=False,
        help_text="Default: today in the regime's calendar (Asia/Shanghai for CN, "
        "Europe/Brussels for the EU)",
    )
    items = serializers.ListField(
        child=TaxQuoteItemInput(), min_length=1, max_length=500, help_text="The goods, by line"
    )
    freight = MoneyAmountField(min_value=Decimal("0.00"), required=False, default=ZERO)
    insurance = MoneyAmountField(min_value=Decimal("0.00"), required=False, default=ZERO)
    discount = MoneyAmountField(
        min_value=Decimal("0.00"), required=False, default=ZERO, help_text="China only"
    )
    onward_transport = MoneyAmountField(
        min_value=Decimal("0.00"), required=False, default=ZERO, help_text="EU only"
    )
    ioss_number = serializers.CharField(
        max_length=32, required=False, allow_null=True, default=None, help_text="EU H7 only"
    )
    buyer_id_number = serializers.RegexField(
        r"^[0-9]{17}[0-9Xx]$",
        required=False,
        allow_null=True,
        default=None,
        help_text="CN_CBEC: the buyer's PRC resident ID, to check their annual allowance. "
        "Never stored or returned.",
        error_messages={"invalid": "A PRC resident ID is 17 digits and a check character."},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        goods = sum((item["unit_price"] * item["quantity"] for item in attrs["items"]), ZERO)
        costs = attrs["freight"] + attrs["insurance"] + attrs["onward_transport"]
        if goods + costs > MAX_CONSIGNMENT_VALUE:
            raise serializers.ValidationError(
                {"items": [f"The consignment is worth more than {MAX_CONSIGNMENT_VALUE:,}."]},
                code="amount_too_large",
            )
        return attrs


class TaxQuoteReasonOutput(serializers.Serializer[Any]):
    code = ReasonCodeField()
    detail = serializers.CharField()


class TaxQuoteLineOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    customs_value = MoneyAmountField()
    duty = MoneyAmountField()
    excise = MoneyAmountField(help_text="China's consumption tax")
    vat = MoneyAmountField(help_text="VAT due at import")
    checkout_vat = MoneyAmountField(help_text="EU VAT collected at checkout under IOSS")


class TaxQuoteOutput(serializers.Serializer[Any]):
    regime = TaxRegimeField()
    currency = serializers.CharField()
    rule_pack = serializers.CharField(allow_null=True, help_text="The rule pack applied")
    admissible = serializers.BooleanField()
    reasons = TaxQuoteReasonOutput(many=True, help_text="Why not admissible; empty if it is")
    customs_value = MoneyAmountField()
    duty = MoneyAmountField()
    excise = MoneyAmountField(help_text="China's consumption tax")
    vat = MoneyAmountField(help_text="VAT due at import")
    checkout_vat = MoneyAmountField(help_text="EU VAT collected at checkout under IOSS")
    total_tax = MoneyAmountField(help_text="duty + excise + vat")
    lines = TaxQuoteLineOutput(many=True)
