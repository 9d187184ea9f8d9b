"""The one check of a declaration a broker or carrier files (EU H7 / H1): every problem at once,
each with a stable code and the JSON pointer of the value it concerns. The dry run returns the
list; filing or amending refuses the same list (customs.services.filings).

Pure: the nomenclature, the exchange rate and the filer's references in use are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from customs.eori import eori_problem
from customs.models import PARTNER_REGIMES, PartyRole, Regime
from customs.taxes.eu_states import member_states
from customs.taxes.ioss import ioss_number_is_valid
from marketplace.countries import is_country

HS_CODE = re.compile(r"[0-9]{6}")
DOCUMENT_TYPE = re.compile(r"[A-Z0-9]{4}")
# H7 covers consignments of an intrinsic value up to EUR 150 (Regulation (EU) 2015/2446,
# Art. 143a; Council Regulation (EC) No 1186/2009, Art. 23).
H7_INTRINSIC_VALUE_LIMIT = Decimal("150.00")
PARTY_FIELDS_REQUIRED = ("name", "street", "city", "country")


class FilingCode:
    """Stable codes of what is wrong with a filing; partners branch on them."""

    REGIME_NOT_FILABLE = "regime_not_filable"
    SUBMITTER_REFERENCE_MISSING = "submitter_reference_missing"
    SUBMITTER_REFERENCE_TAKEN = "submitter_reference_taken"
    CURRENCY_UNKNOWN = "currency_unknown"
    TRANSPORT_COSTS_NEGATIVE = "transport_costs_negative"
    ITEMS_MISSING = "items_missing"
    HS_CODE_INVALID = "hs_code_invalid"
    HS_CODE_UNKNOWN = "hs_code_unknown"
    DESCRIPTION_MISSING = "description_missing"
    ORIGIN_COUNTRY_INVALID = "origin_country_invalid"
    QUANTITY_INVALID = "quantity_invalid"
    VALUE_INVALID = "value_invalid"
    H7_INTRINSIC_VALUE_EXCEEDS_150 = "h7_intrinsic_value_exceeds_150"
    IOSS_NUMBER_INVALID = "ioss_number_invalid"
    IOSS_NUMBER_NOT_H7 = "ioss_number_not_h7"
    PARTY_MISSING = "party_missing"
    PARTY_FIELD_MISSING = "party_field_missing"
    PARTY_COUNTRY_INVALID = "party_country_invalid"
    CONSIGNEE_NOT_IN_EU = "consignee_not_in_eu"
    EORI_MISSING = "eori_missing"
    EORI_INVALID = "eori_invalid"
    DOCUMENT_TYPE_INVALID = "document_type_invalid"
    DOCUMENT_REFERENCE_MISSING = "document_reference_missing"
    DOCUMENT_DATE_IN_FUTURE = "document_date_in_future"


@dataclass(frozen=True, slots=True)
class FilingProblem:
    code: str
    pointer: str
    detail: str


@dataclass(frozen=True, slots=True)
class PartyFiling:
    name: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    eori: str = ""


@dataclass(frozen=True, slots=True)
class GoodsItemFiling:
    hs_code: str = ""
    description: str = ""
    origin_country: str = ""
    quantity: int | None = None
    value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DocumentFiling:
    type_code: str = ""
    reference: str = ""
    issued_on: date | None = None


@dataclass(frozen=True, slots=True)
class DeclarationFiling:
    """What a broker or carrier files, as parsed from the API (amounts in `currency`)."""

    regime: str
    submitter_reference: str
    currency: str
    transport_costs: Decimal = Decimal("0.00")
    ioss_number: str | None = None
    parties: Mapping[str, PartyFiling | None] = field(default_factory=dict)
    items: Sequence[GoodsItemFiling] = ()
    documents: Sequence[DocumentFiling] = ()

    @property
    def consignee(self) -> PartyFiling | None:
        return self.parties.get(PartyRole.CONSIGNEE)

    @property
    def goods_value(self) -> Decimal:
        return sum((item.value or Decimal(0) for item in self.items), Decimal("0.00"))

    def content(self) -> dict[str, Any]:
        """The filing as JSON (amounts and dates as strings): a version's snapshot."""

        def plain(value: Any) -> Any:
            if isinstance(value, Decimal | date):
                return str(value)
            if isinstance(value, dict):
                return {key: plain(inner) for key, inner in value.items()}
            if isinstance(value, list | tuple):
                return [plain(inner) for inner in value]
            return value

        return {
            "regime": self.regime,
            "submitter_reference": self.submitter_reference,
            "currency": self.currency,
            "transport_costs": str(self.transport_costs),
            "ioss_number": self.ioss_number,
            "parties": {
                role: None if party is None else plain(asdict(party))
                for role, party in sorted(self.parties.items())
            },
            "items": [plain(asdict(item)) for item in self.items],
            "documents": [plain(asdict(document)) for document in self.documents],
        }


