"""Risk evaluation, pure and deterministic: the facts of a declaration against the rules, and the
replayable random sample. No database here; customs.services.risk gathers the facts and writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from customs.models.risk import LANE_SEVERITY, Lane, RiskRule, TrustCriterion

_SPACE = 2**256


@dataclass(frozen=True, slots=True)
class LineFacts:
    hs_code: str
    origin_country: str
    quantity: int
    value: Decimal

    @property
    def unit_price(self) -> Decimal:
        return self.value / self.quantity


@dataclass(frozen=True, slots=True)
class DeclarationFacts:
    """What the rules look at: the goods, the value, the regime, and what we know of the
    parties (watch-list matches, the merchant's trust) and the tax assessment."""

    regime: str
    currency: str
    total_value: Decimal
    lines: Sequence[LineFacts]
    party_list_matches: Sequence[str]  # "kind:value" of each active entry a party matches
    merchant_trusted: bool
    assessment_reasons: frozenset[str]
    # The codes of the three-document match when it found a mismatch (empty otherwise).
    document_mismatches: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Hit:
    rule: RiskRule | None
    rule_name: str
    lane: str
    hard_stop: bool
    details: str


def _line_reasons(rule: RiskRule, facts: DeclarationFacts) -> list[str] | None:
    """Which lines meet the rule's line criteria (every line-level criterion on one line)."""
    if not (rule.hs_prefix or rule.origin_country or rule.min_unit_price is not None):
        return []
    if rule.min_unit_price is not None and facts.currency != rule.value_currency:
        return None
    matching = [
        f"line {number} ({line.hs_code}, {line.origin_country}, unit {line.unit_price:.2f})"
        for number, line in enumerate(facts.lines, start=1)
        if line.hs_code.startswith(rule.hs_prefix)
        and (not rule.origin_country or line.origin_country == rule.origin_country)
        and (rule.min_unit_price is None or line.unit_price >= rule.min_unit_price)
    ]
    return matching or None


def rule_match(rule: RiskRule, facts: DeclarationFacts) -> str | None:
    """Why the rule matches (its details), or None. Empty criteria match anything."""
    reasons: list[str] = []
    if rule.regime and facts.regime != rule.regime:
        return None
    if rule.min_value is not None:
        if facts.currency != rule.value_currency or facts.total_value < rule.min_value:
            return None
        reasons.append(f"value {facts.total_value} {facts.currency} ≥ {rule.min_value}")
    if rule.merchant_trust == TrustCriterion.STANDARD_ONLY and facts.merchant_trusted:
        return None
    if rule.merchant_trust == TrustCriterion.TRUSTED_ONLY and not facts.merchant_trusted:
        return None
    if rule.party_list_match:
        if not facts.party_list_matches:
            return None
        reasons.append("watch list: " + ", ".join(facts.party_list_matches))
    if rule.assessment_reason:
        if rule.assessment_reason not in facts.assessment_reasons:
            return None
        reasons.append(f"assessment: {rule.assessment_reason}")
    if rule.document_mismatch:
        if not facts.document_mismatches:
            return None
        reasons.append("three documents: " + ", ".join(sorted(facts.document_mismatches)))
    lines = _line_reasons(rule, facts)
    if lines is None:
        return None
    reasons.extend(lines)
    return "; ".join(reasons) or "matches every declaration"


def rules_evaluate(rules: Iterable[RiskRule], facts: DeclarationFacts) -> list[Hit]:
    """Every active rule that matches, most severe lane first, then by name: the same rules
    and facts always give the same hits in the same order."""
    ordered = sorted(
        (rule for rule in rules if rule.active),
        key=lambda rule: (-LANE_SEVERITY[rule.lane], rule.name),
    )
    hits = []
    for rule in ordered:
        details = rule_match(rule, facts)
        if details is not None:
            hits.append(Hit(rule, rule.name, rule.lane, rule.hard_stop, details))
    return hits


def most_severe(lanes: Iterable[str]) -> str:
    """The most severe of the lanes; green when there are none."""
    return max(lanes, key=LANE_SEVERITY.__getitem__, default=Lane.GREEN.value)


def sampled(*, seed: str, declaration_id: str, rate: Decimal) -> bool:
    """Whether the sample picks this declaration: deterministic, so any selection can be
    replayed from the seed, and uniform, so about `rate` of all declarations are picked."""
    digest = hashlib.sha256(f"{seed}:{declaration_id}".encode()).digest()
    # Exact integer comparison: int(digest) / 2**256 < rate  ⇔  int(digest) * den < num * 2**256
    numerator, denominator = rate.as_integer_ratio()
    return int.from_bytes(digest, "big") * denominator < numerator * _SPACE
