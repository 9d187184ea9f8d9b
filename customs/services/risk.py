"""The risk step of the clearance job: gather a declaration's facts, apply the officers' rules
and the random sample, and record every hit and the lane on the declaration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from customs.models import (
    Declaration,
    DeclarationLine,
    MerchantTrust,
    PartyListEntry,
    PartyListKind,
    RiskRule,
    RuleHit,
    SamplingPolicy,
)
from customs.models.risk import Lane, normalise_party
from customs.risk_rules import (
    DeclarationFacts,
    Hit,
    LineFacts,
    most_severe,
    rules_evaluate,
    sampled,
)
from customs.selectors import document_mismatches_of
from customs.services.audit import SYSTEM, audit_record

SAMPLE = "Random sample"


@dataclass(frozen=True, slots=True)
class RiskOutcome:
    lane: str
    hits: list[Hit]
    hard_stop: bool
    sampled: bool


def party_list_wanted(declaration: Declaration) -> set[tuple[str, str]]:
    """The (kind, normalised value) pairs the watch list is searched for: the merchant's and
    the filer's EORI, VAT number and name, and the consignee's name."""
    wanted: set[tuple[str, str]] = {
        (PartyListKind.NAME, normalise_party(declaration.consignee_name))
    }
    for party in (declaration.merchant, declaration.submitter):
        wanted.add((PartyListKind.NAME, normalise_party(party.name)))
        if party.eori:
            wanted.add((PartyListKind.EORI, normalise_party(party.eori)))
        if party.vat_number:
            wanted.add((PartyListKind.VAT, normalise_party(party.vat_number)))
    return wanted


def party_list_entries(values: Iterable[str]) -> set[tuple[str, str]]:
    """The active watch-list entries among these normalised values, as (kind, value)."""
    return set(
        PartyListEntry.objects.filter(active=True, value__in=sorted(set(values))).values_list(
            "kind", "value"
        )
    )


def _party_list_matches(wanted: set[tuple[str, str]], entries: set[tuple[str, str]]) -> list[str]:
    return sorted(f"{kind}:{value}" for kind, value in entries & wanted)


def facts_build(
    *,
    declaration: Declaration,
    lines: Sequence[DeclarationLine],
    trusted: bool,
    party_entries: set[tuple[str, str]],
    document_mismatches: frozenset[str] = frozenset(),
) -> DeclarationFacts:
    """What the rules look at, from data in memory: the single clearance reads it for one
    declaration, the batched one for many at once (`document_mismatches` from
    `customs.selectors.document_mismatches_of`, one query for the batch)."""
    return DeclarationFacts(
        regime=declaration.regime,
        currency=declaration.currency,
        total_value=declaration.total_value,
        lines=[
            LineFacts(line.hs_code, line.origin_country, line.quantity, line.value)
            for line in lines
        ],
        party_list_matches=_party_list_matches(party_list_wanted(declaration), party_entries),
        merchant_trusted=trusted,
        assessment_reasons=frozenset(r["code"] for r in declaration.assessment_reasons or []),
        document_mismatches=document_mismatches,
    )


def merchants_trusted(merchant_ids: Iterable[Any]) -> set[Any]:
    """Which of these merchants officers trust (trusted or AEO)."""
    return {
        trust.organization_id
        for trust in MerchantTrust.objects.filter(organization_id__in=set(merchant_ids))
        if trust.trusted
    }


def declaration_facts(declaration: Declaration) -> DeclarationFacts:
    return facts_build(
        declaration=declaration,
        lines=list(declaration.lines.all()),
        trusted=declaration.merchant_id in merchants_trusted([declaration.merchant_id]),
        party_entries=party_list_entries(v for _, v in party_list_wanted(declaration)),
        document_mismatches=document_mismatches_of(declaration_ids=[declaration.pk]).get(
            declaration.pk, frozenset()
        ),
    )


def sampling_policy_current() -> SamplingPolicy | None:
    """The newest active sampling policy; None samples nothing."""
    return SamplingPolicy.objects.filter(active=True).order_by("-created_at", "-id").first()


def _sample(
    policy: SamplingPolicy | None, declaration: Declaration, lane: str, trusted: bool
) -> Hit | None:
    """Green and blue declarations are sampled at the policy's rate (lower for trusted
    merchants): a sampled green goes to the policy's lane, a sampled blue to yellow."""
    if policy is None or lane not in (Lane.GREEN, Lane.BLUE):
        return None
    if lane == Lane.GREEN:
        rate = policy.trusted_green_rate if trusted else policy.green_rate
        to = policy.green_sampled_lane
    else:
        rate = policy.trusted_blue_rate if trusted else policy.blue_rate
        to = Lane.YELLOW
    if not sampled(seed=policy.seed, declaration_id=str(declaration.pk), rate=Decimal(rate)):
        return None
    details = (
        f"{lane} sampled at {rate} ({'trusted' if trusted else 'standard'}), policy {policy.name}"
    )
    return Hit(None, SAMPLE, to, False, details)


def risk_decide(
    *,
    declaration: Declaration,
    facts: DeclarationFacts,
    rules: Sequence[RiskRule],
    policy: SamplingPolicy | None,
) -> RiskOutcome:
    """The lane: every rule that matches, then the sample; the most severe hit's lane (green
    with none). Pure: the rules and the policy are read by the caller."""
    hits = rules_evaluate(rules, facts)
    lane = most_severe(hit.lane for hit in hits)
    sample = _sample(policy, declaration, lane, facts.merchant_trusted)
    if sample is not None:
        hits.append(sample)
        lane = most_severe([lane, sample.lane])
    return RiskOutcome(
        lane=lane,
        hits=hits,
        hard_stop=any(hit.hard_stop for hit in hits),
        sampled=sample is not None,
    )


def rule_hit_rows(declaration: Declaration, outcome: RiskOutcome, now: datetime) -> list[RuleHit]:
    return [
        RuleHit(
            declaration=declaration,
            rule=hit.rule,
            rule_name=hit.rule_name,
            lane=hit.lane,
            hard_stop=hit.hard_stop,
            details=hit.details[:1000],
            created_at=now,
        )
        for hit in outcome.hits
    ]


def risk_apply(declaration: Declaration, outcome: RiskOutcome, now: datetime) -> None:
    """Set the outcome on the declaration, in memory."""
    declaration.lane = outcome.lane
    declaration.sampled = outcome.sampled
    declaration.risk_assessed_at = now


def risk_audit_payload(outcome: RiskOutcome) -> dict[str, Any]:
    """What the `declaration.risk_evaluated` audit entry records."""
    return {
        "lane": outcome.lane,
        "hard_stop": outcome.hard_stop,
        "sampled": outcome.sampled,
        "hits": [{"rule": hit.rule_name, "lane": hit.lane} for hit in outcome.hits],
    }


@transaction.atomic
def declaration_risk_assess(*, declaration: Declaration) -> RiskOutcome:
    """Apply every active rule and the sample; record each hit; the lane is the most severe
    hit's (green with none). Call it in the clearance job with the declaration locked."""
    outcome = risk_decide(
        declaration=declaration,
        facts=declaration_facts(declaration),
        rules=list(RiskRule.objects.filter(active=True)),
        policy=sampling_policy_current(),
    )
    now = timezone.now()
    RuleHit.objects.bulk_create(rule_hit_rows(declaration, outcome, now))
    risk_apply(declaration, outcome, now)
    declaration.save(update_fields=["lane", "sampled", "risk_assessed_at"])
    audit_record(
        actor=SYSTEM,
        action="declaration.risk_evaluated",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload=risk_audit_payload(outcome),
    )
    return outcome
