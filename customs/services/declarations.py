"""Declarations: filing them, the clearance job (validate, assess, release or hold), officers'
decisions. Every move is in the transition table, writes a decision, an event and an audit entry."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customs import tasks
from customs.events import EVENT_FOR_STATUS, declaration_event_data
from customs.models import (
    ClearanceDecision,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    Regime,
)
from customs.selectors import commodity_codes_known
from customs.services.assessment import declaration_assess
from customs.services.audit import SYSTEM, audit_actor, audit_record
from ewtp.core.errors import DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import Organization, User, UserRole
from ewtp.core.money import round_half_up
from ewtp.events.bus import publish

HS_CODE = re.compile(r"^[0-9]{6}$")
REGIME_FOR_DESTINATION: dict[str, str] = {"CN": Regime.CN_CBEC}
OFFICER_ROLES = frozenset({UserRole.OFFICER, UserRole.SUPERVISOR})


class HoldReason:
    """Stable codes for why a declaration was held; partners branch on them."""

    HS_CODE_INVALID = "hs_code_invalid"
    HS_CODE_UNKNOWN = "hs_code_unknown"
    REGIME_UNSUPPORTED = "regime_unsupported"
    OFFICER_HOLD = "officer_hold"


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


def _publish(declaration: Declaration, decision: ClearanceDecision) -> None:
    declaration = Declaration.objects.select_related("merchant", "submitter").get(pk=declaration.pk)
    publish(
        type=EVENT_FOR_STATUS[declaration.status],
        data=declaration_event_data(declaration, decision),
        recipients=[declaration.submitter, declaration.merchant],
    )


def _move(
    *,
    declaration: Declaration,
    to: DeclarationStatus,
    reason_code: str,
    reason: str,
    actor: User | None,
) -> Declaration:
    """Lock, check the transition table, move, write the decision, publish."""
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if not locked.can_move_to(to):
        raise InvalidTransition(
            f"A declaration that is {locked.status} cannot become {to}.",
            code="declaration_invalid_transition",
        )
    now = timezone.now()
    previous = locked.status
    locked.status = to
    locked.updated_at = now
    fields = ["status", "updated_at"]
    if to in (DeclarationStatus.RELEASED, DeclarationStatus.HELD, DeclarationStatus.REJECTED):
        locked.decided_at = now
        fields.append("decided_at")
    if to == DeclarationStatus.HELD:
        locked.hold_reason_code = reason_code
        fields.append("hold_reason_code")
    locked.save(update_fields=fields)
    decision = ClearanceDecision.objects.create(
        declaration=locked,
        from_status=previous,
        to_status=to,
        reason_code=reason_code,
        reason=reason[:1000],
        actor=actor,
        decided_at=now,
    )
    _publish(locked, decision)
    _audit(locked, decision)
    locked.refresh_from_db()
    return locked


def _audit(declaration: Declaration, decision: ClearanceDecision) -> None:
    """The audit entry of a move: who (an officer, or the system), from what, to what, why."""
    audit_record(
        actor=audit_actor(user=decision.actor) if decision.actor else SYSTEM,
        action=f"declaration.{decision.to_status}",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload={
            "order_reference": declaration.order_reference,
            "from_status": decision.from_status,
            "to_status": decision.to_status,
            "reason_code": decision.reason_code,
            "reason": decision.reason,
        },
    )


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
) -> Declaration:
    """File the declaration for a paid order and queue its clearance. One declaration per
    order: filing the same order again returns the first one."""
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
    _publish(declaration, decision)
    _audit(declaration, decision)
    declaration_id = str(declaration.pk)
    transaction.on_commit(lambda: tasks.clear_declaration.delay(declaration_id))
    declaration.refresh_from_db()
    return declaration


def declaration_findings(*, declaration: Declaration) -> list[Finding]:
    """What stops a declaration from being released automatically (empty when nothing does)."""
    findings: list[Finding] = []
    if REGIME_FOR_DESTINATION.get(declaration.destination_country) != declaration.regime:
        findings.append(
            Finding(
                None,
                HoldReason.REGIME_UNSUPPORTED,
                f"No {declaration.regime} clearance for goods bound for "
                f"{declaration.destination_country}.",
            )
        )
    lines = list(declaration.lines.all())
    known = commodity_codes_known(codes=[line.hs_code for line in lines])
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


@transaction.atomic
def declaration_clear(*, declaration_id: uuid.UUID) -> Declaration:
    """The automatic clearance of a submitted declaration: hold it with the first finding's
    code when a line is not valid; otherwise validate it, assess its taxes (stored on it) and
    release it. Anything past `submitted` is left as it is, so running the job twice changes
    nothing."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration_id)
    if declaration.status != DeclarationStatus.SUBMITTED:
        return declaration
    findings = declaration_findings(declaration=declaration)
    if findings:
        return _move(
            declaration=declaration,
            to=DeclarationStatus.HELD,
            reason_code=findings[0].code,
            reason=" ".join(f.message for f in findings),
            actor=None,
        )
    validated = _move(
        declaration=declaration,
        to=DeclarationStatus.VALIDATED,
        reason_code="lines_valid",
        reason="Every line has a known 6-digit HS code.",
        actor=None,
    )
    # Stored for the officer and for the risk rules to come: the release does not yet depend
    # on it (see docs/customs.md, "Assessment").
    assessed = declaration_assess(declaration=validated)
    return _move(
        declaration=assessed,
        to=DeclarationStatus.RELEASED,
        reason_code="auto_release",
        reason="Released without inspection: no findings.",
        actor=None,
    )


def _require_officer(officer: User, reason: str) -> str:
    if officer.role not in OFFICER_ROLES and not officer.is_superuser:
        raise PermissionDenied(
            "Only customs officers decide on declarations.", code="not_an_officer"
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why.", code="reason_required", field="reason")
    return reason


@transaction.atomic
def declaration_release(*, declaration: Declaration, officer: User, reason: str) -> Declaration:
    """Release goods for entry. Only a validated or held declaration can be released; every
    decision is audited with the officer and the reason."""
    reason = _require_officer(officer, reason)
    return _move(
        declaration=declaration,
        to=DeclarationStatus.RELEASED,
        reason_code="officer_release",
        reason=reason,
        actor=officer,
    )


@transaction.atomic
def declaration_hold(*, declaration: Declaration, officer: User, reason: str) -> Declaration:
    """Hold goods for a check. Only a declaration not yet decided can be held."""
    reason = _require_officer(officer, reason)
    return _move(
        declaration=declaration,
        to=DeclarationStatus.HELD,
        reason_code=HoldReason.OFFICER_HOLD,
        reason=reason,
        actor=officer,
    )


@transaction.atomic
def declaration_reject(*, declaration: Declaration, officer: User, reason: str) -> Declaration:
    """Refuse goods entry. Final: a refused declaration cannot be released later."""
    reason = _require_officer(officer, reason)
    return _move(
        declaration=declaration,
        to=DeclarationStatus.REJECTED,
        reason_code="officer_reject",
        reason=reason,
        actor=officer,
    )
