"""Rule matching (pure): every criterion, and lane precedence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from customs.models import RiskRule, TrustCriterion
from customs.risk_rules import DeclarationFacts, LineFacts, most_severe, rules_evaluate


def facts(**changes):
    base: dict[str, Any] = {
        "regime": "CN_CBEC",
        "currency": "EUR",
        "total_value": Decimal("49.00"),
        "lines": [LineFacts("180690", "BE", 2, Decimal("49.00"))],
        "party_list_matches": [],
        "merchant_trusted": False,
        "assessment_reasons": frozenset(),
    }
    return DeclarationFacts(**(base | changes))


def rule(name="r", lane="yellow", **criteria):
    return RiskRule(name=name, lane=lane, active=True, **criteria)


@pytest.mark.parametrize(
    ("criteria", "matches"),
    [
        ({"hs_prefix": "1806"}, True),
        ({"hs_prefix": "2203"}, False),
        ({"origin_country": "BE"}, True),
        ({"origin_country": "FR"}, False),
        ({"min_value": Decimal("49.00")}, True),
        ({"min_value": Decimal("49.01")}, False),
        ({"min_value": Decimal("10"), "value_currency": "CNY"}, False),
        ({"min_unit_price": Decimal("24.50")}, True),
        ({"min_unit_price": Decimal("24.51")}, False),
        ({"regime": "CN_CBEC"}, True),
        ({"regime": "EU_H7"}, False),
        ({"party_list_match": True}, False),
        ({"merchant_trust": TrustCriterion.STANDARD_ONLY}, True),
        ({"merchant_trust": TrustCriterion.TRUSTED_ONLY}, False),
        ({"assessment_reason": "TARIFF_CODE_UNKNOWN"}, False),
        ({"hs_prefix": "1806", "origin_country": "FR"}, False),  # both on the same line
        ({}, True),
    ],
)
def test_each_criterion_matches_only_what_it_says(criteria, matches):
    assert bool(rules_evaluate([rule(**criteria)], facts())) is matches


def test_party_list_trust_and_assessment_criteria_match_when_the_facts_say_so():
    the_facts = facts(
        party_list_matches=["eori:BE0123456789"],
        merchant_trusted=True,
        assessment_reasons=frozenset({"TARIFF_CODE_UNKNOWN"}),
    )
    rules = [
        rule("watch", party_list_match=True),
        rule("aeo", merchant_trust=TrustCriterion.TRUSTED_ONLY),
        rule("tariff", assessment_reason="TARIFF_CODE_UNKNOWN"),
    ]

    hits = rules_evaluate(rules, the_facts)

    assert [hit.rule_name for hit in hits] == ["aeo", "tariff", "watch"]
    assert "BE0123456789" in hits[2].details


def test_every_matching_rule_is_a_hit_most_severe_first_and_inactive_rules_are_skipped():
    rules = [
        rule("blue one", "blue"),
        rule("red one", "red"),
        rule("green one", "green"),
        rule("yellow one", "yellow"),
        RiskRule(name="off", lane="red", active=False),
    ]

    hits = rules_evaluate(rules, facts())

    assert [hit.lane for hit in hits] == ["red", "yellow", "blue", "green"]
    assert most_severe(hit.lane for hit in hits) == "red"


def test_no_hit_is_the_green_lane():
    assert most_severe([]) == "green"
    assert most_severe(["blue", "green"]) == "blue"
    assert most_severe(["yellow", "blue"]) == "yellow"
