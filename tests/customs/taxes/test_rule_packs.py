"""Rule packs: data-driven parameters, selected by jurisdiction, regime and acceptance date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from customs.taxes import (
    GoodsLine,
    InMemoryTariff,
    ReasonCode,
    Regime,
    TaxQuoteRequest,
    quote,
    rule_packs,
    select_rule_pack,
)
from customs.taxes.rule_packs import RulePack

D = Decimal


@pytest.mark.parametrize(
    ("regime", "on", "expected"),
    [
        (Regime.CN_CBEC, date(2018, 12, 31), None),
        (Regime.CN_CBEC, date(2019, 1, 1), "CN-CBEC-2019"),
        (Regime.CN_GENERAL, date(2024, 6, 1), "CN-CBEC-2019"),
        (Regime.EU_H7, date(2021, 6, 30), None),
        (Regime.EU_H7, date(2021, 7, 1), "EU-LVC-2021"),
        (Regime.EU_H7, date(2026, 6, 30), "EU-LVC-2021"),
        (Regime.EU_H7, date(2026, 7, 1), "EU-LVC-2026-07"),
        (Regime.EU_H1, date(2031, 1, 1), "EU-LVC-2026-07"),
    ],
)
def test_the_latest_pack_in_force_on_the_acceptance_date_applies(
    regime: Regime, on: date, expected: str | None
) -> None:
    pack = select_rule_pack(jurisdiction=regime.jurisdiction, regime=regime, on=on)

    assert (None if pack is None else pack.id) == expected


def test_a_pack_of_another_jurisdiction_never_applies() -> None:
    assert select_rule_pack(jurisdiction="EU", regime=Regime.CN_CBEC, on=date(2025, 1, 1)) is None


def test_selection_does_not_depend_on_the_order_of_the_packs() -> None:
    reversed_packs = tuple(reversed(rule_packs()))

    pack = select_rule_pack(
        jurisdiction="EU", regime=Regime.EU_H7, on=date(2027, 1, 1), packs=reversed_packs
    )

    assert pack is not None
    assert pack.id == "EU-LVC-2026-07"


def by_id(pack_id: str) -> RulePack:
    return next(pack for pack in rule_packs() if pack.id == pack_id)


def test_cbec_pack_holds_the_2019_limits_and_the_70_percent_factor() -> None:
    limits = by_id("CN-CBEC-2019").require_cbec()

    assert limits.single_transaction_limit == D("5000")
    assert limits.annual_limit == D("26000")
    assert limits.tax_factor == D("0.7")
    assert by_id("CN-CBEC-2019").currency == "CNY"


@pytest.mark.parametrize(("pack_id", "duty"), [("EU-LVC-2021", "0"), ("EU-LVC-2026-07", "3")])
def test_eu_packs_hold_the_150_euro_limit_and_the_flat_duty(pack_id: str, duty: str) -> None:
    rules = by_id(pack_id).require_low_value()

    assert rules.intrinsic_value_limit == D("150")
    assert rules.duty_per_classification == D(duty)
    assert by_id(pack_id).currency == "EUR"


def test_a_pack_without_the_rules_asked_for_says_so() -> None:
    with pytest.raises(LookupError, match="no CBEC limits"):
        by_id("EU-LVC-2021").require_cbec()


def test_a_consignment_accepted_before_any_pack_is_refused(tariff: InMemoryTariff) -> None:
    request = TaxQuoteRequest(
        regime=Regime.EU_H7,
        destination_country="FR",
        currency="EUR",
        acceptance_date=date(2021, 6, 30),
        items=(GoodsLine("490199", "book", 1, D("12.00")),),
    )

    result = quote(request, tariff)

    assert result.rule_pack is None
    assert [reason.code for reason in result.reasons] == [ReasonCode.NO_RULE_PACK_IN_FORCE]
    assert result.customs_value == D("12.00")
