"""Declarations: filing them and the clearance job (validate → assess → risk → release, or route
to an officer). Every move goes through customs.services.transitions.declaration_move."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from customs import tasks
from customs.models import (
    ClearanceDecision,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    Lane,
    Regime,
)
from customs.models.risk import OFFICER_LANES
from customs.selectors import commodity_codes_known
from customs.services.assessment import declaration_assess
from customs.services.risk import RiskOutcome, declaration_risk_assess
from customs.services.transitions import audit_decision, declaration_move, publish_declaration
from customs.taxes import ReasonCode
from customs.taxes.eu_states import member_states
from ewtp.core.errors import DomainError
from ewtp.core.models import Organization
from ewtp.core.money import round_half_up

HS_CODE = re.compile(r"^[0-9]{6}$")
REGIME_FOR_DESTINATION: dict[str, str] = {"CN": Regime.CN_CBEC}


def regime_covers(regime: str, destination_country: str) -> bool:
    """Whether goods bound for this country can be cleared under this regime: China's CBEC
    for China, the EU's imports for a member state, an EU export for anywhere outside."""
    in_eu = destination_country in member_states()
    if regime in (Regime.EU_H7, Regime.EU_H1):
        return in_eu
    if regime == Regime.EU_EXPORT:
        return not in_eu
    return REGIME_FOR_DESTINATION.get(destination_country) == regime


class HoldReason:
    """Stable codes for why a declaration was held; partners branch on them."""

    HS_CODE_INVALID = "hs_code_invalid"
    HS_CODE_UNKNOWN = "hs_code_unknown"
    REGIME_UNSUPPORTED = "regime_unsupported"
    OFFICER_HOLD = "officer_hold"
    RISK_HARD_STOP = "risk_hard_stop"


# Why an amended declaration waits for an officer although its lane would release it.
AMENDED_AFTER_REVIEW = "amended_after_review"


@dataclass(frozen=True, slots=True)
class DeclarationLineRequest:
    hs_code: str
    description: str
    origin_country: str
    quantity: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class Finding:
    line_number: int | None
    code: str
    message: str


@transaction.atomic
def declaration_submit(
    *,
    order_id: uuid.UUID,
    order_reference: str,
    merchant: Organization,
    submitter: Organization,
    consignee_name: str,
    destination_country: str,
    currency: str,
    lines: Sequence[DeclarationLineRequest],
    transport_costs: Decimal = Decimal("0.00"),
    discount: Decimal = Decimal("0.00"),
    exchange_rate: Decimal | None = None,
) -> Declaration:
    """File the declaration for a paid order and queue its clearance. One declaration per
    order: filing the same order again returns the first one. The order's freight is its
    transport costs; its discount is already off the line values; `exchange_rate`, the rate
    the order was priced at, is the one its assessment uses."""
    existing = Declaration.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    if not lines:
        raise DomainError("A declaration needs at least one line.", code="declaration_empty")
    # Customs values are rounded half-up to the cent per line, then summed.
    values = [round_half_up(line.value) for line in lines]
    declaration = Declaration.objects.create(
        order_id=order_id,
        order_reference=order_reference,
        merchant=merchant,
        submitter=submitter,
        # Filed under the only regime we run; clearance holds it if the destination is not one
        # that regime covers (`regime_unsupported`), so an officer sees it instead of a crash.
        regime=REGIME_FOR_DESTINATION.get(destination_country, Regime.CN_CBEC),
        consignee_name=consignee_name,
        destination_country=destination_country,
        currency=currency,
        total_value=sum(values, Decimal("0.00")),
        transport_costs=transport_costs,
        discount=discount,
        declared_exchange_rate=exchange_rate,
    )
    DeclarationLine.objects.bulk_create(
        [
            DeclarationLine(
                declaration=declaration,
                line_number=number,
                hs_code=line.hs_code,
                description=line.description[:200],
                origin_country=line.origin_country,
                quantity=line.quantity,
                value=value,
            )
            for number, (line, value) in enumerate(zip(lines, values, strict=True), start=1)
        ]
    )
    decision = ClearanceDecision.objects.create(
        declaration=declaration,
        from_status="",
        to_status=DeclarationStatus.SUBMITTED,
        reason_code="filed",
        reason=f"Filed by {submitter.slug} for order {order_reference}.",
        decided_at=declaration.created_at,
    )
    publish_declaration(declaration, decision)
    audit_decision(declaration, decision)
    declaration_id = str(declaration.pk)
    transaction.on_commit(lambda: tasks.clear_declaration.delay(declaration_id))
    declaration.refresh_from_db()
    return declaration


def findings_decide(
    *, declaration: Declaration, lines: Sequence[DeclarationLine], known: set[str]
) -> list[Finding]:
    """What stops a declaration from being released automatically (empty when nothing does),
    given its lines and which of their HS codes the nomenclature knows (read once per
    declaration by the single clearance, once per batch by the batched one)."""
    findings: list[Finding] = []
    if not regime_covers(declaration.regime, declaration.destination_country):
        findings.append(
            Finding(
                None,
                HoldReason.REGIME_UNSUPPORTED,
                f"No {declaration.regime} clearance for goods bound for "
                f"{declaration.destination_country}.",
            )
        )
    for line in lines:
        if not HS_CODE.fullmatch(line.hs_code):
            findings.append(
                Finding(
                    line.line_number,
                    HoldReason.HS_CODE_INVALID,
                    f"Line {line.line_number}: {line.hs_code!r} is not a 6-digit HS code.",
                )
            )
        elif line.hs_code not in known:
            findings.append(
                Finding(
                    line.line_number,
                    HoldReason.HS_CODE_UNKNOWN,
                    f"Line {line.line_number}: HS code {line.hs_code} is not in the nomenclature.",
                )
            )
    return findings


