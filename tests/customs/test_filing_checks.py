"""The one check of a broker's or carrier's EU filing: every code at its JSON pointer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from customs.filing_checks import (
    DeclarationFiling,
    DocumentFiling,
    FilingCode,
    FilingContext,
    GoodsItemFiling,
    PartyFiling,
    filing_problems,
)

TODAY = date(2026, 11, 25)
# What the check looks up, given here as plain values: EUR and USD have reference rates.
RATES = {"EUR": Decimal(1), "USD": Decimal("0.9")}
CONTEXT = FilingContext(
    known_hs_codes={"180690", "220300"},
    rate_to_eur=RATES.get,
    reference_taken=lambda reference: reference == "BRK-TAKEN",
    today=TODAY,
)

CONSIGNOR = PartyFiling("Shenzhen Sweets Co.", "1 Keji Road", "Shenzhen", "518000", "CN")
CONSIGNEE = PartyFiling("Anna Müller", "Hauptstraße 5", "Köln", "50667", "DE")
DECLARANT = PartyFiling("Brokers BV", "Aéroport 1", "Liège", "4460", "BE", "BE0456781215")
GOODS = GoodsItemFiling("180690", "Pralines", "CN", 2, Decimal("24.00"))


def h7(**changes: object) -> DeclarationFiling:
    filing = DeclarationFiling(
        regime="EU_H7",
        submitter_reference="BRK-1",
        currency="EUR",
        transport_costs=Decimal("5.00"),
        ioss_number="IM0561234567",
        parties={"consignor": CONSIGNOR, "consignee": CONSIGNEE, "declarant": DECLARANT},
        items=[GOODS, dataclasses.replace(GOODS, hs_code="220300", description="Beer")],
        documents=[DocumentFiling("N380", "INV-1", date(2026, 11, 20))],
    )
    return dataclasses.replace(filing, **changes)  # type: ignore[arg-type]


def item(**changes: object) -> list[GoodsItemFiling]:
    return [GOODS, dataclasses.replace(GOODS, **changes)]  # type: ignore[arg-type]


def party(role: str, **changes: object) -> dict[str, PartyFiling | None]:
    parties: dict[str, PartyFiling | None] = {
        "consignor": CONSIGNOR,
        "consignee": CONSIGNEE,
        "declarant": DECLARANT,
    }
    current = parties[role]
    assert current is not None
    parties[role] = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
    return parties


def without(role: str) -> dict[str, PartyFiling | None]:
    parties: dict[str, PartyFiling | None] = {
        "consignor": CONSIGNOR,
        "consignee": CONSIGNEE,
        "declarant": DECLARANT,
    }
    parties[role] = None
    return parties


def test_a_good_filing_has_no_problem():
    assert filing_problems(h7(), CONTEXT) == []
    assert filing_problems(h7(regime="EU_H1", ioss_number=None, parties=party(
        "consignee", eori="BE0456781215"
    )), CONTEXT) == []  # fmt: skip


CASES: list[tuple[str, Callable[[], DeclarationFiling], str]] = [
    ("regime_not_filable", lambda: h7(regime="CN_CBEC", ioss_number=None), "/regime"),
    ("submitter_reference_missing", lambda: h7(submitter_reference=" "), "/submitter_reference"),
    (
        "submitter_reference_taken",
        lambda: h7(submitter_reference="BRK-TAKEN"),
        "/submitter_reference",
    ),
    ("currency_unknown", lambda: h7(currency="XXX"), "/currency"),
    ("transport_costs_negative", lambda: h7(transport_costs=Decimal("-1")), "/transport_costs"),
    ("items_missing", lambda: h7(items=[]), "/items"),
    ("hs_code_invalid", lambda: h7(items=item(hs_code="1806")), "/items/1/hs_code"),
    ("hs_code_unknown", lambda: h7(items=item(hs_code="999999")), "/items/1/hs_code"),
    ("description_missing", lambda: h7(items=item(description="")), "/items/1/description"),
    (
        "origin_country_invalid",
        lambda: h7(items=item(origin_country="XX")),
        "/items/1/origin_country",
    ),
    ("quantity_invalid", lambda: h7(items=item(quantity=0)), "/items/1/quantity"),
    ("quantity_invalid", lambda: h7(items=item(quantity=None)), "/items/1/quantity"),
    ("value_invalid", lambda: h7(items=item(value=Decimal("-0.01"))), "/items/1/value"),
    ("value_invalid", lambda: h7(items=item(value=None)), "/items/1/value"),
    ("h7_intrinsic_value_exceeds_150", lambda: h7(items=item(value=Decimal("126.01"))), "/items"),
    (
        "h7_intrinsic_value_exceeds_150",
        lambda: h7(currency="USD", items=item(value=Decimal("143"))),
        "/items",
    ),
    ("ioss_number_invalid", lambda: h7(ioss_number="IM9991234567"), "/ioss_number"),
    ("ioss_number_invalid", lambda: h7(ioss_number="EU372022452"), "/ioss_number"),
    (
        "ioss_number_not_h7",
        lambda: h7(regime="EU_H1", parties=party("consignee", eori="BE0456781215")),
        "/ioss_number",
    ),
    ("party_missing", lambda: h7(parties=without("consignor")), "/parties/consignor"),
    (
        "party_field_missing",
        lambda: h7(parties=party("consignee", name="")),
        "/parties/consignee/name",
    ),
    (
        "party_field_missing",
        lambda: h7(parties=party("consignor", street="")),
        "/parties/consignor/street",
    ),
    (
        "party_field_missing",
        lambda: h7(parties=party("declarant", city="")),
        "/parties/declarant/city",
    ),
    (
        "party_field_missing",
        lambda: h7(parties=party("consignee", country="")),
        "/parties/consignee/country",
    ),
    (
        "party_country_invalid",
        lambda: h7(parties=party("consignor", country="XX")),
        "/parties/consignor/country",
    ),
    (
        "consignee_not_in_eu",
        lambda: h7(parties=party("consignee", country="CH")),
        "/parties/consignee/country",
    ),
    ("eori_missing", lambda: h7(parties=party("declarant", eori="")), "/parties/declarant/eori"),
    ("eori_missing", lambda: h7(regime="EU_H1", ioss_number=None), "/parties/consignee/eori"),
    (
        "eori_invalid",
        lambda: h7(parties=party("declarant", eori="BE0456781214")),
        "/parties/declarant/eori",
    ),
    (
        "eori_invalid",
        lambda: h7(parties=party("consignor", eori="1234")),
        "/parties/consignor/eori",
    ),
    (
        "document_type_invalid",
        lambda: h7(documents=[DocumentFiling("380", "INV-1")]),
        "/documents/0/type_code",
    ),
    (
        "document_reference_missing",
        lambda: h7(documents=[DocumentFiling("N380", "")]),
        "/documents/0/reference",
    ),
    (
        "document_date_in_future",
        lambda: h7(documents=[DocumentFiling("N380", "I", date(2026, 11, 26))]),
        "/documents/0/issued_on",
    ),
]


@pytest.mark.parametrize(("code", "make", "pointer"), CASES)
def test_each_problem_has_its_code_and_pointer(code, make, pointer):
    problems = filing_problems(make(), CONTEXT)

    assert [(p.code, p.pointer) for p in problems] == [(code, pointer)]
    assert problems[0].detail


def test_every_code_is_tested():
    codes = {value for name, value in vars(FilingCode).items() if name.isupper()}
    assert codes == {code for code, _, _ in CASES}


def test_all_problems_are_listed_at_once_in_document_order():
    filing = h7(
        currency="XXX",
        parties=party("declarant", eori=""),
        items=item(hs_code="x", quantity=0),
        documents=[DocumentFiling("bad", "")],
    )

    assert [(p.code, p.pointer) for p in filing_problems(filing, CONTEXT)] == [
        ("currency_unknown", "/currency"),
        ("eori_missing", "/parties/declarant/eori"),
        ("hs_code_invalid", "/items/1/hs_code"),
        ("quantity_invalid", "/items/1/quantity"),
        ("document_type_invalid", "/documents/0/type_code"),
        ("document_reference_missing", "/documents/0/reference"),
    ]


def test_a_private_buyer_under_h7_needs_no_eori_and_a_german_eori_is_checked_for_shape_only():
    assert filing_problems(h7(parties=party("consignee", eori="DE1234567")), CONTEXT) == []