@dataclass(frozen=True, slots=True)
class FilingContext:
    """What the check looks up outside the filing."""

    known_hs_codes: set[str]
    # Units of EUR per unit of the filing's currency; None when no reference rate exists.
    rate_to_eur: Callable[[str], Decimal | None]
    reference_taken: Callable[[str], bool]
    today: date


def _parties(filing: DeclarationFiling) -> list[FilingProblem]:
    problems: list[FilingProblem] = []
    for role in PartyRole:
        pointer = f"/parties/{role.value}"
        party = filing.parties.get(role)
        if party is None:
            problems.append(
                FilingProblem(FilingCode.PARTY_MISSING, pointer, f"The {role.value} is missing.")
            )
            continue
        problems.extend(
            FilingProblem(
                FilingCode.PARTY_FIELD_MISSING,
                f"{pointer}/{name}",
                f"The {role.value}'s {name.replace('_', ' ')} is missing.",
            )
            for name in PARTY_FIELDS_REQUIRED
            if not getattr(party, name).strip()
        )
        if party.country and not is_country(party.country):
            problems.append(
                FilingProblem(
                    FilingCode.PARTY_COUNTRY_INVALID,
                    f"{pointer}/country",
                    f"{party.country!r} is not an ISO 3166-1 alpha-2 country code.",
                )
            )
        elif role == PartyRole.CONSIGNEE and party.country and party.country not in member_states():
            problems.append(
                FilingProblem(
                    FilingCode.CONSIGNEE_NOT_IN_EU,
                    f"{pointer}/country",
                    f"{party.country} is not an EU member state: H7 and H1 are EU imports.",
                )
            )
        # The declarant lodges the declaration, and under H1 the consignee is the importer:
        # both need an EORI number (UCC Art. 9). A private buyer under H7 has none.
        needs_eori = role == PartyRole.DECLARANT or (
            role == PartyRole.CONSIGNEE and filing.regime == Regime.EU_H1
        )
        if party.eori:
            if (reason := eori_problem(party.eori)) is not None:
                problems.append(FilingProblem(FilingCode.EORI_INVALID, f"{pointer}/eori", reason))
        elif needs_eori:
            problems.append(
                FilingProblem(
                    FilingCode.EORI_MISSING,
                    f"{pointer}/eori",
                    f"The {role.value} needs an EORI number under {filing.regime}.",
                )
            )
    return problems


def _items(filing: DeclarationFiling, context: FilingContext) -> list[FilingProblem]:
    if not filing.items:
        return [FilingProblem(FilingCode.ITEMS_MISSING, "/items", "Declare at least one item.")]
    problems: list[FilingProblem] = []
    for index, item in enumerate(filing.items):
        pointer = f"/items/{index}"
        if not HS_CODE.fullmatch(item.hs_code):
            problems.append(
                FilingProblem(
                    FilingCode.HS_CODE_INVALID,
                    f"{pointer}/hs_code",
                    f"{item.hs_code!r} is not a 6-digit HS subheading.",
                )
            )
        elif item.hs_code not in context.known_hs_codes:
            problems.append(
                FilingProblem(
                    FilingCode.HS_CODE_UNKNOWN,
                    f"{pointer}/hs_code",
                    f"HS code {item.hs_code} is not in the nomenclature.",
                )
            )
        if not item.description.strip():
            problems.append(
                FilingProblem(
                    FilingCode.DESCRIPTION_MISSING,
                    f"{pointer}/description",
                    "Describe the goods in plain words.",
                )
            )
        if not is_country(item.origin_country):
            problems.append(
                FilingProblem(
                    FilingCode.ORIGIN_COUNTRY_INVALID,
                    f"{pointer}/origin_country",
                    f"{item.origin_country!r} is not an ISO 3166-1 alpha-2 country code.",
                )
            )
        if item.quantity is None or item.quantity < 1:
            problems.append(
                FilingProblem(
                    FilingCode.QUANTITY_INVALID, f"{pointer}/quantity", "At least 1 unit."
                )
            )
        if item.value is None or item.value < 0:
            problems.append(
                FilingProblem(
                    FilingCode.VALUE_INVALID,
                    f"{pointer}/value",
                    "The value is an amount of 0 or more in the declaration's currency.",
                )
            )
    return problems