def declaration_findings(*, declaration: Declaration) -> list[Finding]:
    """What stops a declaration from being released automatically (empty when nothing does)."""
    lines = list(declaration.lines.all())
    known = commodity_codes_known(codes=[line.hs_code for line in lines])
    return findings_decide(declaration=declaration, lines=lines, known=known)


@dataclass(frozen=True, slots=True)
class Move:
    """A status change decided by the clearance job, before it is written."""

    to: DeclarationStatus
    reason_code: str
    reason: str
    audit_extra: dict[str, Any] | None = None


VALIDATED = Move(
    DeclarationStatus.VALIDATED, "lines_valid", "Every line has a known 6-digit HS code."
)


def export_release_move(declaration: Declaration) -> Move:
    """An export carries no duty and no import VAT to assess; export controls are not run
    here, so a valid export is released under its MRN."""
    return Move(
        DeclarationStatus.RELEASED,
        "export_released",
        f"Released for export under MRN {declaration.mrn}.",
    )


def findings_move(findings: Sequence[Finding]) -> Move:
    """The hold a validation finding makes."""
    return Move(DeclarationStatus.HELD, findings[0].code, " ".join(f.message for f in findings))


def _inadmissible_reasons(declaration: Declaration) -> list[dict[str, str]]:
    """The assessment's reasons when it holds the declaration: not admissible although every
    line had a tariff line. Without a tariff line the assessment cannot judge the goods, so that
    case is left to the risk rules (`assessment_reason = TARIFF_CODE_UNKNOWN`), not held here:
    see docs/customs.md, "Clearance pipeline"."""
    reasons: list[dict[str, str]] = list(declaration.assessment_reasons or [])
    if declaration.admissible is not False:
        return []
    if any(reason["code"] == ReasonCode.TARIFF_CODE_UNKNOWN for reason in reasons):
        return []
    return reasons


def route_decide(declaration: Declaration, risk: RiskOutcome) -> Move:
    """After validation, assessment and risk: hold, queue for an officer, or release."""
    lane_extra = {"hits": [hit.rule_name for hit in risk.hits], "sampled": risk.sampled}
    inadmissible = _inadmissible_reasons(declaration)
    if inadmissible:
        return Move(
            DeclarationStatus.HELD,
            inadmissible[0]["code"],
            " ".join(reason["detail"] for reason in inadmissible),
            lane_extra,
        )
    names = ", ".join(hit.rule_name for hit in risk.hits)
    if risk.hard_stop:
        stops = ", ".join(hit.rule_name for hit in risk.hits if hit.hard_stop)
        return Move(
            DeclarationStatus.HELD,
            HoldReason.RISK_HARD_STOP,
            f"Held by a hard-stop rule: {stops}.",
            lane_extra,
        )
    if risk.lane not in OFFICER_LANES and declaration.review_required:
        return Move(
            DeclarationStatus.RISK_ASSESSED,
            AMENDED_AFTER_REVIEW,
            f"Amended while with an officer: back to an officer ({risk.lane} lane).",
            lane_extra,
        )
    if risk.lane in OFFICER_LANES:
        return Move(
            DeclarationStatus.RISK_ASSESSED,
            f"lane_{risk.lane}",
            f"Routed to an officer ({risk.lane} lane): {names}.",
            lane_extra,
        )
    return Move(
        DeclarationStatus.RELEASED,
        "auto_release",
        (
            "Released without inspection: no findings."
            if risk.lane == Lane.GREEN
            else f"Released for post-release audit (blue lane): {names}."
        ),
        lane_extra,
    )


def _move(declaration: Declaration, move: Move) -> Declaration:
    return declaration_move(
        declaration=declaration,
        to=move.to,
        reason_code=move.reason_code,
        reason=move.reason,
        actor=None,
        audit_extra=move.audit_extra,
    )


@transaction.atomic
def declaration_clear(*, declaration_id: uuid.UUID) -> Declaration:
    """The automatic clearance of a submitted declaration: validate its lines (a finding holds
    it), assess its taxes, apply the risk rules and the sample. Goods not admissible under a
    tariff line found are held with the assessment's reason; a hard-stop rule holds; a yellow or
    red lane waits for an officer; green and blue are released. Anything past `submitted` is
    left as it is, so running the job twice changes nothing."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration_id)
    if declaration.status != DeclarationStatus.SUBMITTED:
        return declaration
    findings = declaration_findings(declaration=declaration)
    if findings:
        return _move(declaration, findings_move(findings))
    validated = _move(declaration, VALIDATED)
    if validated.regime == Regime.EU_EXPORT:
        return _move(validated, export_release_move(validated))
    assessed = declaration_assess(declaration=validated)
    risk = declaration_risk_assess(declaration=assessed)
    return _move(assessed, route_decide(assessed, risk))
