"""The risk step of the clearance job: gather a declaration's facts, apply the officers' rules
and the random sample, and record every hit and the lane on the declaration."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customs.models import (
    Declaration,
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
from customs.services.audit import SYSTEM, audit_record

SAMPLE = "Random sample"


@dataclass(frozen=True, slots=True)
class RiskOutcome:
    lane: str
    hits: list[Hit]
    hard_stop: bool
    sampled: bool


def _party_list_matches(declaration: Declaration) -> list[str]:
    """Active watch-list entries any party matches: the merchant's and the filer's EORI, VAT
    number and name, and the consignee's name."""
    wanted: set[tuple[str, str]] = {
        (PartyListKind.NAME, normalise_party(declaration.consignee_name))
    }
    for party in (declaration.merchant, declaration.submitter):
        wanted.add((PartyListKind.NAME, normalise_party(party.name)))
        if party.eori:
            wanted.add((PartyListKind.EORI, normalise_party(party.eori)))
        if party.vat_number:
            wanted.add((PartyListKind.VAT, normalise_party(party.vat_number)))
    entries = PartyListEntry.objects.filter(
        active=True, value__in=[value for _, value in wanted]
    ).values_list("kind", "value")
    return sorted(f"{kind}:{value}" for kind, value in entries if (kind, value) in wanted)


def declaration_facts(declaration: Declaration) -> DeclarationFacts:
    trust = MerchantTrust.objects.filter(organization_id=declaration.merchant_id).first()
    return DeclarationFacts(
        regime=declaration.regime,
        currency=declaration.currency,
        total_value=declaration.total_value,
        lines=[
            LineFacts(line.hs_code, line.origin_country, line.quantity, line.value)
            for line in declaration.lines.all()
        ],
        party_list_matches=_party_list_matches(declaration),
        merchant_trusted=trust is not None and trust.trusted,
        assessment_reasons=frozenset(r["code"] for r in declaration.assessment_reasons or []),
    )


def _sample(declaration: Declaration, lane: str, trusted: bool) -> Hit | None:
    """Green and blue declarations are sampled at the policy's rate (lower for trusted
    merchants): a sampled green goes to the policy's lane, a sampled blue to yellow."""
    policy = SamplingPolicy.objects.filter(active=True).order_by("-created_at", "-id").first()
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


@transaction.atomic
def declaration_risk_assess(*, declaration: Declaration) -> RiskOutcome:
    """Apply every active rule and the sample; record each hit; the lane is the most severe
    hit's (green with none). Call it in the clearance job with the declaration locked."""
    facts = declaration_facts(declaration)
    hits = rules_evaluate(RiskRule.objects.filter(active=True), facts)
    lane = most_severe(hit.lane for hit in hits)
    sample = _sample(declaration, lane, facts.merchant_trusted)
    if sample is not None:
        hits.append(sample)
        lane = most_severe([lane, sample.lane])
    now = timezone.now()
    RuleHit.objects.bulk_create(
        [
            RuleHit(
                declaration=declaration,
                rule=hit.rule,
                rule_name=hit.rule_name,
                lane=hit.lane,
                hard_stop=hit.hard_stop,
                details=hit.details[:1000],
                created_at=now,
            )
            for hit in hits
        ]
    )
    outcome = RiskOutcome(
        lane=lane,
        hits=hits,
        hard_stop=any(hit.hard_stop for hit in hits),
        sampled=sample is not None,
    )
    declaration.lane = lane
    declaration.sampled = outcome.sampled
    declaration.risk_assessed_at = now
    declaration.save(update_fields=["lane", "sampled", "risk_assessed_at"])
    audit_record(
        actor=SYSTEM,
        action="declaration.risk_evaluated",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload={
            "lane": lane,
            "hard_stop": outcome.hard_stop,
            "sampled": outcome.sampled,
            "hits": [{"rule": hit.rule_name, "lane": hit.lane} for hit in hits],
        },
    )
    return outcome