def _value_and_ioss(filing: DeclarationFiling, context: FilingContext) -> list[FilingProblem]:
    problems: list[FilingProblem] = []
    rate = context.rate_to_eur(filing.currency)
    if rate is None:
        problems.append(
            FilingProblem(
                FilingCode.CURRENCY_UNKNOWN,
                "/currency",
                f"No ECB reference rate for {filing.currency!r}.",
            )
        )
    elif filing.regime == Regime.EU_H7:
        intrinsic = (filing.goods_value * rate).quantize(Decimal("0.01"))
        if intrinsic > H7_INTRINSIC_VALUE_LIMIT:
            problems.append(
                FilingProblem(
                    FilingCode.H7_INTRINSIC_VALUE_EXCEEDS_150,
                    "/items",
                    f"The goods are worth {intrinsic} EUR, over {H7_INTRINSIC_VALUE_LIMIT} EUR:"
                    " declare them under H1.",
                )
            )
    if filing.transport_costs < 0:
        problems.append(
            FilingProblem(
                FilingCode.TRANSPORT_COSTS_NEGATIVE, "/transport_costs", "Must be 0 or more."
            )
        )
    if filing.ioss_number is not None:
        if filing.regime != Regime.EU_H7:
            problems.append(
                FilingProblem(
                    FilingCode.IOSS_NUMBER_NOT_H7,
                    "/ioss_number",
                    "An IOSS number applies only to an H7 low-value consignment.",
                )
            )
        elif not ioss_number_is_valid(filing.ioss_number):
            problems.append(
                FilingProblem(
                    FilingCode.IOSS_NUMBER_INVALID,
                    "/ioss_number",
                    f"{filing.ioss_number!r} is not IM + a member state's 3-digit code + 7 digits.",
                )
            )
    return problems


def _documents(filing: DeclarationFiling, context: FilingContext) -> list[FilingProblem]:
    problems: list[FilingProblem] = []
    for index, document in enumerate(filing.documents):
        pointer = f"/documents/{index}"
        if not DOCUMENT_TYPE.fullmatch(document.type_code):
            problems.append(
                FilingProblem(
                    FilingCode.DOCUMENT_TYPE_INVALID,
                    f"{pointer}/type_code",
                    "A document type is a 4-character EU code such as N380 or N740.",
                )
            )
        if not document.reference.strip():
            problems.append(
                FilingProblem(
                    FilingCode.DOCUMENT_REFERENCE_MISSING,
                    f"{pointer}/reference",
                    "The document's reference is missing.",
                )
            )
        if document.issued_on is not None and document.issued_on > context.today:
            problems.append(
                FilingProblem(
                    FilingCode.DOCUMENT_DATE_IN_FUTURE,
                    f"{pointer}/issued_on",
                    f"Issued on {document.issued_on}, after today.",
                )
            )
    return problems


def filing_problems(filing: DeclarationFiling, context: FilingContext) -> list[FilingProblem]:
    """Everything wrong with a filing, in the order of the document; empty when it may be
    filed."""
    problems: list[FilingProblem] = []
    if filing.regime not in PARTNER_REGIMES:
        problems.append(
            FilingProblem(
                FilingCode.REGIME_NOT_FILABLE,
                "/regime",
                f"Partners file {' or '.join(sorted(PARTNER_REGIMES))}, not {filing.regime}.",
            )
        )
    if not filing.submitter_reference.strip():
        problems.append(
            FilingProblem(
                FilingCode.SUBMITTER_REFERENCE_MISSING,
                "/submitter_reference",
                "Give your own reference for this consignment.",
            )
        )
    elif context.reference_taken(filing.submitter_reference):
        problems.append(
            FilingProblem(
                FilingCode.SUBMITTER_REFERENCE_TAKEN,
                "/submitter_reference",
                f"You already filed {filing.submitter_reference!r}; amend that declaration.",
            )
        )
    problems.extend(_value_and_ioss(filing, context))
    problems.extend(_parties(filing))
    problems.extend(_items(filing, context))
    problems.extend(_documents(filing, context))
    return problems


__all__ = [
    "DeclarationFiling",
    "DocumentFiling",
    "FilingCode",
    "FilingContext",
    "FilingProblem",
    "GoodsItemFiling",
    "PartyFiling",
    "filing_problems",
]
