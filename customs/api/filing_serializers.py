"""Shapes of what brokers and carriers file (EU H7 / H1), of the dry run's answer, and of the
declaration's parties, documents, versions and export exit.

The input serializers check only shape (types, lengths); what the values mean is checked by
customs.filing_checks, so the dry run can list every problem of a filing at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from customs.filing_checks import DeclarationFiling, DocumentFiling, GoodsItemFiling, PartyFiling
from customs.models import PARTNER_REGIMES, PartyRole
from ewtp.core.api.serializers import MoneyAmountField, StrictSerializer


def _text(max_length: int, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=True,
        help_text=help_text,
    )


class PartyInput(StrictSerializer):
    name = _text(200)
    street = _text(200)
    city = _text(100)
    postal_code = _text(20)
    country = _text(8, "ISO 3166-1 alpha-2")
    eori = _text(24, "Required for the declarant, and for the consignee under EU_H1")


class PartiesInput(StrictSerializer):
    consignor = PartyInput(required=False, allow_null=True, default=None)
    consignee = PartyInput(
        required=False, allow_null=True, default=None, help_text="In an EU member state"
    )
    declarant = PartyInput(required=False, allow_null=True, default=None)


class GoodsItemInput(StrictSerializer):
    hs_code = _text(16, "6-digit HS subheading known to the nomenclature")
    description = _text(200)
    origin_country = _text(8, "ISO 3166-1 alpha-2")
    quantity = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=-1_000_000, max_value=1_000_000
    )
    value = MoneyAmountField(
        max_digits=12,
        required=False,
        allow_null=True,
        default=None,
        help_text="The item's intrinsic value (all units) in `currency`",
    )


class DocumentInput(StrictSerializer):
    type_code = _text(8, "EU document type code, e.g. N380 (invoice), N740 (air waybill)")
    reference = _text(70)
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class DeclarationFilingInput(StrictSerializer):
    """An EU import declaration of one consignment (one IOSS number at most). Amounts are
    decimal strings in `currency`."""

    regime = serializers.CharField(
        max_length=16,
        required=False,
        default="",
        allow_blank=True,
        help_text=" or ".join(sorted(PARTNER_REGIMES)),
    )
    submitter_reference = _text(64, "Your own reference, unique among your filings")
    currency = _text(8, "ISO 4217, with an ECB reference rate (EUR, USD, CNY, ...)")
    transport_costs = MoneyAmountField(
        max_digits=12,
        required=False,
        default=Decimal("0.00"),
        help_text="Transport and insurance to the EU border, in `currency`",
    )
    ioss_number = serializers.CharField(
        max_length=32, required=False, allow_null=True, default=None, help_text="EU_H7 only"
    )
    parties = PartiesInput(required=False, default=dict)
    items = serializers.ListField(
        child=GoodsItemInput(), required=False, default=list, max_length=100
    )
    documents = serializers.ListField(
        child=DocumentInput(), required=False, default=list, max_length=20
    )


def filing_from(data: dict[str, Any]) -> DeclarationFiling:
    """The parsed input as the filing customs checks and files."""
    parties = data.get("parties") or {}
    return DeclarationFiling(
        regime=data["regime"],
        submitter_reference=data["submitter_reference"],
        currency=data["currency"].upper(),
        transport_costs=data["transport_costs"],
        ioss_number=(data["ioss_number"] or "").replace(" ", "").upper() or None,
        parties={
            role.value: (
                None
                if parties.get(role.value) is None
                else PartyFiling(
                    **{**parties[role.value], "country": parties[role.value]["country"].upper()}
                )
            )
            for role in PartyRole
        },
        items=[
            GoodsItemFiling(**{**item, "origin_country": item["origin_country"].upper()})
            for item in data["items"]
        ],
        documents=[DocumentFiling(**document) for document in data["documents"]],
    )


class FilingProblemOutput(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable: partners branch on it")
    pointer = serializers.CharField(help_text="JSON pointer into the filing, e.g. /items/2/hs_code")
    detail = serializers.CharField()


class DeclarationCheckOutput(serializers.Serializer[Any]):
    valid = serializers.BooleanField()
    # `errors` shadows Serializer.errors (the validation errors), unused on an output shape.
    errors = FilingProblemOutput(  # type: ignore[assignment]
        many=True, help_text="Every problem; empty when valid"
    )


class DeclarationCancelInput(StrictSerializer):
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class ExitConfirmationInput(StrictSerializer):
    mrn = serializers.RegexField(
        r"^[0-9]{2}[A-Z]{2}[0-9A-Z]{14}$", help_text="The export's MRN, 18 characters"
    )
    exited_at = serializers.DateTimeField(help_text="When the goods left the EU")
    exit_office = serializers.RegexField(
        r"^[A-Z]{2}[A-Z0-9]{6}$", help_text="Customs office of exit, e.g. BE000200"
    )


class DeclarationPartyOutput(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    name = serializers.CharField()
    street = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    postal_code = serializers.CharField(allow_blank=True)
    country = serializers.CharField()
    eori = serializers.CharField(allow_blank=True)


class DeclarationDocumentOutput(serializers.Serializer[Any]):
    type_code = serializers.CharField()
    reference = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)


class DeclarationVersionOutput(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    changes = serializers.ListField(
        child=serializers.CharField(), help_text="JSON pointers changed from the version before"
    )
    filed_by = serializers.CharField(source="filed_by.slug")
    created_at = serializers.DateTimeField()
    content = serializers.DictField(help_text="The filing as it was in this version")


class ExportExitOutput(serializers.Serializer[Any]):
    mrn = serializers.CharField()
    exit_confirmed_at = serializers.DateTimeField(allow_null=True)
    exit_office = serializers.CharField(allow_blank=True)
