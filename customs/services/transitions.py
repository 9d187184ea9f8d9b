"""The one way a declaration changes status: lock, check the transition table, move, and write
the decision, the event and the audit entry together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from customs.events import declaration_event_data, declaration_event_type
from customs.models import ClearanceDecision, Declaration, DeclarationStatus
from customs.services.audit import SYSTEM, AuditDraft, audit_actor, audit_record
from ewtp.core.errors import InvalidTransition
from ewtp.core.models import User
from ewtp.events.bus import publish

# Moves that decide (for now or for good); `decided_at` is the latest of them.
DECIDING = frozenset(
    {
        DeclarationStatus.RELEASED,
        DeclarationStatus.HELD,
        DeclarationStatus.REJECTED,
        DeclarationStatus.CANCELLED,
    }
)


def declaration_lock(declaration: Declaration) -> Declaration:
    return Declaration.objects.select_for_update().get(pk=declaration.pk)


def publish_declaration(declaration: Declaration, decision: ClearanceDecision) -> None:
    declaration = Declaration.objects.select_related("merchant", "submitter").get(pk=declaration.pk)
    event_type = declaration_event_type(declaration)
    if event_type is None:
        return
    publish(
        type=event_type,
        data=declaration_event_data(declaration, decision),
        recipients=[declaration.submitter, declaration.merchant],
    )


def decision_audit_draft(
    declaration: Declaration, decision: ClearanceDecision, extra: Mapping[str, Any] | None = None
) -> AuditDraft:
    """The audit entry of a move: who (an officer, or the system), from what, to what, why."""
    return AuditDraft(
        actor=audit_actor(user=decision.actor) if decision.actor else SYSTEM,
        action=f"declaration.{decision.to_status}",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload={
            "order_reference": declaration.order_reference,
            "submitter_reference": declaration.submitter_reference,
            "version": declaration.version,
            "from_status": decision.from_status,
            "to_status": decision.to_status,
            "reason_code": decision.reason_code,
            "reason": decision.reason,
            "lane": declaration.lane,
            **(extra or {}),
        },
    )


def audit_decision(
    declaration: Declaration, decision: ClearanceDecision, extra: Mapping[str, Any] | None = None
) -> None:
    draft = decision_audit_draft(declaration, decision, extra)
    audit_record(
        actor=draft.actor,
        action=draft.action,
        object_type=draft.object_type,
        object_id=draft.object_id,
        payload=draft.payload,
    )


def declaration_move(
    *,
    declaration: Declaration,
    to: DeclarationStatus,
    reason_code: str,
    reason: str,
    actor: User | None,
    audit_extra: Mapping[str, Any] | None = None,
) -> Declaration:
    """Lock, check the transition table (InvalidTransition, 409), move, write the decision,
    publish `customs.declaration.<status>` and audit. Call it inside a transaction."""
    locked = declaration_lock(declaration)
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
    if to in DECIDING:
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
    publish_declaration(locked, decision)
    audit_decision(locked, decision, audit_extra)
    locked.refresh_from_db()
    return locked
